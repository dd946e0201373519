"""Expressions -> Python expressions, with SQL-like nulls made explicit.

A nullable operand is bound to a temporary with `:=` and tested once, so
`.bytes + 1` becomes `None if (t1 := f_bytes) is None else t1 + 1`.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from . import ir
from . import pyast as P
from .prelude import FUNCTIONS
from .typesys import BOOL, DURATION, DYN, FLOAT, INT, NULL, STR, TIME, ListT, Opt, Record, TVar, Type, nullable, strip

if TYPE_CHECKING:
    from .codegen import Codegen

ARITH_OPS = {"+": ast.Add(), "-": ast.Sub(), "*": ast.Mult(), "/": ast.Div(), "//": ast.FloorDiv(),
             "%": ast.Mod()}
CMP_OPS = {"==": ast.Eq(), "!=": ast.NotEq(), "<": ast.Lt(), "<=": ast.LtE(), ">": ast.Gt(), ">=": ast.GtE()}


def expr(g: Codegen, e: ir.Expr) -> ast.expr:
    match e:
        case ir.Const():
            return const(g, e)
        case ir.ElemRef():
            return g.materialize()
        case ir.LocalRef():
            return g.locals[e.id]
        case ir.GlobalRef():
            return P.name(f"g{e.id}")
        case ir.GetField():
            if isinstance(e.obj, ir.ElemRef) and g.elem.slots is not None:
                return g.slot(g.elem.slots[e.index])
            obj = expr(g, e.obj)
            return null_safe(g, [(obj, nullable(e.obj.type))], lambda a: P.subscript(a[0], P.const(e.index)))
        case ir.GetDyn():
            return P.call(g.runtime("dynamic", "get"), expr(g, e.obj), P.const(e.name))
        case ir.GetIndex():
            return null_safe(g, [(expr(g, e.obj), nullable(e.obj.type)), (expr(g, e.index), nullable(e.index.type))],
                             lambda a: P.subscript(a[0], a[1]))
        case ir.GetSlice():
            return get_slice(g, e)
        case ir.CallBuiltin():
            return call(g, e)
        case ir.BinOp():
            return binop(g, e)
        case ir.Logic():
            parts = [truth(g, expr(g, x), x.type) for x in (e.left, e.right)]
            return P.and_(*parts) if e.op == "&&" else P.or_(*parts)
        case ir.Not():
            return null_safe(g, [(expr(g, e.operand), nullable(e.operand.type))], lambda a: P.not_(a[0]))
        case ir.Neg():
            return null_safe(g, [(expr(g, e.operand), nullable(e.operand.type))],
                             lambda a: ast.UnaryOp(op=ast.USub(), operand=a[0]))
        case ir.Cond():
            return P.ifexp(expr(g, e.cond), expr(g, e.then), expr(g, e.else_))
        case ir.Coalesce():
            tmp = g.fresh("t")
            return P.ifexp(P.is_not_none(P.walrus(tmp, expr(g, e.left))), P.name(tmp), expr(g, e.right))
        case ir.IsNull():
            test = P.is_not_none if e.negate else P.is_none
            return test(expr(g, e.operand))
        case ir.Match():
            rx = g.regex(expr(g, e.regex))
            subject = expr(g, e.subject)

            def search(a: list[ast.expr]) -> ast.expr:
                found = P.method(rx, "search", a[0])
                return P.is_none(found) if e.negate else P.is_not_none(found)
            return null_safe(g, [(subject, nullable(e.subject.type))], search, false_on_null=True)
        case ir.Member():
            return null_safe(g, [(expr(g, e.item), nullable(e.item.type)),
                                 (expr(g, e.container), nullable(e.container.type))],
                             lambda a: P.compare(a[0], ast.In(), a[1]), false_on_null=True)
        case ir.Convert():
            return P.call(g.runtime("dynamic", "to_" + convert_name(e.type)), expr(g, e.operand))
        case ir.MakeList():
            return P.list_([expr(g, i) for i in e.items])
        case ir.MakeRecord():
            return P.tuple_([expr(g, v) for _, v in e.fields])
        case ir.DeriveDyn():
            return P.call(g.runtime("dynamic", "derive"), expr(g, e.obj), P.tuple_([P.const(n) for n, _ in e.fields]),
                          P.tuple_([expr(g, v) for _, v in e.fields]))
        case ir.Format():
            return fstring(g, e)
        case ir.LetIn():
            value = expr(g, e.value)
            if isinstance(value, (ast.Name, ast.Constant)):
                g.locals[e.id] = value
                return expr(g, e.body)
            var = g.fresh("l")
            g.locals[e.id] = P.name(var)
            return P.subscript(P.tuple_([P.walrus(var, value), expr(g, e.body)]), P.const(1))
        case ir.LineNo():
            return g.lineno_expr
        case ir.FileName():
            return P.attr(P.name("src"), "name")
    raise AssertionError(e)


def const(g: Codegen, e: ir.Const) -> ast.expr:
    v = e.value
    if e.type == DURATION:
        ms = ir.duration_ms(v)  # type: ignore[arg-type]
        td = P.call(g.runtime("datetime", "timedelta"), *[])
        td.keywords = [ast.keyword("milliseconds", P.const(ms))]
        return g.hoist(td)
    if isinstance(v, (str, int, float, bool)) or v is None:
        return P.const(v)
    # A value set with -v (a time, say): made once, from its text.
    return g.hoist(P.call(g.runtime("timefns", "parse_time"), P.const(v.isoformat())))  # type: ignore[attr-defined]


CONVERT_NAMES: dict[Type, str] = {INT: "int", FLOAT: "float", STR: "str", BOOL: "bool", TIME: "time",
                                  DURATION: "duration", DYN: "number"}


def convert_name(t: Type) -> str:
    return CONVERT_NAMES.get(strip(t), "str")


def truth(g: Codegen, value: ast.expr, t: Type) -> ast.expr:
    if nullable(t):
        return P.compare(value, ast.Is(), P.const(True))
    return value


def null_safe(g: Codegen, args: list[tuple[ast.expr, bool]], build, false_on_null: bool = False) -> ast.expr:
    """`build(args)`, or None (False for tests) when a nullable argument is null."""
    bound: list[ast.expr] = []
    values: list[ast.expr] = []
    for value, maybe_null in args:
        if not maybe_null:
            values.append(value)
            continue
        tmp = g.fresh("t")
        bound.append(P.walrus(tmp, value))
        values.append(P.name(tmp))
    result = build(values)
    if not bound:
        return result
    if false_on_null:
        return P.and_(*[P.is_not_none(b) for b in bound], result)
    return P.ifexp(P.or_(*[P.is_none(b) for b in bound]), P.const(None), result)


def get_slice(g: Codegen, e: ir.GetSlice) -> ast.expr:
    parts = [(expr(g, e.obj), nullable(e.obj.type))]
    if e.lo is not None:
        parts.append((expr(g, e.lo), nullable(e.lo.type)))
    if e.hi is not None:
        parts.append((expr(g, e.hi), nullable(e.hi.type)))

    def build(a: list[ast.expr]) -> ast.expr:
        it = iter(a[1:])
        lo = next(it) if e.lo is not None else None
        hi = next(it) if e.hi is not None else None
        return ast.Subscript(value=a[0], slice=ast.Slice(lower=lo, upper=hi), ctx=ast.Load())
    return null_safe(g, parts, build)


def call(g: Codegen, e: ir.CallBuiltin) -> ast.expr:
    fn = FUNCTIONS[e.name]
    if fn.from_log_text is not None and (text := unconverted_time_text(g, e.args[0])) is not None:
        return fn.from_log_text(g, [text], [STR])
    args = [expr(g, a) for a in e.args]
    types = [strip(a.type) for a in e.args]
    marked = [(a, i in e.null_args) for i, a in enumerate(args)]
    return null_safe(g, marked, lambda a: fn.impl(g, a, types))


def unconverted_time_text(g: Codegen, e: ir.Expr) -> ast.expr | None:
    """The text of a log format's `time` field not yet turned into a time."""
    if isinstance(e, ir.GetField) and isinstance(e.obj, ir.ElemRef) and g.elem.slots is not None:
        slot = g.elem.slots[e.index]
        if slot.value is None:
            return slot.time_text
    return None


