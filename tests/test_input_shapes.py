"""Right answers on schema-less records, many files and the compile cache.

What the checker learns from the input (the header of every CSV/TSV file)
is an explicit value, `InputHints`, read by the command line before checking
and part of the compile cache's key; each file's header names its own rows;
schema-less records written as CSV, TSV or a table never lose a field
without a rejection; `-j` writes what one process writes for them; round
trips through `parse csv | csv` and `parse json | json` keep every byte of
every field. Expected outputs are computed here with Python's csv and json.
"""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streamlang import cache
from streamlang.driver import check
from streamlang.errors import CompileError
from streamlang.hints import InputHints, peek_inputs
from streamlang.source import Source
from streamlang.typesys import show

from .conftest import sl_command

SLOW = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))


def sl(cwd: Path, *args: str, stdin: bytes = b"", cache_dir: Path | None = None,
       **env: str) -> subprocess.CompletedProcess[bytes]:
    environ = dict(os.environ, NO_COLOR="1", XDG_CACHE_HOME=str(cache_dir or cwd / ".cache"), **env)
    return subprocess.run([sl_command(), *args], input=stdin, capture_output=True, env=environ, cwd=cwd,
                          timeout=120)


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def rfc_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def json_lines(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def united(*files: list[list[str]]) -> list[dict[str, str | None]]:
    """Each file's rows keyed by its own header, under every header's names in first-seen order."""
    names: dict[str, None] = {}
    for rows in files:
        names.update(dict.fromkeys(rows[0]))
    out = []
    for rows in files:
        for row in rows[1:]:
            own = dict(zip(rows[0], row))
            out.append({n: own.get(n) for n in names})
    return out


# 1. The compile cache -----------------------------------------------------------------------

def test_a_cached_program_is_not_run_on_a_file_with_another_header(tmp_path: Path) -> None:
    a = [["ip", "status"], ["1.2.3.4", "200"]]
    b = [["a", "b"], ["1", "2"], ["3", "4"]]
    (tmp_path / "a.csv").write_text(csv_text(a))
    (tmp_path / "b.csv").write_text(csv_text(b))
    first = sl(tmp_path, "parse csv | json", "a.csv")
    second = sl(tmp_path, "parse csv | json", "b.csv")
    assert first.stdout.decode() == json_lines(united(a))
    assert second.stdout.decode() == json_lines(united(b))
    assert second.returncode == 0 and second.stderr == b""


def test_a_program_that_reads_no_header_has_one_cache_entry_whatever_the_first_lines(tmp_path: Path) -> None:
    # Only `parse csv`/`parse tsv` are typed from the input; any other program's
    # entry must serve a log whose first line changed (rotation, a new day).
    for i, first in enumerate(["a b c", "x y"]):
        (tmp_path / f"{i}.log").write_text(f"{first}\nlast\n")
        assert sl(tmp_path, "words | map len(_)", f"{i}.log").stdout == f"{len(first.split())}\n1\n".encode()
    assert len(list((tmp_path / ".cache" / "streamlang").glob("*.bin"))) == 1


def test_a_field_another_files_header_lacks_is_a_compile_error_after_a_cached_run(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("ip,status\n1.2.3.4,200\n")
    (tmp_path / "b.csv").write_text("a,b\n1,2\n")
    assert sl(tmp_path, "parse csv | map .b", "b.csv").stdout == b"2\n"
    r = sl(tmp_path, "parse csv | map .b", "a.csv")
    assert r.returncode == 2
    assert r.stdout == b""
    assert r.stderr.decode().splitlines()[0] == "<program>:1:17: error: no field `b` in the element"


def test_the_checker_types_parse_csv_from_the_hints_it_is_given() -> None:
    hints = InputHints(("ip,status", "status,path"), complete=True)
    program = check(Source("parse csv"), hints=hints)
    assert show(program.type) == "stream<{ip: dyn, status: dyn, path: dyn}>"
    # Without hints (stdin, the Python API) the records are schema-less.
    assert show(check(Source("parse csv")).type) == "stream<dyn>"
    # A header a program cannot name fields by (`a b`) leaves them schema-less too.
    assert show(check(Source("parse csv"), hints=InputHints(("a b,c",), True)).type) == "stream<dyn>"
    try:
        check(Source("parse tsv | map .x"), hints=InputHints(("a\tb",), True))
    except CompileError as e:
        assert e.diagnostics[0].message == "no field `x` in the element"
    else:
        raise AssertionError("`.x` compiled against a header without it")


def test_hints_are_part_of_the_cache_key_and_cannot_be_changed() -> None:
    one = cache.key("parse csv", "<program>", {}, InputHints(("a,b",), True))
    other = cache.key("parse csv", "<program>", {}, InputHints(("a,c",), True))
    assert one != other
    assert one == cache.key("parse csv", "<program>", {}, InputHints(("a,b",), True))
    hints = InputHints(("a,b",), True)
    try:
        hints.complete = False  # type: ignore[misc]
    except AttributeError as e:
        assert str(e) == "InputHints is immutable"
    else:
        raise AssertionError("InputHints changed")


def test_peek_reads_the_first_line_of_every_file_and_never_stdin(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "1.csv").write_bytes(b"\xef\xbb\xbfa,b\r\n1,2\r\n")
    (tmp_path / "d" / "2.csv").write_bytes(b"")
    (tmp_path / "3.csv").write_bytes(b"c\n")
    files = [str(tmp_path / "d"), str(tmp_path / "3.csv")]
    assert peek_inputs(files) == InputHints(("a,b", None, "c"), complete=True)
    assert peek_inputs([*files, "-"]) == InputHints(("a,b", None, "c"), complete=False)
    assert peek_inputs([]) == InputHints((), complete=False)


def test_peek_never_reads_a_pipe_the_run_reads_after_it(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    lines = ["a,b", "1,2", "3,4"]
    # A pipe can be read once: a header read ahead of the run would be missing from it.
    writer = subprocess.Popen(["sh", "-c", 'cat > "$0"', str(fifo)], stdin=subprocess.PIPE)
    assert writer.stdin is not None
    writer.stdin.write("".join(line + "\n" for line in lines).encode())
    writer.stdin.close()
    r = sl(tmp_path, "count", str(fifo))
    writer.wait()
    assert r.stdout == f"{len(lines)}\n".encode()
    assert peek_inputs([str(tmp_path / "none.csv")]) == InputHints((None,), complete=True)


header_names = st.lists(st.sampled_from(["a", "b", "c", "ip", "n"]), min_size=1, max_size=3, unique=True)
cells = st.text(alphabet="xy1 ,\"", max_size=4)


@st.composite
def csv_files(draw):  # type: ignore[no-untyped-def]
    header = draw(header_names)
    rows = draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=4))
    return [header, *rows]


CACHED_PROGRAMS = ["parse csv | json", "parse csv | csv", "parse csv | map .a", "parse csv | table",
                   "parse csv | select .a, .b | json", "parse csv | count by .a"]


@SLOW
@given(st.lists(st.tuples(st.sampled_from(CACHED_PROGRAMS), st.lists(csv_files(), min_size=1, max_size=2)),
                min_size=2, max_size=4))
def test_a_cached_run_writes_what_an_uncached_run_writes(tmp_path_factory, runs) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("cache")
    cache_dir = tmp / "cache"
    for i, (program, files) in enumerate(runs):
        names = []
        for j, rows in enumerate(files):
            # The same names each run, new contents: only the headers tell the runs apart.
            (tmp / f"in{j}.csv").write_text(csv_text(rows))
            names.append(f"in{j}.csv")
        cached = sl(tmp, program, *names, cache_dir=cache_dir)
        uncached = sl(tmp, program, *names, SL_NO_CACHE="1")
        assert (cached.returncode, cached.stdout, cached.stderr) == \
            (uncached.returncode, uncached.stdout, uncached.stderr), (i, program, files)


# 2. Several files, several headers ------------------------------------------------------------

def test_each_csv_files_header_names_its_own_rows(tmp_path: Path) -> None:
    a = [["ip", "status"], ["1.2.3.4", "200"]]
    b = [["status", "path", "ip"], ["404", "/x", "5.6.7.8"], ["500", "/y", "9.9.9.9"]]
    (tmp_path / "a.csv").write_text(csv_text(a))
    (tmp_path / "b.csv").write_text(csv_text(b))
    r = sl(tmp_path, "parse csv | json", "a.csv", "b.csv")
    assert r.stdout.decode() == json_lines(united(a, b))
    assert r.stderr == b""
    expected = united(a, b)
    out = sl(tmp_path, "parse csv | csv", "a.csv", "b.csv").stdout.decode()
    assert out == csv_text([list(expected[0]), *[[v or "" for v in rec.values()] for rec in expected]])


def test_each_tsv_files_header_names_its_own_rows(tmp_path: Path) -> None:
    (tmp_path / "a.tsv").write_text("Date\tLevel\n2024-01-01\tINFO\n")
    (tmp_path / "b.tsv").write_text("Level\tPid\n WARN\t7\n")
    r = sl(tmp_path, "parse tsv | select .Date, .Level, .Pid | json", "a.tsv", "b.tsv")
    assert r.stdout.decode() == json_lines([{"Date": "2024-01-01", "Level": "INFO", "Pid": None},
                                            {"Date": None, "Level": " WARN", "Pid": "7"}])


def test_with_stdin_among_the_files_each_record_keeps_its_own_keys(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("ip,status\n1.2.3.4,200\n")
    r = sl(tmp_path, "parse csv | json", "a.csv", "-", stdin=b"a,b\n1,2\n")
    assert r.stdout.decode() == json_lines([{"ip": "1.2.3.4", "status": "200"}, {"a": "1", "b": "2"}])


# 3. Schema-less records written as CSV, TSV and tables ------------------------------------------

def test_a_key_outside_the_csv_header_is_a_rejection_naming_it(tmp_path: Path) -> None:
    r = sl(tmp_path, "parse logfmt | csv", stdin=b"a=1\nb=2\na=3\n")
    assert r.returncode == 0
    assert r.stdout == b"a\n1\n3\n"
    assert r.stderr.decode() == (
        "sl: 1 of 3 input lines rejected\n"
        "  1 by `csv` (<program>:1:16)\n"
        "    <stdin>:2: field `b` is not a column of the csv header (a), which the first record set; "
        "name every column first (`select .a, .b`) or write json: b=2\n")


def test_a_key_missing_from_a_later_record_is_an_empty_cell(tmp_path: Path) -> None:
    r = sl(tmp_path, "parse json | tsv", stdin=b'{"a": 1, "b": "x"}\n{"b": "y"}\n')
    assert r.stdout == b"a\tb\n1\tx\n\ty\n"
    assert r.stderr == b""


def test_naming_the_columns_first_writes_every_field(tmp_path: Path) -> None:
    r = sl(tmp_path, "parse logfmt | select .a, .b | csv", stdin=b"a=1\nb=2\n")
    assert r.stdout.decode() == csv_text([["a", "b"], ["1", ""], ["", "2"]])


def test_table_of_schema_less_records_has_a_header_of_every_key(tmp_path: Path) -> None:
    r = sl(tmp_path, "parse json | table", stdin=b'{"a": 1, "n": 10}\n{"b": "xy", "n": 9}\n')
    # Numbers (and their column's name) to the right, as in every table.
    assert r.stdout.decode() == ("a   n  b\n"
                                 "-  --  --\n"
                                 "1  10\n"
                                 "    9  xy\n")


# 4. -j ---------------------------------------------------------------------------------------------

def test_j2_writes_one_header_for_schema_less_csv_over_two_files(tmp_path: Path) -> None:
    (tmp_path / "one.log").write_text("".join(f"a={i} b=x\n" for i in range(40)))
    (tmp_path / "two.log").write_text("".join(f"a={i} b=y c=z\n" for i in range(40)))
    one = sl(tmp_path, "parse logfmt | csv", "one.log", "two.log", SL_NO_CACHE="1")
    two = sl(tmp_path, "-j", "2", "parse logfmt | csv", "one.log", "two.log", SL_NO_CACHE="1",
             SL_JOBS_MIN_RANGE="64")
    assert one.stdout.decode() == "a,b\n" + "".join(f"{i},x\n" for i in range(40))
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)


logfmt_records = st.lists(st.dictionaries(st.sampled_from(["a", "b", "c", "msg"]),
                                          st.text(alphabet="xy1 =\"", max_size=5), min_size=1),
                          min_size=1, max_size=30)
J_PROGRAMS = ["parse logfmt | csv", "parse logfmt | tsv", "parse logfmt | json", "parse logfmt | table",
              "parse json | csv", "parse json | count by .a", "parse csv | csv", "parse csv | json",
              "parse csv | where .a != \"x\" | csv"]


def logfmt_line(record: dict[str, str]) -> str:
    return " ".join(f"{k}={json.dumps(v)}" for k, v in record.items())


def input_for(program: str, records: list[dict[str, str]]) -> str:
    if program.startswith("parse logfmt"):
        return "".join(logfmt_line(r) + "\n" for r in records)
    if program.startswith("parse json"):
        return json_lines(records)
    names = list(dict.fromkeys(k for r in records for k in r))
    return csv_text([names, *[[r.get(n, "") for n in names] for r in records]])


@SLOW
@given(st.sampled_from(J_PROGRAMS), logfmt_records, logfmt_records)
def test_j2_writes_what_one_process_writes_for_schema_less_records(tmp_path_factory, program, a, b) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("j")
    (tmp / "a").write_text(input_for(program, a))
    (tmp / "b").write_text(input_for(program, b))  # CSV: another header
    one = sl(tmp, program, "a", "b", SL_NO_CACHE="1")
    two = sl(tmp, "-j", "2", program, "a", "b", SL_NO_CACHE="1", SL_JOBS_MIN_RANGE="64")
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)


