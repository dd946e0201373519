"""`count`, `count by` and `summarize`: one dict entry per group.

Groups live in a dict keyed by the key value (a tuple for several keys), so
they come out in first-appearance order. Each group's state is a list with
slots for its aggregates; `count by` alone keeps a bare int per group.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from . import ir
from . import pyast as P
from .typesys import DURATION, DYN, FLOAT, INT, nullable, strip

if TYPE_CHECKING:
    from .codegen import Codegen


def summarize(g: Codegen, stage: ir.Summarize, body: list[ast.stmt]) -> None:
    if stage.scalar:
        counter = g.fresh("count")
        g.barrier_state, g.merge_ops = counter, ["sum"]
        g.emit(ast.AugAssign(target=P.store(counter), op=ast.Add(), value=P.const(1)))
        g.close_loop(body, [P.assign(counter, P.const(0))], [], P.list_([P.name(counter)]), stage.info.out)
        return
    key_exprs = [g.group_key(g.expr(e), e.type) for _, e in stage.keys]
    key = key_exprs[0] if len(key_exprs) == 1 else P.tuple_(key_exprs) if key_exprs else None
    k, st = g.fresh("k"), g.fresh("st")
    if key is not None and [a.fn for a in stage.aggs] == ["count"]:
        count_by(g, stage, body, key, k, st)
        return
    groups = g.fresh("groups")
    slots = [Agg(g, a) for a in stage.aggs]
    ops: list[str | None] = [op for s in slots for op in s.merge_ops()]
    kind: list[str | None] = ["keyed" if key is not None else "single"]
    g.merge_ops = None if None in ops else [str(op) for op in kind + ops]
    g.barrier_state = groups if key is not None else st
    layout: list[ast.expr] = []
    for s in slots:
        s.base = len(layout)
        layout.extend(s.init())
    # Every argument first (see `Agg.prepare`): the key's group and its slots are
    # touched only once nothing about the element can fail.
    for s in slots:
        s.prepare()
    growing = [s for s in slots if s.agg.fn in _KEEP_VALUES]
    setup, tick = memory_guard(g, "summarize") if key is not None or growing else ([], [])
    before: list[ast.stmt]
    if key is None:
        before = [P.assign(st, P.list_(layout))]
    else:
        before = [P.assign(groups, ast.Dict(keys=[], values=[]))]
        kv = g.assign(key, "key")
        g.emit(P.assign(st, P.method(P.name(groups), "get", kv)))
        g.emit(ast.If(test=P.is_none(P.name(st)), body=[
            ast.Assign(targets=[P.store(st), ast.Subscript(value=P.name(groups), slice=kv, ctx=ast.Store())],
                       value=P.list_(layout)), *tick], orelse=[]))
    before += setup
    for s in slots:
        for stmt in s.update(P.name(st)):
            g.emit(stmt)
    if growing:
        # Each value kept (a list's item, a set's member) counts as an entry.
        for stmt in tick:
            g.emit(stmt)
    if key is None:
        # One group: the loop after runs once, over its state.
        g.close_loop(body, before, [], P.list_([P.name(st)]), stage.info.out)
        assert g.elem.expr is not None
        finish_group(g, stage, slots, g.elem.expr, [])
        return
    g.close_loop(body, before, [], P.method(P.name(groups), "items"), stage.info.out, [k, st])
    finish_group(g, stage, slots, P.name(st), key_slots(g, stage, k))


def key_slots(g: Codegen, stage: ir.Summarize, k: str) -> list[ast.expr]:
    """The keys' values out of a group's key (a schema-less one as it came)."""
    parts = [P.name(k)] if len(stage.keys) == 1 else [
        P.subscript(P.name(k), P.const(i)) for i in range(len(stage.keys))]
    return [P.call(g.runtime("dynamic", "key_value"), part) if strip(e.type) == DYN else part
            for part, (_, e) in zip(parts, stage.keys)]


def finish_group(g: Codegen, stage: ir.Summarize, slots: list[Agg], st: ast.expr, keys: list[ast.expr]) -> None:
    """In the loop over groups: the aggregates' final values, then the outputs."""
    for s in slots:
        g.locals[s.agg.id] = g.assign(s.final(st), "a")
    values = keys + [g.expr(e) for _, e in stage.outputs]
    g.set_elem_record(stage.info.out, values)