def binop(g: Codegen, e: ir.BinOp) -> ast.expr:
    left, right = expr(g, e.left), expr(g, e.right)
    args = [(left, nullable(e.left.type)), (right, nullable(e.right.type))]
    if e.op in CMP_OPS:
        op = CMP_OPS[e.op]
        if DYN in (strip(e.left.type), strip(e.right.type)):
            return P.call(g.runtime("dynamic", "compare"), P.const(e.op), left, right)
        return null_safe(g, args, lambda a: P.compare(a[0], op, a[1]), false_on_null=True)
    if e.type == DYN or isinstance(e.type, TVar):
        return P.call(g.runtime("dynamic", "arith"), P.const(e.op), left, right)
    op2 = ARITH_OPS[e.op]
    return null_safe(g, args, lambda a: P.binop(a[0], op2, a[1]))


def fstring(g: Codegen, e: ir.Format) -> ast.expr:
    values: list[ast.expr] = []
    for part in e.parts:
        if isinstance(part, str):
            values.append(P.const(part))
            continue
        value = expr(g, part)
        if part.type in (STR, INT):
            values.append(ast.FormattedValue(value=value, conversion=-1, format_spec=None))
        else:
            values.append(ast.FormattedValue(value=plain(g, value, part.type), conversion=-1, format_spec=None))
    return ast.JoinedStr(values=values)


