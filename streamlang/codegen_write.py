"""The format stages: csv, tsv, json and table.

As the last stage of a command-line run they write straight to the output
(a CSV header goes out before the first line is read); anywhere else they
turn elements into lines of text for the stages after them.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from . import ir
from . import pyast as P
from .codegen_expr import jsonable, nested, plain
from .typesys import DYN, FLOAT, INT, ListT, Record, Type, strip

if TYPE_CHECKING:
    from .codegen import Codegen

_SAFE = ("int", "float", "bool", "time", "duration")


def write(g: Codegen, stage: ir.Write, body: list[ast.stmt], last: bool) -> bool:
    t = stage.info.inp
    fmt = stage.format
    header = header_line(fmt, t)
    if fmt == "table" and strip(t) == DYN:
        return dyn_table(g, stage, body, last)
    if fmt == "table":
        rows = g.fresh("rows")
        g.emit(P.expr_stmt(P.method(P.name(rows), "append", P.list_(cells(g, t)))))
        rec = strip(t)
        names = rec.names if isinstance(rec, Record) else None
        numeric = [strip(ft) in (INT, FLOAT) for _, ft in rec.fields] if isinstance(rec, Record) else [
            strip(t) in (INT, FLOAT)]
        names_ast = P.list_([P.const(n) for n in names]) if names is not None else P.const(None)
        rendered = P.call(g.runtime("values", "table"), names_ast, P.name(rows),
                          P.list_([P.const(b) for b in numeric]))
        if last and g.sink == "write":
            g.need_write()
            g.close_loop(body, [P.assign(rows, P.list_([]))], [], rendered, stage.info.out)
            g.emit(P.expr_stmt(P.call(P.name("write"), g.materialize())))
            return True
        g.close_loop(body, [P.assign(rows, P.list_([]))], [], rendered, stage.info.out)
        return False
    text = row_text(g, fmt, t)
    if last:
        prologue = []
        g.header_written = header
        if header is not None:
            out = P.call(P.name("write"), P.const(header)) if g.sink == "write" else ast.Yield(value=P.const(header))
            prologue.append(P.expr_stmt(out))
        if g.sink == "write":
            g.need_write()
            g.emit(P.expr_stmt(P.call(P.name("write"), text)))
        else:
            g.give(text)
        body[-1:-1] = prologue
        g.end_source_loop(body)
        return True
    # In the middle of a pipeline: the lines, header first, feed the next stages.
    acc = g.fresh("lines")
    g.emit(P.expr_stmt(P.method(P.name(acc), "append", text)))
    before = [P.assign(acc, P.list_([P.const(header)] if header is not None else []))]
    g.close_loop(body, before, [], P.name(acc), stage.info.out)
    return False


def dyn_table(g: Codegen, stage: ir.Write, body: list[ast.stmt], last: bool) -> bool:
    """`table` of schema-less values: kept whole, so that the header is every key of every record."""
    values = g.fresh("values")
    g.emit(P.expr_stmt(P.method(P.name(values), "append", g.materialize())))
    rendered = P.call(g.runtime("values", "dyn_table"), P.name(values))
    g.close_loop(body, [P.assign(values, P.list_([]))], [], rendered, stage.info.out)
    if last and g.sink == "write":
        g.need_write()
        g.emit(P.expr_stmt(P.call(P.name("write"), g.materialize())))
        return True
    return False


def header_line(fmt: str, t: Type) -> str | None:
    rec = strip(t)
    if fmt not in ("csv", "tsv") or not isinstance(rec, Record):
        return None
    if fmt == "tsv":
        return "\t".join(rec.names)
    from .runtime.values import csv_field, csv_row
    return csv_row([csv_field(n) for n in rec.names])


def fields_of(g: Codegen, t: Type) -> list[tuple[ast.expr, Type]] | None:
    rec = strip(t)
    if not isinstance(rec, Record):
        return None
    if g.elem.slots is not None:
        return [(g.slot(s), ft) for s, (_, ft) in zip(g.elem.slots, rec.fields)]
    value = g.assign(g.materialize(), "r")
    return [(P.subscript(value, P.const(i)), ft) for i, (_, ft) in enumerate(rec.fields)]


def cells(g: Codegen, t: Type) -> list[ast.expr]:
    fields = fields_of(g, t)
    if fields is None:
        return [plain(g, g.materialize(), t)]
    return [nested(g, v, ft) for v, ft in fields]


def row_text(g: Codegen, fmt: str, t: Type) -> ast.expr:
    if fmt == "json":
        return P.call(g.runtime("values", "dumps"), jsonable(g, g.materialize(), t))
    if strip(t) == DYN:
        lines = g.fresh("dyn_lines")
        g.hoisted.append(P.assign(lines, P.call(g.runtime("values", "DynLines"), P.const(fmt))))
        return P.call(P.name(lines), g.materialize())
    quote = g.runtime("values", "csv_field" if fmt == "csv" else "tsv_field")
    sep = "," if fmt == "csv" else "\t"

    def one(value: ast.expr, ft: Type) -> ast.expr:
        text = nested(g, value, ft)
        base = strip(ft)
        if getattr(base, "name", None) in _SAFE:
            return text
        return P.call(quote, text)

    fields = fields_of(g, t)
    if fields is None and isinstance(strip(t), ListT):
        var = "_c"
        gen = P.each(var, one(P.name(var), strip(t).elem), g.materialize(), generator=True)  # type: ignore[attr-defined]
        return P.method(P.const(sep), "join", gen)
    if fields is None:
        fields = [(g.materialize(), t)]
    parts = [one(v, ft) for v, ft in fields]
    if fmt == "csv" and len(parts) == 1:
        return P.call(g.runtime("values", "csv_row"), P.list_(parts))
    return P.method(P.const(sep), "join", P.list_(parts))
