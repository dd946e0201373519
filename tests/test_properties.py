"""Properties that hold for all programs and inputs, checked on generated ones."""
from __future__ import annotations

import csv
import io
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from streamlang.driver import Program, build
from streamlang.errors import CompileError
from streamlang.parser import make_lark
from streamlang.source import Source

# Terminals whose regexes use look-around, given as plain examples instead.
EXPLICIT = {
    "CALLNAME": st.sampled_from(["len", "lower", "count", "sum", "f", "int"]),
    "ATTR": st.sampled_from([".a", ".status"]),
    "INDEX_LSQB": st.just("["),
    "CONTINUATION": st.just("\n"),
    "DURATION": st.sampled_from(["5m", "1h30m", "250ms"]),
    "PIPE": st.sampled_from([" | ", " |> "]),
    "WS": st.just(" "),
}


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(from_lark(make_lark(), start="start", explicit=EXPLICIT))
def test_generated_programs_only_ever_raise_the_user_facing_error(text):
    try:
        prog = build(Source(text))
    except CompileError as e:
        for d in e.diagnostics:
            assert 0 <= d.span.start <= len(text)
            assert d.message
        return
    # A program that compiles also runs without crashing on a few lines.
    from streamlang.driver import _LinesInput
    from streamlang.runtime.run import Run
    rt = Run(prog.run_sites())
    try:
        gen = prog.run(_LinesInput(["a b c", "1,2,3", ""]), rt)
        if gen is not None:
            for _ in zip(range(20), gen):
                pass
    except OSError:
        pass


# Fused and unfused code agree.

PROGRAMS = [
    'split "," | map _[0]',
    'split "," as {a: str, n: int} | where .n > 2 | select .a, m = .n * 2',
    'split "," as {a: str, n: int} | derive n = .n + 1 | sort by .n desc, .a | take 5',
    'words | where len(_) > 1 | map _[1] | distinct',
    'words | flatten | uniq | enumerate | map f"{.i}:{.value}"',
    'split "," as {a: str, n: int} | count by .a | sort by .count desc, .a',
    'split "," as {a: str, n: int} | summarize s = sum(.n), m = max(.n), c = count(), l = last(.a) by .a',
    'split "," as {a: str, n: int} | top 3 by .n | map .a',
    'split "," as {a: str, n: int} | drop 2 | tail 3',
    'split "," as {a: str, n: int} | fold 0 (fun acc x -> acc + x.n)',
    'split "," as {a: str, n: int?} | where .n != null | summarize avg(.n), p50(.n)',
    'map lower(_) | where _ ~ r"^[a-c]" | count',
    'words | where _[1] != "x" | map _[2]',
    'split "," | count by k = _[1]',
    'split "-" | where len(_) > 1 | map _[0]',
]

lines = st.lists(st.one_of(
    st.tuples(st.sampled_from("abcdeABC"), st.integers(-5, 20)).map(lambda t: f"{t[0]},{t[1]}"),
    st.text(alphabet=string.ascii_letters + " ,-0123456789", max_size=12),
    st.just("x,-"),
), max_size=30)


def run_all(source: str, data: list[str], fuse: bool) -> tuple[list[object], int]:
    from streamlang.driver import _LinesInput
    from streamlang.runtime.run import Run
    compiled = build(Source(source), fuse=fuse)
    rt = Run(compiled.run_sites())
    out = list(compiled.run(_LinesInput(data), rt))
    return out, rt.total_rejected


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PROGRAMS), lines)
def test_fused_pipelines_equal_the_unfused_reference(source, data):
    assert run_all(source, data, fuse=True) == run_all(source, data, fuse=False)


# CSV output reads back with Python's csv module as the same fields.

field_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=10)
line_field = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\t\n\r"),
                     max_size=10)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(line_field, line_field), min_size=1, max_size=8))
def test_csv_output_reads_back_as_the_same_fields(rows):
    program = Program(build(Source('split "\\t" as {a: str, b: str} | csv')))
    out = "".join(line + "\n" for line in program.run([f"{a}\t{b}" for a, b in rows]))
    got = list(csv.reader(io.StringIO(out, newline="")))
    assert got == [["a", "b"]] + [[a, b] for a, b in rows]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(field_text, min_size=1, max_size=4), min_size=1, max_size=6))
def test_csv_writer_quotes_exactly_where_needed(rows):
    from streamlang.runtime.values import csv_field, csv_row
    text = "".join(csv_row([csv_field(f) for f in row]) + "\n" for row in rows)
    assert list(csv.reader(io.StringIO(text, newline=""))) == rows


# A value shown in a rejection's reason or by the toplevel is written as the
# program would write it: read back as a literal, it is the same value.
_SCALARS = [st.booleans(), st.integers(), st.text(st.characters(blacklist_categories=("Cs",)))]
_SHOWN = st.none() | st.sampled_from(_SCALARS).flatmap(
    lambda scalar: scalar | st.lists(scalar | st.none(), max_size=3) | st.lists(st.lists(scalar, max_size=2), max_size=2))


@settings(max_examples=200, deadline=None)
@given(value=_SHOWN)
def test_a_shown_value_reads_back_as_the_same_value(value) -> None:
    import streamlang
    from streamlang.runtime.values import literal

    assert list(streamlang.compile(f"map {literal(value)}").run(["x"])) == [value]


def test_a_shown_text_escapes_what_would_move_the_cursor() -> None:
    from streamlang.runtime.values import literal

    assert literal("a\x1b[2J\x00\x7f\udcff\u00e9\"\\\t") == '"a\\u{1b}[2J\\u{0}\\u{7f}\\u{dcff}é\\"\\\\\\t"'
    assert literal({"a": [1, None, True], "t": 1.5}) == "{a = [1, null, true], t = 1.5}"