def count_by(g: Codegen, stage: ir.Summarize, body: list[ast.stmt], key: ast.expr, k: str, c: str) -> None:
    counts = g.fresh("counts")
    g.barrier_state, g.merge_ops = counts, ["counts"]
    kv = g.assign(key, "key")
    slot = ast.Subscript(value=P.name(counts), slice=kv, ctx=ast.Store())
    setup, tick = memory_guard(g, "count by" if stage.info.name == "count" else "summarize")
    # A new key raises KeyError once; every later one is a plain `+= 1` (and no look at memory).
    g.emit(ast.Try(body=[ast.AugAssign(target=slot, op=ast.Add(), value=P.const(1))],
                   handlers=[ast.ExceptHandler(type=P.name("KeyError"), name=None, body=[
                       ast.Assign(targets=[ast.Subscript(value=P.name(counts), slice=kv, ctx=ast.Store())],
                                  value=P.const(1)), *tick])],
                   orelse=[], finalbody=[]))
    before = [P.assign(counts, ast.Dict(keys=[], values=[])), *setup]
    g.close_loop(body, before, [], P.method(P.name(counts), "items"), stage.info.out, [k, c])
    g.locals[stage.aggs[0].id] = P.name(c)
    values = key_slots(g, stage, k) + [g.expr(e) for _, e in stage.outputs]
    g.set_elem_record(stage.info.out, values)


def memory_guard(g: Codegen, what: str) -> tuple[list[ast.stmt], list[ast.stmt]]:
    """`--memory` for a grouping stage: the set-up before its loop, and what counts one
    new entry (a key, a value kept), looking at the process's size every so many."""
    guard, left = g.fresh("guard"), g.fresh("left")
    limit = P.call(g.runtime("limits", "GroupLimit"), P.const(what), P.attr(P.name("rt"), "memory"))
    setup: list[ast.stmt] = [P.assign(guard, limit), P.assign(left, P.method(P.name(guard), "check"))]
    tick: list[ast.stmt] = [
        ast.AugAssign(target=P.store(left), op=ast.Sub(), value=P.const(1)),
        ast.If(test=ast.UnaryOp(op=ast.Not(), operand=P.name(left)),
               body=[P.assign(left, P.method(P.name(guard), "check"))], orelse=[])]
    return setup, tick


