"""The input formats end to end: what a writer writes, StreamLang reads back and writes again."""
from __future__ import annotations

import csv
import io
import json
import subprocess

from hypothesis import given, settings
from hypothesis import strategies as st

from streamlang.driver import Program, build
from streamlang.source import Source

from .conftest import sl_command


def run(program: str, text: str) -> str:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = Program(build(Source(program))).run(lines)
    return "".join(line + "\n" for line in out)


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=8)
names = st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True), min_size=1, max_size=4, unique=True)


@settings(max_examples=150, deadline=None)
@given(names.flatmap(lambda h: st.tuples(st.just(h), st.lists(
    st.lists(cell, min_size=len(h), max_size=len(h)), min_size=1, max_size=5))))
def test_parse_csv_then_csv_reproduces_what_pythons_csv_writes(table):
    header, rows = table
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    out = run("parse csv | csv", buf.getvalue())
    # The same fields, read back with Python's csv module.
    assert list(csv.reader(io.StringIO(out, newline=""))) == [header] + rows


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=10)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.text(min_size=1, max_size=5), json_values, max_size=4), min_size=1, max_size=4))
def test_parse_json_then_json_preserves_every_value(records):
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    out = run("parse json | json", text)
    # str.splitlines would also split at U+0085 and friends inside values.
    got = [json.loads(line) for line in out.split("\n")[:-1]]
    assert got == records
    assert [type(v) for r in got for v in r.values()] == [type(v) for r in records for v in r.values()]


def logfmt_line(d: dict[str, str]) -> str:
    parts = []
    for k, v in d.items():
        if v == "" or any(c in v for c in ' ="\\') or any(ord(c) < 32 for c in v):
            v = json.dumps(v, ensure_ascii=False)
        parts.append(f"{k}={v}")
    return " ".join(parts)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_.]{0,6}", fullmatch=True),
                       st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10),
                       min_size=1, max_size=5))
def test_parse_logfmt_reads_what_a_logfmt_writer_writes(d):
    out = run("parse logfmt | json", logfmt_line(d) + "\n")
    assert json.loads(out) == d


def test_bad_lines_of_every_format_are_counted_with_file_and_line(tmp_path):
    cases = {
        "json": ('{"a": 1}\n{"a": \n{"a": 3}\n', "parse json | map .a", "1\n3\n", "not JSON"),
        "logfmt": ('a=1\na="open\na=3\n', "parse logfmt | map .a", "1\n3\n", "unterminated quoted value"),
        "csv": ('a,b\n1,2\n1,2,3\n4,5\n', "parse csv | map .a", "1\n4\n", "expected 2 fields"),
        "tsv": ('a\tb\n1\t2\n1\n4\t5\n', "parse tsv | map .a", "1\n4\n", "expected 2 fields"),
        "syslog": ("Nov 20 10:00:01 h app[1]: x\ngarbage\n", "parse syslog | map .app", "app\n", "not syslog"),
    }
    for fmt, (text, program, out, reason) in cases.items():
        path = tmp_path / f"in.{fmt}"
        path.write_bytes(text.replace("\n", "\r\n").encode())
        proc = subprocess.run([sl_command(), program, str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, fmt
        assert proc.stdout == out, fmt
        assert f"sl: 1 of {text.count(chr(10))} input lines rejected" in proc.stderr, fmt
        assert f"{path}:3: " in proc.stderr or f"{path}:2: " in proc.stderr, fmt
        assert reason in proc.stderr, fmt


def test_unicode_and_empty_fields(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text('name,city\n"Zoë","São Paulo"\n,\n"漢字",""\n', encoding="utf-8")
    proc = subprocess.run([sl_command(), "parse csv | select .city, n = len(.name) | json", str(path)],
                          capture_output=True, text=True)
    assert proc.stdout == ('{"city": "São Paulo", "n": 3}\n{"city": "", "n": 0}\n{"city": "", "n": 2}\n')


def test_a_csv_header_gives_did_you_mean(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("name,status\nx,404\n")
    proc = subprocess.run([sl_command(), "parse csv | where .stauts == 404", str(path)], capture_output=True,
                          text=True, env={"NO_COLOR": "1"})
    assert proc.returncode == 2
    assert proc.stderr == ("<program>:1:19: error: no field `stauts` in the element\n"
                           "  |\n"
                           "1 | parse csv | where .stauts == 404\n"
                           "  |                   ^^^^^^^\n"
                           "  = hint: did you mean `.status`?\n")