@SLOW
@given(logfmt_records)
def test_a_records_fields_are_written_or_it_is_rejected(tmp_path_factory, records) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("kept")
    r = sl(tmp, "parse logfmt | csv", stdin=input_for("parse logfmt", records).encode())
    rows = list(csv.reader(io.StringIO(r.stdout.decode(), newline="")))
    header, written = rows[0], rows[1:]
    kept = [rec for rec in records if set(rec) <= set(header)]
    assert header == list(records[0])
    assert written == [[rec.get(k, "") for k in header] for rec in kept]
    rejected = len(records) - len(kept)
    summary = f"sl: {rejected} of {len(records)} input line{'s' if len(records) != 1 else ''} rejected"
    assert (r.stderr.decode().splitlines()[:1] or [""])[0] == (summary if rejected else "")


# 11. Data kept as it was --------------------------------------------------------------------------

def test_crlf_inside_a_quoted_csv_field_is_kept(tmp_path: Path) -> None:
    data = b'a,b\r\n"line one\r\nline two",2\r\n"lf\nonly",3\r\n'
    (tmp_path / "in.csv").write_bytes(data)
    r = sl(tmp_path, "parse csv | csv", "in.csv")
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert r.stdout.decode() == csv_text(rows)
    assert r.stdout == b'a,b\n"line one\r\nline two",2\n"lf\nonly",3\n'


