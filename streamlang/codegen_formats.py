"""`parse json|logfmt|csv|tsv|syslog [as SCHEMA]`.

Without a schema the element is the parsed value itself (`dyn`); with one,
each field the schema names is taken from it, converted, and kept in a local.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from . import ir
from . import pyast as P
from .codegen_expr import convert_name
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