class Agg:
    """The state slots, update and final value of one aggregate."""

    def __init__(self, g: Codegen, agg: ir.Aggregate):
        self.g = g
        self.agg = agg
        self.base = 0
        self.value: ast.expr | None = None

    def prepare(self) -> None:
        """Compute the argument before any group is touched: an element rejected
        there (`sum(int(.x))` of "abc") must leave no trace, not half its updates."""
        if self.agg.arg is not None:
            value = self.g.expr(self.agg.arg)
            if self.agg.fn in _NUMERIC and strip(self.agg.arg.type) == DYN:
                # A schema-less field is converted where it is used: here, to a number.
                value = P.call(self.g.runtime("dynamic", "to_number"), value)
            self.value = self.g.assign(value, "a")

    def s(self, st: ast.expr, i: int = 0) -> ast.Subscript:
        return P.subscript(st, P.const(self.base + i))

    def target(self, st: ast.expr, i: int = 0) -> ast.Subscript:
        return ast.Subscript(value=st, slice=P.const(self.base + i), ctx=ast.Store())

    def merge_ops(self) -> list[str | None]:
        """How two partitions' slots combine, one op per slot; None where combining
        would not give exactly what one pass gives (float sums round differently)."""
        fn = self.agg.fn
        arg = strip(self.agg.arg.type) if self.agg.arg is not None else INT
        exact = arg not in (FLOAT, DYN)
        # Schema-less values merge in the order `sort` gives them ("10" > 9), as one pass compares them.
        dyn = "dyn" if arg == DYN else ""
        table: dict[str, list[str | None]] = {
            "count": ["add"], "sum": ["addnull" if exact else None], "min": [dyn + "min"], "max": [dyn + "max"],
            "avg": ["addnull" if exact else None, "add"], "first": ["first"], "last": ["last"],
            "count_distinct": ["union"], "list": ["extend"], "percentile": ["extend"],
            "stddev": [None, None, None],
        }
        return table[fn]

    def init(self) -> list[ast.expr]:
        fn = self.agg.fn
        if fn in ("count", "count_distinct_n"):
            return [P.const(0)]
        if fn == "count_distinct":
            return [P.call("set")]
        if fn in ("list", "percentile"):
            return [P.list_([])]
        if fn == "avg":
            return [P.const(None), P.const(0)]
        if fn == "stddev":
            return [P.const(0), P.const(0.0), P.const(0.0)]
        if fn == "first":
            return [self.g.runtime("core", "MISSING")]
        return [P.const(None)]

    def update(self, st: ast.expr) -> list[ast.stmt]:
        agg, g = self.agg, self.g
        fn = agg.fn
        if fn == "count":
            return [ast.AugAssign(target=self.target(st), op=ast.Add(), value=P.const(1))]
        assert agg.arg is not None and self.value is not None
        v = self.value
        maybe_null = nullable(agg.arg.type)

        def when_value(stmts: list[ast.stmt]) -> list[ast.stmt]:
            return [ast.If(test=P.is_not_none(v), body=stmts, orelse=[])] if maybe_null else stmts

        cur = self.s(st)
        if fn == "sum":
            return when_value([ast.Assign(targets=[self.target(st)], value=P.ifexp(
                P.is_none(cur), v, P.binop(self.s(st), ast.Add(), v)))])
        if fn == "avg":
            return when_value([
                ast.Assign(targets=[self.target(st)], value=P.ifexp(P.is_none(cur), v, P.binop(
                    self.s(st), ast.Add(), v))),
                ast.AugAssign(target=self.target(st, 1), op=ast.Add(), value=P.const(1))])
        if fn in ("min", "max"):
            op = ast.Lt() if fn == "min" else ast.Gt()
            better: ast.expr = P.compare(v, op, self.s(st))
            if strip(agg.arg.type) == DYN:  # "2" and 10 compare as numbers; a record and 10 are a rejection
                better = P.call(g.runtime("dynamic", "compare"), P.const("<" if fn == "min" else ">"), v, self.s(st))
            return when_value([ast.If(test=P.or_(P.is_none(cur), better),
                                      body=[ast.Assign(targets=[self.target(st)], value=v)], orelse=[])])
        if fn == "first":
            return [ast.If(test=P.compare(cur, ast.Is(), g.runtime("core", "MISSING")),
                           body=[ast.Assign(targets=[self.target(st)], value=v)], orelse=[])]
        if fn == "last":
            return [ast.Assign(targets=[self.target(st)], value=v)]
        if fn == "count_distinct":
            item = g.group_key(v, agg.arg.type)
            return when_value([P.expr_stmt(P.method(cur, "add", item))])
        if fn == "list":
            return [P.expr_stmt(P.method(cur, "append", v))]
        if fn == "percentile":
            return when_value([P.expr_stmt(P.method(cur, "append", v))])
        if fn == "stddev":
            # Welford's online update: count, mean, sum of squared deviations.
            n, mean, m2 = self.target(st, 0), self.target(st, 1), self.target(st, 2)
            d = g.fresh("d")
            return when_value([
                ast.AugAssign(target=n, op=ast.Add(), value=P.const(1)),
                P.assign(d, P.binop(v, ast.Sub(), self.s(st, 1))),
                ast.AugAssign(target=mean, op=ast.Add(), value=P.binop(P.name(d), ast.Div(), self.s(st, 0))),
                ast.AugAssign(target=m2, op=ast.Add(), value=P.binop(P.name(d), ast.Mult(), P.binop(
                    v, ast.Sub(), self.s(st, 1))))])
        raise AssertionError(fn)

    def final(self, st: ast.expr) -> ast.expr:
        fn, g = self.agg.fn, self.g
        cur = self.s(st)
        if fn == "avg":
            total = P.binop(cur, ast.Div(), self.s(st, 1))
            if strip(self.agg.arg.type) == INT:  # type: ignore[union-attr]
                total = P.binop(P.call("float", cur), ast.Div(), self.s(st, 1))
            if strip(self.agg.arg.type) == DURATION:  # type: ignore[union-attr]
                total = P.binop(cur, ast.Div(), self.s(st, 1))
            return P.ifexp(P.is_none(cur), P.const(None), total)
        if fn == "count_distinct":
            return P.call("len", cur)
        if fn == "first":
            return P.ifexp(P.compare(cur, ast.Is(), g.runtime("core", "MISSING")), P.const(None), cur)
        if fn == "stddev":
            var = P.binop(self.s(st, 2), ast.Div(), P.binop(self.s(st, 0), ast.Sub(), P.const(1)))
            return P.ifexp(P.compare(self.s(st, 0), ast.Gt(), P.const(1)),
                           P.call(g.runtime("math", "sqrt"), var), P.const(None))
        if fn == "percentile":
            assert self.agg.param is not None
            return P.call(g.runtime("core", "percentile"), cur, g.expr(self.agg.param))
        return cur


# Aggregates that keep values, not just a number: their groups grow with every element.
_KEEP_VALUES = frozenset({"count_distinct", "list", "percentile"})
# Aggregates that do arithmetic on their values.
_NUMERIC = frozenset({"sum", "avg", "stddev", "percentile"})