def test_nan_and_infinity_in_json_are_rejected_not_written_as_null(tmp_path: Path) -> None:
    r = sl(tmp_path, "parse json | json", stdin=b'{"a": NaN}\n{"a": -Infinity}\n[1e400]\n{"a": 1.5}\n')
    assert r.stdout == b'{"a": 1.5}\n'
    assert r.stderr.decode() == (
        "sl: 3 of 4 input lines rejected\n"
        "  3 by `parse json` (<program>:1:1)\n"
        '    <stdin>:1: not JSON: NaN is not a JSON number at column 7: {"a": NaN}\n'
        '    <stdin>:2: not JSON: -Infinity is not a JSON number at column 7: {"a": -Infinity}\n'
        "    <stdin>:3: not JSON: 1e400 is too large for a float at column 2: [1e400]\n")


def test_a_csv_file_with_cr_only_line_ends_says_why_nothing_was_read(tmp_path: Path) -> None:
    (tmp_path / "mac.csv").write_bytes(b"a,b\r1,2\r3,4\r")
    r = sl(tmp_path, "parse csv | json", "mac.csv")
    assert r.stdout == b""
    assert r.stderr.decode() == (
        "sl: 1 of 1 input line rejected\n"
        "  1 by `parse csv` (<program>:1:1)\n"
        "    mac.csv:1: bad header: it holds a carriage return (\\r): this file's lines end with CR alone "
        "(an old Mac or Excel export), so it reads as one line; make them LF first, "
        "e.g. `tr '\\r' '\\n' < FILE`: a,b\\r1,2\\r3,4\n")


