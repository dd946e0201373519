"""Every fast path gives exactly what the plain path gives (SPEC-level results, not speed)."""
from __future__ import annotations

import ast
import json
import re
import subprocess
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from streamlang import ir
from streamlang.codegen import Codegen
from streamlang.codegen_formats import FormatRegexes, name_format_regexes
from streamlang.formats.regex_formats import FORMATS, capturing_only
from streamlang.plan import Plan, PlanOptions
from streamlang.runtime.run import Site, why_line
from streamlang.runtime.timefns import parse_apache_time
from streamlang.typesys import STR

from .conftest import ROOT, sl_command

token = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=12)
quoted = st.one_of(token, token.map(lambda t: t.replace('"', '\\"')), st.just("-"))
apache_time = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
                           timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)),
                                                      timezone(-timedelta(hours=7))])).map(
    lambda t: t.strftime("%d/%b/%Y:%H:%M:%S %z"))


@st.composite
def apache_lines(draw) -> str:
    ip = draw(st.one_of(st.ip_addresses().map(str), token))
    request = draw(st.one_of(
        st.tuples(st.sampled_from(["GET", "POST", "x"]), token, st.sampled_from(["HTTP/1.1", "HTTP/1.0"])).map(
            " ".join), quoted))
    status = draw(st.one_of(st.integers(100, 599).map(str), token))
    size = draw(st.one_of(st.integers(0, 10**9).map(str), st.just("-")))
    ref, agent = draw(quoted), draw(quoted)
    when = draw(st.one_of(apache_time, token))
    return f'{ip} - {draw(token) or "-"} [{when}] "{request}" {status} {size} "{ref}" "{agent}"'


real_lines = (ROOT / "examples" / "data" / "access.log").read_text(errors="surrogateescape").splitlines()


@settings(max_examples=500, deadline=None)
@given(st.one_of(apache_lines(), st.sampled_from(real_lines)))
def test_the_quick_apache_regex_agrees_with_the_full_one(line):
    for name in ("apache", "common"):
        spec = FORMATS[name]
        full = re.compile(spec.regex).fullmatch(line)
        fast = re.compile(spec.fast).fullmatch(line)
        # Where both take a line they read the same fields. (The quick regex is
        # the more lenient one for a referer or agent ending in a lone backslash,
        # which Apache never writes.)
        if fast is not None and full is not None:
            assert fast.groups() == full.groups(), line



@settings(max_examples=500, deadline=None)
@given(st.one_of(apache_lines(), st.sampled_from(real_lines),
                 st.text(alphabet=' "[]-0123456789aGET/\\\n', max_size=60)))
def test_the_quick_regex_matches_as_its_backtracking_form_would(line):
    # Its possessive repeats (`++`, `*+`) never give up what they took; the
    # same regex with ordinary repeats must agree on every line, matched or not.
    for name in ("apache", "common"):
        fast = FORMATS[name].fast
        assert fast is not None and "++" in fast
        greedy = fast.replace("++", "+").replace("*+", "*")
        for tail in ("", r"\n?"):
            a = re.compile(fast + tail).fullmatch(line)
            b = re.compile(greedy + tail).fullmatch(line)
            assert (a and a.groups()) == (b and b.groups()), (name, line)

@settings(max_examples=300, deadline=None)
@given(apache_time)
def test_apache_time_fast_parse_agrees_with_strptime(text):
    assert parse_apache_time(text) == datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z")


# A program whose first stage is a built-in regex format or `words` reads a
# file's lines with their newline still on (`keep_newlines`); piped input is
# read without. Both must give the same output, report and rejected bytes.
NEWLINE_PROGRAMS = [
    "parse apache | select .ip, .path, .agent, .bytes | json",
    "parse common | count by .status",
    "words | map _[2] ?? \"-\"",
    "words | where len(_) > 3 | count by k = _[3]",
    "words as {a: str, b: int} | map .b",
]
odd_line = st.text(alphabet=st.sampled_from(list('ab "[]-/:0123456789\t\u00a0\\')), max_size=30)


@settings(max_examples=25, deadline=None)
@given(program=st.sampled_from(NEWLINE_PROGRAMS),
       lines=st.lists(st.one_of(apache_lines(), st.sampled_from(real_lines), odd_line), max_size=8),
       last_newline=st.booleans())
