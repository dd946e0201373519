"""Small constructors for Python `ast` nodes, so codegen reads like the code it makes."""
from __future__ import annotations

import ast
from typing import Any


def name(id: str) -> ast.Name:
    return ast.Name(id=id, ctx=ast.Load())


def store(id: str) -> ast.Name:
    return ast.Name(id=id, ctx=ast.Store())


def const(value: Any) -> ast.Constant:
    return ast.Constant(value=value)


def attr(obj: ast.expr, a: str) -> ast.Attribute:
    return ast.Attribute(value=obj, attr=a, ctx=ast.Load())


def call(fn: ast.expr | str, *args: ast.expr) -> ast.Call:
    f = name(fn) if isinstance(fn, str) else fn
    return ast.Call(func=f, args=list(args), keywords=[])


def method(obj: ast.expr, meth: str, *args: ast.expr) -> ast.Call:
    return call(attr(obj, meth), *args)


def subscript(obj: ast.expr, index: ast.expr) -> ast.Subscript:
    return ast.Subscript(value=obj, slice=index, ctx=ast.Load())


def binop(left: ast.expr, op: ast.operator, right: ast.expr) -> ast.BinOp:
    return ast.BinOp(left=left, op=op, right=right)


def compare(left: ast.expr, op: ast.cmpop, right: ast.expr) -> ast.Compare:
    return ast.Compare(left=left, ops=[op], comparators=[right])


def is_none(e: ast.expr) -> ast.Compare:
    return compare(e, ast.Is(), const(None))


def is_not_none(e: ast.expr) -> ast.Compare:
    return compare(e, ast.IsNot(), const(None))


def ifexp(test: ast.expr, body: ast.expr, orelse: ast.expr) -> ast.IfExp:
    return ast.IfExp(test=test, body=body, orelse=orelse)


def and_(*values: ast.expr) -> ast.expr:
    return values[0] if len(values) == 1 else ast.BoolOp(op=ast.And(), values=list(values))


def or_(*values: ast.expr) -> ast.expr:
    return values[0] if len(values) == 1 else ast.BoolOp(op=ast.Or(), values=list(values))


def not_(e: ast.expr) -> ast.UnaryOp:
    return ast.UnaryOp(op=ast.Not(), operand=e)


def tuple_(items: list[ast.expr]) -> ast.Tuple:
    return ast.Tuple(elts=items, ctx=ast.Load())


def list_(items: list[ast.expr]) -> ast.List:
    return ast.List(elts=items, ctx=ast.Load())


def assign(target: str, value: ast.expr) -> ast.Assign:
    return ast.Assign(targets=[store(target)], value=value)


def walrus(target: str, value: ast.expr) -> ast.NamedExpr:
    return ast.NamedExpr(target=store(target), value=value)


def expr_stmt(e: ast.expr) -> ast.Expr:
    return ast.Expr(value=e)


def each(var: str, elt: ast.expr, iterable: ast.expr, *, generator: bool = False) -> ast.expr:
    """`[elt for var in iterable]`, or the generator expression.

    Python rejects `:=` anywhere in a comprehension's iterable, and a record
    field's value holds one (`(r := rec)[0]`, the record named once for its
    later fields); such an iterable goes through map() instead, where the
    name still binds in the enclosing function."""
    if any(isinstance(node, ast.NamedExpr) for node in ast.walk(iterable)):
        fn = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=var)], kwonlyargs=[],
                                           kw_defaults=[], defaults=[]), body=elt)
        mapped = call("map", fn, iterable)
        return mapped if generator else call("list", mapped)
    comp = [ast.comprehension(target=store(var), iter=iterable, ifs=[], is_async=0)]
    return ast.GeneratorExp(elt=elt, generators=comp) if generator else ast.ListComp(elt=elt, generators=comp)
