"""The parser boundary: typed nodes with spans, syntax errors in words, printing round-trips."""
from __future__ import annotations

import dataclasses
import tomllib
from datetime import timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from streamlang import syntax as S
from streamlang.errors import CompileError
from streamlang.parser import parse_program
from streamlang.printer import program as print_program
from streamlang.source import Source, Span

from .conftest import SHARED


def corpus() -> list[str]:
    programs = []
    for path in sorted((SHARED / "conformance" / "cases").glob("*.toml")):
        for case in tomllib.loads(path.read_text())["case"]:
            programs.append(case.get("program") or case.get("script"))
    from streamlang.prelude import AGGREGATES, FORMATS, FUNCTIONS, STAGES
    for reg in (FUNCTIONS, AGGREGATES, STAGES, FORMATS):
        programs.extend(e.example.program for e in reg.values())  # type: ignore[attr-defined]
    return programs


def parses(text: str) -> S.Program | None:
    try:
        return parse_program(Source(text))
    except CompileError:
        return None


def shape(node: object) -> object:
    """A node without its spans, for comparing trees."""
    if isinstance(node, Span):
        return None
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return (type(node).__name__,) + tuple(
            shape(getattr(node, f.name)) for f in dataclasses.fields(node)
            if f.name not in ("span", "name_span", "op_span", "format_span", "pattern_span", "regex_span", "source"))
    if isinstance(node, tuple):
        return tuple(shape(x) for x in node)
    if isinstance(node, Span):
        return None
    return node


def walk(node: object):
    yield node
    if dataclasses.is_dataclass(node) and not isinstance(node, (type, Span)):
        for f in dataclasses.fields(node):
            yield from walk(getattr(node, f.name))
    elif isinstance(node, tuple):
        for x in node:
            yield from walk(x)


@pytest.mark.parametrize("text", [p for p in corpus() if parses(p)])
def test_no_lark_object_escapes_and_every_node_has_a_span(text):
    prog = parse_program(Source(text))
    for node in walk(prog.statements):
        assert type(node).__module__.split(".")[0] != "lark"
        if dataclasses.is_dataclass(node) and not isinstance(node, (type, Span)):
            span = node.span
            assert isinstance(span, Span) and 0 <= span.start <= span.end <= len(text)


@pytest.mark.parametrize("text", [p for p in corpus() if parses(p)])
def test_printing_round_trips_on_the_corpus(text):
    prog = parse_program(Source(text))
    again = parse_program(Source(print_program(prog)))
    assert shape(again.statements) == shape(prog.statements)


def test_spans_point_at_the_source():
    prog = parse_program(Source('split "," | where .n > 10'))
    where = prog.statements[0].stages[1]
    assert isinstance(where, S.WhereStage)
    assert where.span == Span(12, 25)
    assert where.expr.op_span == Span(21, 22)


@pytest.mark.parametrize("text, message", [
    ("take take", None),
    ("map (1 +", "<program>:1:9: unexpected end of input: expected an expression"),
    ('map "abc', "<program>:1:5: unexpected character '\"'"),
    ("map _ | | take 1", "<program>:1:9: unexpected `|`: expected an expression or a stage"),
    (r'map "\q"', "<program>:1:6: unknown escape `\\q`"),
])
def test_syntax_errors_say_where_and_what(text, message):
    if message is None:
        assert parses(text) is not None
        return
    with pytest.raises(CompileError) as e:
        parse_program(Source(text))
    d = e.value.diagnostics[0]
    assert f"{d.location}: {d.message}".startswith(message)


def test_lines_continue_after_a_pipe_and_before_one():
    text = 'split ","\n  | map _[0]   # first\n  # a comment line\n  | take 1\nlet x = [1,\n  2]\n'
    prog = parse_program(Source(text))
    assert len(prog.statements) == 2
    assert len(prog.statements[0].stages) == 3


# Generated expressions print and parse back to the same tree.

names = st.sampled_from(["a", "b", "status", "x1", "count", "time"])