def test_lines_read_with_their_newline_give_what_piped_lines_give(tmp_path_factory, program, lines, last_newline):
    tmp = tmp_path_factory.mktemp("nl")
    data = "\n".join(lines) + ("\n" if last_newline and lines else "")
    path = tmp / "in.log"
    path.write_text(data, encoding="utf-8", errors="surrogateescape")
    cmd = [sl_command(), "--rejects"]
    from_file = subprocess.run(cmd + [str(tmp / "r1"), program, str(path)], capture_output=True)
    piped = subprocess.run(cmd + [str(tmp / "r2"), program], capture_output=True,
                           input=data.encode("utf-8", "surrogateescape"))
    assert from_file.stdout == piped.stdout
    said = from_file.stderr.replace(str(path).encode(), b"<stdin>").replace(b"/r1", b"/r2")
    assert said == piped.stderr
    assert from_file.returncode == piped.returncode
    assert (tmp / "r1").read_bytes() == (tmp / "r2").read_bytes()


@settings(max_examples=500, deadline=None)
@given(line=st.one_of(apache_lines(), st.sampled_from(real_lines),
                      st.text(alphabet=' "[]-0123456789aGET/\\\n', max_size=60)),
       keep=st.sets(st.integers(1, 11)))
def test_a_format_regex_capturing_some_fields_matches_as_the_whole_one(line, keep):
    # A program reading some fields gets regexes capturing only those
    # (`capturing_only`); they must take the same lines and give those fields.
    for name in ("apache", "common"):
        for whole in (FORMATS[name].regex, FORMATS[name].fast):
            assert whole is not None
            for tail in ("", r"\n?"):
                full = re.compile(whole + tail)
                kept = sorted(k for k in keep if k <= full.groups)
                narrow = re.compile(capturing_only(whole, kept) + tail)
                assert narrow.groups == len(kept)
                a, b = full.fullmatch(line), narrow.fullmatch(line)
                assert (a and tuple(a[k] for k in kept)) == (b and b.groups()), (name, kept, line)


def test_capturing_only_leaves_classes_escapes_and_quantified_groups_whole():
    assert capturing_only(r'(a) ([^)]+) (b|c)(d)?', {2}) == r'a ([^)]+) (?:b|c)(?:d)?'
    assert capturing_only(r'([]a(]) (\() ([^]()]+) (x)', {4}) == r'[]a(] \( [^]()]+ (x)'
    assert capturing_only(r'(?:(a)|b)(c){2}', {1}) == r'(?:(a)|b)(?:c){2}'
    assert capturing_only(r'[\](]+ (x)', {}) == r'[\](]+ x'


def test_a_program_reading_two_fields_captures_only_those_two():
    program = "parse apache | where .status >= 400 | count by .path | top 10 by .count"
    code = subprocess.run([sl_command(), "--emit", "python", program], capture_output=True, text=True,
                          check=True).stdout
    regexes = [re.compile(ast.literal_eval(text)) for text in re.findall(r"re\.compile\(('.*')\)", code)]
    assert [r.groups for r in regexes] == [2, 2]
    assert "f_status_3 = int(m1[2])" in code
    assert "f_path_5 = None if (s4 := m1[1]) == '-' else s4" in code


FIELDS = ["ip", "ident", "user", "time", "method", "path", "protocol", "status", "bytes", "referer", "agent"]


@settings(max_examples=20, deadline=None)
@given(fields=st.lists(st.sampled_from(FIELDS), min_size=1, max_size=4, unique=True),
       lines=st.lists(st.one_of(apache_lines(), st.sampled_from(real_lines), odd_line), max_size=8))
def test_a_program_reading_some_fields_gives_what_reading_all_gives(tmp_path_factory, fields, lines):
    # `parse apache | json` reads every field, so its regexes capture them all.
    # A field is converted only where it is read, so a line whose time is not
    # one would be rejected by the one program and not the other: left out.
    lines = [line for line in lines if _time_is_valid_or_line_unmatched(line)]
    path = tmp_path_factory.mktemp("fields") / "in.log"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", errors="surrogateescape")
    some = subprocess.run([sl_command(), f"parse apache | select {', '.join('.' + f for f in fields)} | json",
                           str(path)], capture_output=True)
    every = subprocess.run([sl_command(), "parse apache | json", str(path)], capture_output=True)
    assert some.stderr == every.stderr
    # Records are split on newlines only: str.splitlines would also cut at a
    # U+0085 or U+2028 that JSON leaves unescaped inside a string.
    projected = [json.dumps({f: row[f] for f in fields}, ensure_ascii=False)
                 for row in map(json.loads, every.stdout.decode().split("\n")[:-1])]
    assert some.stdout.decode().split("\n")[:-1] == projected


