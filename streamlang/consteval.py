"""Values fixed before any input, computed at compile time.

A `let` value, a stage's argument or a value program built from literals
alone (`let x = 1 // 0`, `take int("abc")`) fails the same way on every run.
It is computed here, by the code the program itself would run, so that such
a failure is a diagnostic at the value (status 2, nothing read) rather than an
error once the run has started. What depends on the input, the file being
read or the clock (`now()`) is left to the run, where a failure is a
`RunError` at the value. A `-v` value is a constant by now, so a value
computed from it is checked here too.
"""
from __future__ import annotations

import ast
import builtins
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import timedelta
from types import TracebackType

from . import ir
from . import pyast as P
from .errors import CompileError, Diagnostic
from .source import Source, Span

# Builtins whose value is not fixed before the run.
CLOCK_CALLS = ("now", "today")
FILENAME = "<streamlang-constants>"


@dataclass(frozen=True)
class Item:
    """One value to compute: a global's (bound to its name for the values after
    it) or a stage's argument, and what it must satisfy besides not failing."""
    expr: ir.Expr
    global_id: int | None = None
    check: Callable[[object], str | None] | None = None


def evaluate_constants(source: Source, program: ir.Program) -> ir.Program:
    """Compute every fixed value of `program`; raise `CompileError` at the first that fails.
    The program is returned as it is: the values are not folded into it (that
    would change the code `--emit python` shows)."""
    items = fixed_items(program)
    if all(isinstance(item.expr, ir.Const) for item in items):
        values = [item.expr.value for item in items]  # type: ignore[union-attr]
    else:
        values = compute(source, program, items)
    for item, value in zip(items, values):
        message = item.check(value) if item.check is not None else None
        if message is not None:
            raise CompileError([Diagnostic(source, item.expr.span, message)])
    return program


def fixed_items(program: ir.Program) -> list[Item]:
    known: set[int] = set()
    items: list[Item] = []
    for g in program.globals:
        if is_fixed(g.value, known, frozenset()):
            known.add(g.id)
            items.append(Item(g.value, g.id))
    for expr, check in stage_arguments(program):
        if is_fixed(expr, known, frozenset()):
            items.append(Item(expr, None, check))
    if program.value is not None and is_fixed(program.value, known, frozenset()):
        items.append(Item(program.value))
    return items


def stage_arguments(program: ir.Program) -> list[tuple[ir.Expr, Callable[[object], str | None] | None]]:
    """The expressions of stages computed once, not per element (the counts of
    take/drop/tail/top are globals already)."""
    out: list[tuple[ir.Expr, Callable[[object], str | None] | None]] = []
    for stage in program.stages:
        match stage:
            case ir.Chart(kind="hist") if stage.bucket is not None:
                out.append((stage.bucket, positive_bucket))
            case ir.Fold():
                out.append((stage.init, None))
            case ir.Summarize():
                out.extend((agg.param, percentile_in_range) for agg in stage.aggs if agg.param is not None)
            case ir.SplitFields() if stage.sep is not None:
                out.append((stage.sep, None))
            case ir.ReadInput() if stage.path is not None:
                out.append((stage.path, None))
    return out


def percentile_in_range(value: object) -> str | None:
    # Out of range, every group's percentile would fail once the input is read,
    # and `summarize` without `by` would yield no record at all.
    if isinstance(value, (int, float)) and not 0 <= value <= 100:
        return f"a percentile is between 0 and 100, not {value!r}"
    return None


def positive_bucket(value: object) -> str | None:
    from .runtime.timefns import format_duration
    if isinstance(value, timedelta) and value <= timedelta(0):
        return f"a histogram bucket must be positive, not {format_duration(value)}"
    return None


def is_fixed(e: ir.Expr, known: set[int], bound: frozenset[int]) -> bool:
    """Whether an expression's value is the same on every run: it reads no
    element, line number, file name or clock, only literals and fixed globals.
    A loop, not a recursion: an expression may nest thousands of levels deep."""
    todo: list[tuple[object, frozenset[int]]] = [(e, bound)]
    while todo:
        node, names = todo.pop()
        match node:
            case ir.ElemRef() | ir.LineNo() | ir.FileName():
                return False
            case ir.GlobalRef() if node.id not in known:
                return False
            case ir.LocalRef() if node.id not in names:
                return False
            case ir.CallBuiltin() if node.name in CLOCK_CALLS:
                return False
            case ir.LetIn():
                todo.append((node.value, names))
                todo.append((node.body, names | {node.id}))
            case tuple():
                todo.extend((x, names) for x in node)
            case _ if hasattr(node, "__dataclass_fields__"):
                todo.extend((getattr(node, f.name), names) for f in fields(node)  # type: ignore[arg-type]
                            if f.name not in ("type", "span"))
    return True


def compute(source: Source, program: ir.Program, items: list[Item]) -> list[object]:
    """The items' values, from one generated function whose statement `i` (as its
    line number) computes item `i`; a failure is a diagnostic at that item."""
    from .codegen import Codegen
    from .runtime.core import ELEMENT_ERRORS
    from .runtime.run import reason_of

    g = Codegen(program)
    body: list[ast.stmt] = []
    g.block = body
    results: list[ast.expr] = []
    for i, item in enumerate(items, 1):
        g.site = i
        var = f"g{item.global_id}" if item.global_id is not None else f"_v{i}"
        g.emit(P.assign(var, g.expr(item.expr)))
        results.append(P.name(var))
    body.append(ast.Return(value=P.list_(results), lineno=len(items) + 1, end_lineno=len(items) + 1))
    fn = ast.FunctionDef(name="values", args=ast.arguments(
        posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
        body=g.hoisted + body, decorator_list=[], returns=None)
    module = ast.fix_missing_locations(ast.Module(body=g.header() + [fn], type_ignores=[]))
    namespace: dict[str, object] = {}
    exec(builtins.compile(module, FILENAME, "exec"), namespace)
    try:
        return namespace["values"]()  # type: ignore[operator, no-any-return]
    except ELEMENT_ERRORS as e:
        i = failed_item(e.__traceback__)
        span = items[i - 1].expr.span if 0 < i <= len(items) else Span(0, len(source.text))
        raise CompileError([Diagnostic(source, span, reason_of(e))]) from None


def failed_item(tb: TracebackType | None) -> int:
    """The number of the item whose statement raised (its line number)."""
    item = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            item = tb.tb_lineno
        tb = tb.tb_next
    return item
