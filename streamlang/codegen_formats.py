"""`parse json|logfmt|csv|tsv|syslog [as SCHEMA]`, and the regexes of the
formats read with one (`parse apache`).

Without a schema the element is the parsed value itself (`dyn`); with one,
each field the schema names is taken from it, converted, and kept in a local.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import ir
from . import pyast as P
from .codegen_expr import convert_name
from .formats.regex_formats import capturing_only
from .typesys import DYN, Opt, Record, strip

if TYPE_CHECKING:
    from .codegen import Codegen

TEXT_FORMATS = ("logfmt", "csv", "tsv")


def parse_format(g: Codegen, stage: ir.ParseFormat, body: list[ast.stmt]) -> None:
    text = g.materialize()
    fmt = stage.format
    value = g.fresh("rec")
    in_source = g.loop is not None and g.loop.in_source
    if fmt == "json":
        g.emit(P.assign(value, P.call(g.runtime("readers", "json_line"), text)))
        g.emit(ast.If(test=P.compare(P.name(value), ast.Is(), g.runtime("readers", "SKIP")),
                      body=[ast.Continue()], orelse=[]))
    elif fmt == "logfmt":
        g.emit(P.assign(value, P.call(g.runtime("readers", "logfmt_line"), text)))
    elif fmt in ("csv", "tsv"):
        reader = g.fresh("reader")
        src = P.name("src") if in_source else P.const(None)
        body.insert(len(body) - 1, P.assign(reader, P.call(
            g.runtime("readers", "Delimited"), P.name("rt"), src, P.const(fmt), P.const(g.site))))
        g.source_epilogue.append(P.expr_stmt(P.method(P.name(reader), "close")))
        line_no = P.name("n") if in_source else P.const(0)
        g.emit(P.assign(value, P.method(P.name(reader), "feed", line_no, text)))
        g.emit(ast.If(test=P.is_none(P.name(value)), body=[ast.Continue()], orelse=[]))
        # A record may span lines; lineno() is the line it starts on.
        g.lineno_expr = P.attr(P.name(reader), "start_line")
    elif fmt == "syslog":
        parser = g.fresh("syslog")
        src = P.name("src") if in_source else P.const(None)
        body.insert(len(body) - 1, P.assign(parser, P.call(g.runtime("readers", "Syslog"), src)))
        g.emit(P.assign(value, P.call(P.name(parser), text)))
        assert isinstance(stage.schema, Record)
        g.set_elem_record(stage.info.out, [P.subscript(P.name(value), P.const(i))
                                            for i in range(len(stage.schema.fields))])
        return
    if stage.schema is None:
        g.set_elem(stage.info.out, P.name(value))
        return
    fields: list[ast.expr] = []
    assert isinstance(stage.schema, Record)
    for name, t in stage.schema.fields:
        optional = isinstance(t, Opt)
        if strip(t) == DYN:
            # A field known from the header: kept as it is, converted where used.
            fields.append(P.method(P.name(value), "get", P.const(name)))
            continue
        raw = P.call(g.runtime("readers", "field"), P.name(value), P.const(name), P.const(optional),
                     P.const(fmt in TEXT_FORMATS))
        convert = g.runtime("dynamic", "to_" + convert_name(strip(t)))
        fields.append(P.call(convert, raw))
    g.set_elem_record(stage.info.out, fields)


@dataclass
class FormatRegexes:
    """A built-in format's full and quick regex, matched into the local `match`.
    `full` and `quick` are the names the code refers to them by, and `tested`
    the use of `match` in the test for no match; all three are written before
    the regexes are chosen."""
    match: str
    full_text: str
    quick_text: str | None
    full: ast.Name = field(default_factory=lambda: P.name("_re"))
    quick: ast.Name = field(default_factory=lambda: P.name("_re"))
    tested: ast.Name = field(init=False)

    def __post_init__(self) -> None:
        self.tested = P.name(self.match)


def name_format_regexes(g: Codegen, run: ast.FunctionDef) -> None:
    """Point each format's regex names at regexes that capture only the groups
    `run` reads, renumbering those reads; or at the whole regexes, where the
    match is used other than by a constant group number."""
    for rx in g.format_regexes:
        full, quick = rx.full_text, rx.quick_text
        numbers = _group_numbers_read(run, rx)
        if numbers is not None:
            keep = sorted({number for _, number in numbers} - {0})
            renumber = {old: new for new, old in enumerate(keep, 1)} | {0: 0}
            for c, number in numbers:
                c.value = renumber[number]
            full = capturing_only(full, keep)
            quick = None if quick is None else capturing_only(quick, keep)
        rx.full.id = _regex_name(g, full)
        if quick is not None:
            rx.quick.id = _regex_name(g, quick)


def _group_numbers_read(run: ast.FunctionDef, rx: FormatRegexes) -> list[tuple[ast.Constant, int]] | None:
    """The constant in every `match[n]` of `run` (each node once) with its
    number; None if the match is used any other way."""
    numbers: dict[int, tuple[ast.Constant, int]] = {}
    indexed: set[int] = set()
    for n in ast.walk(run):
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == rx.match:
            if not (isinstance(n.slice, ast.Constant) and type(n.slice.value) is int):
                return None
            numbers[id(n.slice)] = (n.slice, n.slice.value)
            indexed.add(id(n.value))
    for n in ast.walk(run):
        if isinstance(n, ast.Name) and n.id == rx.match and isinstance(n.ctx, ast.Load) \
                and n is not rx.tested and id(n) not in indexed:
            return None
    return list(numbers.values())


def _regex_name(g: Codegen, pattern: str) -> str:
    g.regex(P.const(pattern))
    return g.regexes[pattern]