def plain(g: Codegen, value: ast.expr, t: Type) -> ast.expr:
    """The text plain output writes for a value of static type `t`."""
    if isinstance(t, Opt):
        tmp = g.fresh("t")
        return P.ifexp(P.is_none(P.walrus(tmp, value)), P.const(""), plain(g, P.name(tmp), t.inner))
    if t == STR:
        return value
    if t == INT:
        return P.call("str", value)
    if t == FLOAT:
        return P.call("repr", value)
    if t == BOOL:
        return P.ifexp(value, P.const("true"), P.const("false"))
    if t == TIME:
        return P.method(value, "isoformat")
    if t == DURATION:
        return P.call(g.runtime("timefns", "format_duration"), value)
    if t == NULL:
        return P.const("")
    if isinstance(t, Record):
        if not t.fields:
            return P.const("")
        tmp = g.fresh("r")
        first = P.walrus(tmp, value)
        items = [nested(g, P.subscript(first if i == 0 else P.name(tmp), P.const(i)), ft)
                 for i, (_, ft) in enumerate(t.fields)]
        return P.method(P.const("\t"), "join", P.list_(items))
    if isinstance(t, ListT):
        var = "_i"
        return P.method(P.const("\t"), "join", P.each(var, nested(g, P.name(var), t.elem), value, generator=True))
    return P.call(g.runtime("values", "plain"), value)


def nested(g: Codegen, value: ast.expr, t: Type) -> ast.expr:
    if isinstance(strip(t), (ListT, Record)) or strip(t) == DYN:
        return P.call(g.runtime("values", "nested"), jsonable(g, value, t) if isinstance(strip(t), Record) else value)
    return plain(g, value, t)


def jsonable(g: Codegen, value: ast.expr, t: Type) -> ast.expr:
    """A value of static type `t` as something json.dumps writes (records as objects)."""
    if isinstance(t, Opt):
        inner = jsonable(g, P.name("_placeholder"), t.inner)
        if isinstance(inner, ast.Name):
            return value
        tmp = g.fresh("t")
        return P.ifexp(P.is_none(P.walrus(tmp, value)), P.const(None), jsonable(g, P.name(tmp), t.inner))
    if t in (STR, INT, BOOL, NULL):
        return value
    if isinstance(t, Record):
        tmp = g.fresh("r")
        keys: list[ast.expr | None] = [P.const(n) for n, _ in t.fields]
        vals = [jsonable(g, P.subscript(P.walrus(tmp, value) if i == 0 else P.name(tmp), P.const(i)), ft)
                for i, (_, ft) in enumerate(t.fields)]
        return ast.Dict(keys=keys, values=vals)
    if isinstance(t, ListT):
        inner = jsonable(g, P.name("_j"), t.elem)
        if isinstance(inner, ast.Name) and inner.id == "_j":
            return value
        return P.each("_j", inner, value)
    return P.call(g.runtime("values", "jsonable"), value)