def _time_is_valid_or_line_unmatched(line: str) -> bool:
    m = re.compile(FORMATS["apache"].regex).fullmatch(line)
    try:
        return m is None or parse_apache_time(m[4]) is not None
    except ValueError:
        return False


def test_a_match_used_whole_keeps_every_group():
    # Codegen reads format fields only as `m[n]`; were a match ever used
    # otherwise, its regexes must stay whole rather than be renumbered.
    g = Codegen(ir.Program(globals=[], stages=[], type=STR), Plan(PlanOptions(sink="write")))
    regexes = FormatRegexes("m1", FORMATS["apache"].regex, FORMATS["apache"].fast)
    g.format_regexes.append(regexes)
    run = ast.parse("def run(src, rt):\n    m1 = h(line)\n    if m1 is None: pass\n    x = m1.groups()\n"
                    "    y = m1[6]\n").body[0]
    assert isinstance(run, ast.FunctionDef)
    run.body[1].test.left = regexes.tested  # type: ignore[attr-defined]
    name_format_regexes(g, run)
    assert dict((v, k) for k, v in g.regexes.items())[regexes.full.id] == FORMATS["apache"].regex
    assert "y = m1[6]" in ast.unparse(run)


# A file is read in chunks, and only a chunk that may hold a CR is cut the
# careful way (`\r\n` is a line end; the raw text is kept for `--rejects`):
# the decoder notes a CR as it goes by. A CR deep in a file of many chunks,
# on one line only, must still be found, wherever the chunks and the text
# layer's reading ahead fall.
BIG_FILE_PROGRAMS = ["map _", "words | map _[1] ?? \"-\"", "parse apache | select .status, .agent | csv"]


@settings(max_examples=12, deadline=None)
@given(program=st.sampled_from(BIG_FILE_PROGRAMS), at=st.integers(0, 2_999),
       ending=st.sampled_from([b"\r\n", b"x\r\r\n", b"\rx\n"]))
def test_one_cr_deep_in_a_big_file_is_read_as_piped_input_reads_it(tmp_path_factory, program, at, ending):
    tmp = tmp_path_factory.mktemp("cr")
    lines = [line.encode("utf-8", "surrogateescape") for line in real_lines[:3_000]]
    data = b"".join(line + (ending if i == at else b"\n") for i, line in enumerate(lines))
    path = tmp / "in.log"
    path.write_bytes(data)
    assert len(data) > 8 * (1 << 16)  # many chunks, and CRs far past the first
    cmd = [sl_command(), "--rejects"]
    from_file = subprocess.run(cmd + [str(tmp / "r1"), program, str(path)], capture_output=True)
    piped = subprocess.run(cmd + [str(tmp / "r2"), program], capture_output=True, input=data)
    assert from_file.returncode == piped.returncode
    assert from_file.stdout == piped.stdout
    assert (tmp / "r1").read_bytes() == (tmp / "r2").read_bytes()
    if program == "map _":
        # The line's end is its `\r\n`, not its `\n`: what the line keeps is the CRs before it.
        assert from_file.stdout.count(b"\r") == ending.count(b"\r") - ending.endswith(b"\r\n")


any_text = st.text(alphabet=st.characters(blacklist_categories=()), max_size=20)  # surrogates too


@settings(max_examples=300, deadline=None)
@given(file=any_text, line=st.integers(1, 10**12), stage=st.one_of(st.none(), st.tuples(any_text, any_text)),
       reason=any_text)
def test_a_why_line_is_what_json_dumps_writes(file, line, stage, reason):
    site = None if stage is None else Site(stage[0], stage[1], "")
    record = {"file": file, "line": line, "stage": stage and stage[0], "at": stage and stage[1], "reason": reason}
    assert why_line(file, line, site, reason) == json.dumps(record, ensure_ascii=False) + "\n"