def exprs() -> st.SearchStrategy[S.Expr]:
    sp = Span(0, 0)
    leaves = st.one_of(
        st.integers(-10**20, 10**20).map(lambda v: S.Lit(sp, v, "int")),
        st.floats(allow_nan=False, allow_infinity=False).map(lambda v: S.Lit(sp, v, "float")),
        st.text(max_size=8).map(lambda v: S.Lit(sp, v, "str")),
        st.booleans().map(lambda v: S.Lit(sp, v, "bool")),
        st.just(S.Lit(sp, None, "null")),
        st.integers(0, 10**9).map(lambda ms: S.Lit(sp, timedelta(milliseconds=ms), "duration")),
        st.just(S.Elem(sp)),
        names.map(lambda n: S.Field(sp, n)),
        names.filter(lambda n: n not in ("count", "time")).map(lambda n: S.Var(sp, n)),
    )

    def extend(inner):
        return st.one_of(
            st.tuples(st.sampled_from(["+", "-", "*", "/", "//", "%", "==", "!=", "<", ">=", "&&", "||", "??",
                                       "~", "in"]), inner, inner).map(
                lambda t: S.Binary(sp, t[0], sp, t[1], t[2])),
            st.tuples(st.sampled_from(["-", "!"]), inner).map(lambda t: S.Unary(sp, t[0], t[1])),
            st.tuples(inner, inner, inner).map(lambda t: S.If(sp, *t)),
            st.tuples(st.sampled_from(["len", "lower", "max"]), st.lists(inner, max_size=3)).map(
                lambda t: S.Call(sp, t[0], sp, tuple(t[1]))),
            st.lists(inner, max_size=3).map(lambda xs: S.ListLit(sp, tuple(xs))),
            st.tuples(inner, inner).map(lambda t: S.Index(sp, t[0], t[1])),
            st.tuples(inner, names).map(lambda t: S.Attr(sp, t[0], t[1])),
            # An f-string inside another's braces is beyond what the lexer reads (one level of
            # quotes inside braces), so the parts here are not f-strings themselves.
            st.lists(st.one_of(st.text(min_size=1, max_size=5), inner.filter(lambda x: not isinstance(
                x, S.FString))), max_size=3).map(lambda ps: S.FString(sp, tuple(ps))),
        )
    return st.recursive(leaves, extend, max_leaves=12)


def normalize(e: object) -> object:
    """What the parser folds: `-literal` into a negative literal, and f-string text."""
    if isinstance(e, S.Unary):
        inner = normalize(e.operand)
        if e.op == "-" and isinstance(inner, S.Lit) and inner.kind in ("int", "float"):
            return S.Lit(e.span, -inner.value, inner.kind)
        return dataclasses.replace(e, operand=inner)
    if isinstance(e, S.FString):
        parts: list = []
        for p in e.parts:
            p = p if isinstance(p, str) else normalize(p)
            if isinstance(p, str) and parts and isinstance(parts[-1], str):
                parts[-1] += p
            elif p != "":
                parts.append(p)
        if all(isinstance(p, str) for p in parts):
            return S.Lit(e.span, "".join(parts), "str")
        return S.FString(e.span, tuple(parts))
    if dataclasses.is_dataclass(e) and not isinstance(e, type):
        return dataclasses.replace(e, **{f.name: normalize(getattr(e, f.name)) for f in dataclasses.fields(e)
                                         if f.name != "span"})
    if isinstance(e, tuple):
        return tuple(normalize(x) for x in e)
    return e


def fstring_inside_fstring(e: object, inside: bool = False) -> bool:
    if isinstance(e, S.FString):
        if inside:
            return True
        return any(fstring_inside_fstring(p, True) for p in e.parts if not isinstance(p, str))
    if dataclasses.is_dataclass(e) and not isinstance(e, (type, Span)):
        return any(fstring_inside_fstring(getattr(e, f.name), inside) for f in dataclasses.fields(e))
    if isinstance(e, tuple):
        return any(fstring_inside_fstring(x, inside) for x in e)
    return False


@settings(max_examples=300, deadline=None)
@given(exprs())
def test_printing_round_trips_on_generated_expressions(e):
    assume(not fstring_inside_fstring(e))
    prog = S.Program(Source(""), (S.Pipeline(Span(0, 0), (S.MapStage(Span(0, 0), e),)),))
    again = parse_program(Source(print_program(prog)))
    assert shape(again.statements[0].stages[0].expr) == shape(normalize(e))