field_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8) | \
    st.sampled_from(["", "\r\n", "a\r\nb", "\r", "x\r", '"', '""', ",", " lead", "-", "\n\n"])


@SLOW
@given(st.lists(st.lists(field_text, min_size=2, max_size=2), min_size=1, max_size=6), st.booleans())
def test_parse_csv_then_csv_keeps_every_byte_of_every_field(tmp_path_factory, rows, crlf) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("csv")
    eol = "\r\n" if crlf else "\n"
    # RFC 4180 quoting (csv.writer leaves a lone CR unquoted when lines end with LF).
    quoted = [",".join(rfc_field(f) for f in row) for row in [["k", "v"], *rows]]
    (tmp / "in.csv").write_bytes("".join(line + eol for line in quoted).encode("utf-8"))
    r = sl(tmp, "parse csv | csv", "in.csv")
    assert r.stderr == b""
    back = list(csv.reader(io.StringIO(r.stdout.decode("utf-8"), newline="")))
    assert back == [["k", "v"], *rows]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8)


@SLOW
@given(st.lists(st.dictionaries(st.text(st.characters(blacklist_categories=("Cs",)), max_size=4),
                                json_values, max_size=4), min_size=1, max_size=5))
def test_parse_json_then_json_keeps_every_field(tmp_path_factory, records) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("json")
    r = sl(tmp, "parse json | json", stdin=json_lines(records).encode("utf-8"))
    assert r.stderr == b""
    assert [json.loads(line) for line in r.stdout.decode("utf-8").split("\n")[:-1]] == records


# 13. ---------------------------------------------------------------------------------------------------

def test_write_names_the_path_it_cannot_write(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    r = sl(tmp_path, 'split "," as {app: str, n: int} | write "afile/sub/{app}.csv"', stdin=b"x,1\n")
    assert r.returncode == 1
    assert r.stderr.decode() == "sl: cannot write afile/sub/x.csv: Not a directory\n"


# Real logs from other projects (tests/data/real/README.md) ------------------------------------------

REAL = Path(__file__).parent / "data" / "real"


def test_real_logfmt_log_as_csv_writes_or_rejects_every_line(tmp_path: Path) -> None:
    import re
    lines = (REAL / "lnav_logfile_logfmt.log").read_text().splitlines()
    keys = [re.findall(r'(?:^| )(\w+)=', line) for line in lines]
    header = keys[0]
    r = sl(tmp_path, "parse logfmt | csv", str(REAL / "lnav_logfile_logfmt.log"))
    rows = list(csv.reader(io.StringIO(r.stdout.decode(), newline="")))
    assert rows[0] == header
    kept = [i for i, k in enumerate(keys) if set(k) <= set(header)]
    assert [row[0] for row in rows[1:]] == [re.search(r'time="([^"]*)"', lines[i])[1] for i in kept]  # type: ignore[index]
    rejected = len(lines) - len(kept)
    assert r.stderr.decode().splitlines()[0] == f"sl: {rejected} of {len(lines)} input lines rejected"
    assert "field `error` is not a column of the csv header" in r.stderr.decode()


def test_real_logfmt_log_keeps_the_error_that_only_some_lines_have(tmp_path: Path) -> None:
    import re
    path = REAL / "lnav_logfile_logfmt.log"
    r = sl(tmp_path, "parse logfmt | select .level, .error | csv", str(path))
    expected = [["level", "error"]]
    for line in path.read_text().splitlines():
        error = re.search(r'error="([^"]*)"', line)
        expected.append([re.search(r"level=(\w+)", line)[1], error[1] if error else ""])  # type: ignore[index]
    assert list(csv.reader(io.StringIO(r.stdout.decode(), newline=""))) == expected
    assert r.stderr == b""


def test_real_json_lines_as_a_table_have_every_key_in_the_header(tmp_path: Path) -> None:
    path = REAL / "lnav_logfile_json.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    keys = list(dict.fromkeys(k for rec in records for k in rec))
    r = sl(tmp_path, "parse json | table", str(path))
    assert r.stdout.decode().splitlines()[0].split() == keys
    assert len(r.stdout.decode().splitlines()) == 2 + len(records)
    back = sl(tmp_path, "parse json | json", str(path))
    assert [json.loads(line) for line in back.stdout.decode().split("\n")[:-1]] == records


def test_real_csv_read_twice_with_another_file_keeps_each_files_columns(tmp_path: Path) -> None:
    path = REAL / "lnav_logfile_tabular.csv"
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    (tmp_path / "other.csv").write_text("level,host\nINFO,db1\n")
    r = sl(tmp_path, "parse csv | where .level == \"INFO\" | json", str(path), "other.csv")
    expected = [rec for rec in united(rows, [["level", "host"], ["INFO", "db1"]]) if rec["level"] == "INFO"]
    assert r.stdout.decode() == json_lines(expected)
    assert r.stderr == b""
