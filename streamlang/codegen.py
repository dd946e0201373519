"""Typed IR -> a Python `ast.Module` of one function, `run(src, rt)`.

Adjacent element-wise stages are fused into one loop body: the current
element lives in local variables, and a record's fields stay in separate
locals (converted only when first used) until something needs the whole
record. A stage that needs all of its input (sort, count by, summarize,
fold, tail, top) ends the loop; what it produces feeds the next loop.

Every statement carries, as its line number, the number of the stage it
belongs to, so a runtime failure maps back to the stage that caused it.

`sink="yield"` makes `run` a generator of values (the Python API, `-q`, the
toplevel); `sink="write"` writes each element's text with `rt.write` (the
command line), so no generator stands between the loop and the output.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import ir
from . import pyast as P
from .codegen_formats import FormatRegexes, name_format_regexes
from .plan import Plan, PlanOptions
from .plan import plan as make_plan
from .prelude import FUNCTIONS
from .typesys import (
    BOOL,
    DURATION,
    DYN,
    FLOAT,
    INT,
    NULL,
    STR,
    TIME,
    ListT,
    Opt,
    Record,
    TVar,
    Type,
    has_list,
    nullable,
    strip,
)

STDLIB_MODULES = ("math", "collections", "datetime")

# Value kinds whose plain text never needs CSV quoting or TSV escaping.
_SAFE_TEXT = (INT, FLOAT, BOOL, TIME, DURATION)
_OPT_CONVERTERS: dict[Type, str] = {STR: "opt_str", INT: "opt_int", FLOAT: "opt_float", BOOL: "opt_bool", TIME: "opt_time",
                   DURATION: "opt_duration"}


@dataclass
class Slot:
    """One field of a record held in locals; `make` computes it on first use.
    A `time` read from a log format keeps its text in `time_text`, for
    functions that can work from the text alone (`date`)."""
    name: str
    value: ast.expr | None = None
    make: Callable[[], ast.expr] | None = None
    time_text: ast.expr | None = None


@dataclass
class Val:
    """The current element: an expression, or a record kept field by field."""
    type: Type
    expr: ast.expr | None = None
    slots: list[Slot] | None = None


@dataclass
class Loop:
    """A loop nest being written: statements go to `block`."""
    body: list[ast.stmt]  # the function body the loop sits in
    block: list[ast.stmt]
    catch: list[ast.stmt] = field(default_factory=list)
    in_source: bool = False


class Codegen:
    def __init__(self, program: ir.Program, plan: Plan | None = None):
        self.program = program
        self.plan = plan if plan is not None else make_plan(program, PlanOptions())
        self.sink = self.plan.options.sink
        self.fuse = self.plan.options.fuse
        self.live = self.plan.options.live
        self.source_try: ast.stmt | None = None
        # For `-j`: how partitions of the input can be run apart and put together
        # (set where the program allows it; see runtime/parallel.py).
        self.order_dependent = False
        self.barrier_state: str | None = None
        self.merge_ops: list[str] | None = None
        self.parallel: dict[str, object] | None = None
        # The command line's input may hand over lines with their `\n` (see
        # `plan.newline_tolerant`), which saves the reader a copy of every line.
        self.keep_newlines = self.plan.keep_newlines
        at = self.plan.newline_stage
        self.newline_stage: ir.Stage | None = program.stages[at] if at is not None else None
        self.imports: dict[tuple[str, str], str] = {}
        self.module_consts: list[ast.stmt] = []
        self.regexes: dict[str, str] = {}
        self.format_regexes: list[FormatRegexes] = []
        self.hoisted: list[ast.stmt] = []
        self.counter = 0
        self.locals: dict[int, ast.expr] = {}
        self.sites: list[ir.StageInfo] = []
        self.site = 0
        self.block: list[ast.stmt] = []
        self.elem = Val(STR)
        self.loop: Loop | None = None
        self.lineno_expr: ast.expr = P.const(None)
        self.rest: list[ir.Stage] = []
        # Run once the input is exhausted (a CSV record left open is reported).
        self.source_epilogue: list[ast.stmt] = []
        # A `take`'s stop after the element has gone through the rest of the loop:
        # (the block it goes last in, the check), added by `end_element`.
        self.loop_end_checks: list[tuple[list[ast.stmt], ast.stmt]] = []
        self.yielded = False  # a `yield` written: `run` is a generator

    # names and module-level things ------------------------------------------

    def fresh(self, hint: str = "t") -> str:
        self.counter += 1
        return f"{hint}{self.counter}"

    def runtime(self, module: str, fn: str) -> ast.expr:
        key = (module, fn)
        if key not in self.imports:
            self.imports[key] = fn if module not in STDLIB_MODULES else f"_{fn}"
            if fn.startswith("_") or fn in ("find", "regex", "round", "plain", "date", "time", "query"):
                self.imports[key] = f"_{fn}"
        return P.name(self.imports[key])

    def regex(self, pattern: ast.expr) -> ast.expr:
        if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str):
            if pattern.value not in self.regexes:
                var = f"_re{len(self.regexes)}"
                self.regexes[pattern.value] = var
                self.module_consts.append(P.assign(var, P.call(P.attr(P.name("re"), "compile"), pattern)))
            return P.name(self.regexes[pattern.value])
        return P.call(self.runtime("core", "regex"), pattern)

    def hoist(self, value: ast.expr) -> ast.expr:
        var = self.fresh("h")
        self.hoisted.append(P.assign(var, value))
        return P.name(var)

    def emit(self, stmt: ast.stmt) -> None:
        for node in ast.walk(stmt):
            # Statements moved into a wrapper keep the stage they came from.
            if isinstance(node, (ast.stmt, ast.expr)) and getattr(node, "lineno", None) is None:
                node.lineno = node.end_lineno = self.site  # type: ignore[attr-defined]
                node.col_offset = node.end_col_offset = 0  # type: ignore[attr-defined]
        self.block.append(stmt)

    def assign(self, value: ast.expr, hint: str = "v") -> ast.expr:
        """`value` in a local, unless it is one already."""
        if isinstance(value, (ast.Name, ast.Constant)):
            return value
        var = self.fresh(hint)
        self.emit(P.assign(var, value))
        return P.name(var)

    # the module ---------------------------------------------------------------

    def module(self) -> ast.Module:
        prog = self.program
        body: list[ast.stmt] = []
        self.block = body
        for g in prog.globals:
            # A value computed before any input: a failure points at the value.
            self.sites.append(ir.StageInfo(f"let {g.name}", g.value.span, g.type, g.type))
            self.site = len(self.sites)
            self.emit(P.assign(f"g{g.id}", self.expr(g.value)))
        if prog.value is not None:
            self.sites.append(ir.StageInfo("value", prog.value.span, prog.value.type, prog.value.type))
            self.site = len(self.sites)
            value = self.expr(prog.value)
            self.output_value(value, prog.value.type)
        else:
            self.pipeline(prog.stages, body)
            self.end_element()  # the last loop's
        run_body = self.outside_elements(self.hoisted + body)
        if self.sink == "yield" and not self.yielded:
            # No element is handed over, but the caller iterates `run` all the same.
            run_body.append(ast.If(test=P.const(False), body=[P.expr_stmt(ast.Yield(value=None))], orelse=[]))
        run = ast.FunctionDef(name="run", args=ast.arguments(
            posonlyargs=[], args=[ast.arg("src"), ast.arg("rt")], kwonlyargs=[], kw_defaults=[], defaults=[]),
            body=run_body, decorator_list=[], returns=None)
        name_format_regexes(self, run)
        mod = ast.Module(body=self.header() + [run], type_ignores=[])
        return ast.fix_missing_locations(mod)

    def header(self) -> list[ast.stmt]:
        """The imports and module-level constants (compiled regexes) the code asked for."""
        header: list[ast.stmt] = [ast.Import(names=[ast.alias("re")])] if self.regexes else []
        by_module: dict[str, list[tuple[str, str]]] = {}
        for (module, fn), alias in sorted(self.imports.items()):
            by_module.setdefault(module, []).append((fn, alias))
        for module, names in by_module.items():
            path = module if module in STDLIB_MODULES else f"streamlang.runtime.{module}"
            header.append(ast.ImportFrom(module=path, names=[
                ast.alias(fn, None if fn == alias else alias) for fn, alias in names], level=0))
        return header + list(self.module_consts)

    def outside_elements(self, body: list[ast.stmt]) -> list[ast.stmt]:
        """`run`'s body inside a handler for what fails outside any element (a
        `let` reading `now()`, a stage's argument, a final chart): every element
        has its own handler, so what gets here stops the run, as a `RunError`
        located at the stage or value that failed."""
        if not body:
            return [ast.Pass()]
        self.runtime("core", "ELEMENT_ERRORS")
        self.imports[("core", "ELEMENT_ERRORS")] = "_ELEMENT_ERRORS"
        failure = P.method(P.name("rt"), "failure", P.name("e"))
        handler = ast.ExceptHandler(type=P.name("_ELEMENT_ERRORS"), name="e",
                                    body=[ast.Raise(exc=failure, cause=P.const(None))])
        return [ast.Try(body=body, handlers=[handler], orelse=[], finalbody=[])]

    # pipelines ------------------------------------------------------------

    def pipeline(self, stages: list[ir.Stage], body: list[ast.stmt]) -> None:
        for i, stage in enumerate(stages):
            self.sites.append(stage.info)
            self.site = len(self.sites)
            if isinstance(stage, ir.ReadInput):
                after = stages[i + 1] if i + 1 < len(stages) else None
                self.open_source(stage, body, after if isinstance(after, ir.JoinLines) else None)
                continue
            if isinstance(stage, ir.JoinLines):
                # Read with the input (above), but a cut between ranges could still split an element.
                self.note_order_dependence(stage)
                continue
            if self.loop is None:
                self.start_loop(body, P.list_([self.materialize()]))
            elif not self.fuse and i > 1:
                # The unfused reference: every stage reads a list the previous one made.
                self.barrier_to_list(body)
            rest = stages[i + 1:]
            self.rest = rest
            if self.loop is not None and self.loop.in_source:
                self.note_order_dependence(stage)
            split_point = self.sink == "write" and self.loop is not None and self.loop.in_source and (
                isinstance(stage, ir.Summarize) or self.live and isinstance(stage, ir.Chart)
                or not self.live and not self.order_dependent and isinstance(stage, (ir.Sort, ir.Top)))
            if split_point:
                if self.stage(stage, body, last=not rest):
                    return
                self.pipeline_after_live(stages[i + 1:], body)
                return
            streaming = self.loop is not None and self.loop.in_source
            if self.stage(stage, body, last=not rest):
                if streaming and self.loop is not None and self.loop.in_source and not self.order_dependent:
                    self.parallel = self.stream_mode(self.header_written)
                return
            if streaming and (self.loop is None or not self.loop.in_source):
                self.order_dependent = True  # a barrier that -j cannot split
        if self.loop is not None and self.loop.in_source and not self.order_dependent and self.sink == "write":
            self.parallel = self.stream_mode(None)
        self.finish(body)

    def stream_mode(self, header: str | None) -> dict[str, object]:
        if self.distinct_site is None:
            return {"mode": "stream", "header": header}
        return {"mode": "distinct", "site": self.distinct_site, "header": header}

    header_written: str | None = None
    # `-j`: the site of the one `distinct` whose first appearances the parts report.
    distinct_site: int | None = None

    def note_order_dependence(self, stage: ir.Stage) -> None:
        """Stages whose result depends on where in the input an element is: `-j` keeps them whole."""
        if isinstance(stage, (ir.Limit, ir.Enumerate, ir.Fold, ir.JoinLines, ir.Chart, ir.WriteFiles)):
            self.order_dependent = True
        if isinstance(stage, ir.Uniq) and not self.splittable_distinct(stage):
            self.order_dependent = True
        if isinstance(stage, ir.Sort) and not all(_total_order(k.expr.type) for k in stage.keys):
            self.order_dependent = True
        if isinstance(stage, ir.Top) and not _total_order(stage.key.expr.type):
            self.order_dependent = True
        if isinstance(stage, ir.ParseFormat) and stage.format in ("csv", "tsv"):
            self.order_dependent = True  # a header per file
        if isinstance(stage, ir.Write) and stage.format == "table":
            self.order_dependent = True
        if isinstance(stage, ir.Write) and stage.format in ("csv", "tsv") and strip(stage.info.inp) == DYN:
            self.order_dependent = True  # the header is the first record's keys
        if _uses_lineno(stage):
            self.order_dependent = True

    def splittable_distinct(self, stage: ir.Uniq) -> bool:
        """A `distinct` that `-j` runs per part: only streaming stages may follow it, so
        that what each first appearance writes can be kept or dropped as a whole."""
        if not stage.distinct or self.sink != "write" or self.live or self.distinct_site is not None:
            return False
        for i, later in enumerate(self.rest):
            if isinstance(later, ir.ParseFormat) and later.format in ("csv", "tsv"):
                return False
            if isinstance(later, ir.Write) and (later.format == "table" or i < len(self.rest) - 1):
                return False
            if not isinstance(later, _STREAMING) or _uses_lineno(later):
                return False
        return True

    def pipeline_after_live(self, rest: list[ir.Stage], body: list[ast.stmt]) -> None:
        """`--live`: what follows the grouping becomes a function of `write`, so the
        table can be drawn from the groups so far whenever the input pauses."""
        # The grouping's state, before a later barrier (`count by | top`) sets its own.
        state, merge_ops = self.barrier_state, self.merge_ops
        for i, stage in enumerate(rest):
            self.sites.append(stage.info)
            self.site = len(self.sites)
            self.rest = rest[i + 1:]
            if self.stage(stage, body, last=not self.rest):
                break
        else:
            self.finish(body)
        assert self.source_try is not None
        start = body.index(self.source_try)
        k = start + 1 + len(self.source_epilogue)
        after = body[k:]
        source_part = body[start:k]
        del body[start:]
        self.block = body
        fn = ast.FunctionDef(name="_after", args=ast.arguments(
            posonlyargs=[], args=[ast.arg("write")], kwonlyargs=[], kw_defaults=[], defaults=[]),
            body=after or [ast.Pass()], decorator_list=[], returns=None)
        self.emit(fn)
        if self.live:
            self.emit(P.expr_stmt(P.method(P.name("rt"), "live", P.name("_after"))))
        if state is not None and merge_ops is not None and not self.order_dependent:
            # `-j`: a worker returns its groups; the main process runs the rest on the merged ones.
            merged = P.attr(P.name("rt"), "merged")
            give_back = ast.If(test=P.attr(P.name("rt"), "partial"), body=[ast.Return(value=P.name(state))],
                               orelse=[])
            self.emit(ast.If(test=P.is_none(merged), body=source_part + [give_back],
                             orelse=[P.assign(state, merged)]))
            self.parallel = {"mode": "groups", "ops": merge_ops}
        else:
            for s in source_part:
                self.emit(s)
        if self.live:
            self.emit(P.expr_stmt(P.method(P.name("rt"), "live", P.const(None))))
        self.emit(P.expr_stmt(P.call(P.name("_after"), P.name("write"))))

    def open_source(self, stage: ir.ReadInput, body: list[ast.stmt], join: ir.JoinLines | None) -> None:
        self.block = body
        if stage.path is not None:
            self.emit(P.assign("src", P.method(P.name("rt"), "open", self.expr(stage.path))))
        if join is not None:
            self.emit(P.assign("src", P.call(self.runtime("readers", "join_lines"), P.name("src"),
                                              P.const(join.regex))))
        chunk, n, line = "chunk", "n", "line"
        inner: list[ast.stmt] = []
        target = ast.Tuple(elts=[P.store(n), P.store(line)], ctx=ast.Store())
        outer = ast.For(target=P.store(chunk), iter=P.name("src"), body=[ast.For(
            target=target, iter=P.call("enumerate", P.name(chunk), P.attr(P.name("src"), "start")),
            body=inner, orelse=[])], orelse=[])
        self.wrap_loop(body, outer, inner, in_source=True)
        self.elem = Val(STR, P.name(line))
        self.lineno_expr = P.name(n)

    def start_loop(self, body: list[ast.stmt], iterable: ast.expr, names: list[str] | None = None) -> None:
        """A loop over `iterable`; its items are the element, or unpacked into `names`."""
        var = self.fresh("x")
        inner: list[ast.stmt] = []
        target: ast.expr = P.store(var) if names is None else ast.Tuple(
            elts=[P.store(n) for n in names], ctx=ast.Store())
        loop = ast.For(target=target, iter=iterable, body=inner, orelse=[])
        # An element of text (a line, after `sort` or `tail`) is kept in --rejects if rejected.
        text = P.name(var) if names is None and strip(self.elem.type) == STR else None
        self.wrap_loop(body, loop, inner, in_source=False, text=text)
        self.elem = Val(self.elem.type, P.name(var))
        self.lineno_expr = P.const(None)

    def wrap_loop(self, body: list[ast.stmt], loop: ast.For, inner: list[ast.stmt], in_source: bool,
                  text: ast.expr | None = None) -> None:
        """The loop inside `try: ... except Stop`, its body inside the rejection handler."""
        element: list[ast.stmt] = []
        where = P.name("n") if in_source else P.const(None)
        text = P.name("line") if in_source else text or P.const(None)
        handler = ast.ExceptHandler(type=P.name("_ELEMENT_ERRORS"), name="e", body=[P.expr_stmt(
            P.method(P.name("rt"), "reject", P.name("e"), where, text))])
        self.runtime("core", "ELEMENT_ERRORS")
        self.imports[("core", "ELEMENT_ERRORS")] = "_ELEMENT_ERRORS"
        inner.append(ast.Try(body=element, handlers=[handler], orelse=[], finalbody=[]))
        stop = ast.ExceptHandler(type=self.runtime("core", "Stop"), name=None, body=[ast.Pass()])
        self.imports[("core", "Stop")] = "Stop"
        self.block = body
        try_stmt = ast.Try(body=[loop], handlers=[stop], orelse=[], finalbody=[])
        self.emit(try_stmt)
        if in_source:
            self.source_try = try_stmt
        self.loop = Loop(body, element, in_source=in_source)
        self.block = element

    def barrier_to_list(self, body: list[ast.stmt]) -> None:
        acc = self.fresh("items")
        body.insert(len(body) - 1, P.assign(acc, P.list_([])))
        self.emit(P.expr_stmt(P.method(P.name(acc), "append", self.materialize())))
        self.end_element()
        self.loop = None
        self.start_loop(body, P.name(acc))

    def close_loop(self, body: list[ast.stmt], before_loop: Sequence[ast.stmt],
                   after_loop: Sequence[ast.stmt], results: ast.expr | None, out_type: Type,
                   names: list[str] | None = None) -> None:
        """End the current loop: set-up goes before it, `after_loop` after it, then a
        new loop over `results` (or nothing, when the stage was the last)."""
        self.end_element()
        loop_stmt = body[-1]
        body[-1:-1] = list(before_loop)
        assert body[-1] is loop_stmt
        self.end_source_loop(body)
        self.block = body
        for s in after_loop:
            self.emit(s)
        self.loop = None
        self.elem = Val(out_type)
        if results is not None:
            self.start_loop(body, P.method(P.name("rt"), "drained", results), names)

    def end_source_loop(self, body: list[ast.stmt]) -> None:
        """What runs once the input is read, where the source's loop ends: a CSV
        reader's check for a quoted field left open, say."""
        if self.loop is not None and self.loop.in_source:
            body.extend(self.source_epilogue)

    def finish(self, body: list[ast.stmt]) -> None:
        """Hand the final element to the sink."""
        if self.loop is None:
            return
        self.end_source_loop(body)
        if self.sink == "yield":
            self.give(self.materialize())
            return
        self.need_write()
        rec = strip(self.elem.type)
        if self.elem.slots is not None and isinstance(rec, Record) and rec.fields:
            # A record still in locals is written field by field, never built.
            from .codegen_expr import nested
            cells = [nested(self, self.slot(s), ft) for s, (_, ft) in zip(self.elem.slots, rec.fields)]
            text = cells[0] if len(cells) == 1 else P.method(P.const("\t"), "join", P.list_(cells))
        else:
            text = self.plain(self.materialize(), self.elem.type)
        self.emit(P.expr_stmt(P.call(P.name("write"), text)))

    def output_value(self, value: ast.expr, t: Type) -> None:
        if self.sink == "yield":
            self.give(value)
        else:
            self.need_write()
            self.emit(P.expr_stmt(P.call(P.name("write"), self.plain(value, t))))

    def give(self, value: ast.expr) -> None:
        """`yield value`: `run` hands an element to its caller (sink="yield")."""
        self.yielded = True
        self.emit(P.expr_stmt(ast.Yield(value=value)))

    def need_write(self) -> None:
        stmt = P.assign("write", P.attr(P.name("rt"), "write"))
        if not any(isinstance(s, ast.Assign) and getattr(s.targets[0], "id", "") == "write" for s in self.hoisted):
            self.hoisted.insert(0, stmt)

    # the element -------------------------------------------------------------

    def materialize(self) -> ast.expr:
        """The current element as one Python value (a record as a tuple)."""
        v = self.elem
        if v.slots is not None:
            return P.tuple_([self.slot(s) for s in v.slots])
        assert v.expr is not None
        return v.expr

    def slot(self, s: Slot) -> ast.expr:
        if s.value is None:
            assert s.make is not None
            s.value = self.assign(s.make(), "f_" + s.name[:12] + "_")
        return s.value

    def set_elem_record(self, t: Type, values: list[ast.expr]) -> None:
        rec = strip(t)
        assert isinstance(rec, Record)
        self.elem = Val(t, None, [Slot(n, self.assign(v, "f_" + n[:12] + "_")) for (n, _), v in zip(rec.fields, values)])

    def set_elem(self, t: Type, value: ast.expr) -> None:
        self.elem = Val(t, self.assign(value, "x"))

    # stages ----------------------------------------------------------------

    def stage(self, stage: ir.Stage, body: list[ast.stmt], last: bool) -> bool:
        """Write one stage; True when it already handed its output to the sink."""
        match stage:
            case ir.Map():
                if isinstance(stage.expr, ir.MakeRecord):
                    values = [self.expr(e) for _, e in stage.expr.fields]
                    self.set_elem_record(stage.info.out, values)
                else:
                    self.set_elem(stage.info.out, self.expr(stage.expr))
            case ir.Where():
                self.emit(ast.If(test=P.not_(self.truth(stage.cond)), body=[ast.Continue()], orelse=[]))
            case ir.SplitFields():
                self.split(stage)
            case ir.ParseRegex():
                self.parse_regex(stage)
            case ir.Limit():
                self.limit(stage, body)
            case ir.Enumerate():
                counter = self.counter_var(body, -1)
                self.emit(ast.AugAssign(target=P.store(counter), op=ast.Add(), value=P.const(1)))
                self.set_elem_record(stage.info.out, [P.name(counter), self.materialize()])
            case ir.Flatten():
                var = self.fresh("y")
                inner: list[ast.stmt] = []
                src = self.materialize()
                if nullable(stage.info.inp):
                    src = P.or_(src, P.tuple_([]))
                self.emit(ast.For(target=P.store(var), iter=src, body=inner, orelse=[]))
                self.block = inner
                self.elem = Val(stage.info.out, P.name(var))
            case ir.Uniq():
                self.uniq(stage, body)
            case ir.Sort():
                self.sort(stage, body)
            case ir.Top():
                self.top(stage, body)
            case ir.Summarize():
                from .codegen_aggregate import summarize
                summarize(self, stage, body)
            case ir.Fold():
                self.fold(stage, body)
            case ir.Chart():
                self.chart(stage, body)
            case ir.WriteFiles():
                self.write_files(stage, body)
            case ir.Write():
                from .codegen_write import write
                return write(self, stage, body, last)
            case ir.ReadInput():
                raise AssertionError("a source in the middle of a pipeline")
            case ir.ParseFormat():
                from .codegen_formats import parse_format
                parse_format(self, stage, body)
        return False

    def counter_var(self, body: list[ast.stmt], start: int) -> str:
        var = self.fresh("count")
        body.insert(len(body) - 1, P.assign(var, P.const(start)))
        return var

    def reject(self, reason: ast.expr) -> ast.stmt:
        return ast.Raise(exc=P.call(self.runtime("core", "Reject"), reason), cause=None)

    def split(self, stage: ir.SplitFields) -> None:
        text = self.materialize()
        sep = P.const(None) if stage.sep is None else self.expr(stage.sep)
        most = None
        if stage.schema is None and self.fuse:
            from .codegen_uses import max_index_used
            most = max_index_used(self.rest)
        if most is not None:
            # Only `_[most]` and before are read: split no further.
            parts = P.method(text, "split", sep, P.const(most + 1))
        elif stage.sep is None:
            parts = P.method(text, "split")
        else:
            parts = P.method(text, "split", sep)
        if stage.schema is None:
            self.set_elem(stage.info.out, parts)
            return
        fields = stage.schema.fields
        var = self.assign(parts, "parts")
        self.emit(ast.If(test=P.compare(P.call("len", var), ast.NotEq(), P.const(len(fields))), body=[
            self.reject(ast.JoinedStr(values=[
                P.const(f"expected {len(fields)} fields, got "),
                ast.FormattedValue(value=P.call("len", var), conversion=-1, format_spec=None)]))],
            orelse=[]))
        values = [self.convert_text(P.subscript(var, P.const(i)), t) for i, (_, t) in enumerate(fields)]
        self.set_elem_record(stage.info.out, values)

    def convert_text(self, text: ast.expr, t: Type, fmt: str | None = None) -> ast.expr:
        """A field's text converted to its schema type (SPEC §4, "Schemas")."""
        if isinstance(t, Opt):
            if fmt is not None and t.inner == STR:
                tmp = self.fresh("s")
                return P.ifexp(P.compare(P.walrus(tmp, text), ast.Eq(), P.const("-")), P.const(None), P.name(tmp))
            if fmt is not None and t.inner == INT:
                tmp = self.fresh("s")
                return P.ifexp(P.compare(P.walrus(tmp, text), ast.Eq(), P.const("-")), P.const(None),
                               P.call("int", P.name(tmp)))
            return P.call(self.runtime("convert", _OPT_CONVERTERS[t.inner]), text)
        if t == STR:
            return text
        if t in (INT, FLOAT):
            return P.call(t.name, text)  # type: ignore[attr-defined]
        if t == TIME:
            fn = "parse_apache_time" if fmt is not None else "parse_time"
            return P.call(self.runtime("timefns", fn), text)
        if t == BOOL:
            return P.call(self.runtime("core", "to_bool"), text)
        if t == DURATION:
            return P.call(self.runtime("timefns", "parse_duration"), text)
        raise AssertionError(t)

    def parse_regex(self, stage: ir.ParseRegex) -> None:
        # Reading the input's own lines, which may end with their `\n`.
        newline = r"\n?" if self.keep_newlines and stage is self.newline_stage else ""
        m = self.fresh("m")
        out = stage.info.out
        regexes = FormatRegexes(m, stage.regex + newline, stage.fast and stage.fast + newline)
        if stage.format is not None and isinstance(out, Record):
            # A built-in format's regexes are named once the program is
            # written, capturing only the fields it reads (`name_format_regexes`).
            self.format_regexes.append(regexes)
            rx: ast.expr = regexes.full
            quick_rx: ast.expr | None = regexes.quick if regexes.quick_text else None
        else:
            rx = self.regex(P.const(regexes.full_text))
            quick_rx = None if regexes.quick_text is None else self.regex(P.const(regexes.quick_text))
        text = self.materialize()
        how = "search" if stage.search else "fullmatch"
        found: ast.expr = P.method(rx, how, text)
        if quick_rx is not None:
            text = self.assign(text, "line")
            # The quick regex's bound method in a local: it is called for every line.
            quick = self.hoist(P.attr(quick_rx, how))
            found = P.or_(P.call(quick, text), P.method(rx, how, text))
        self.emit(P.assign(m, found))
        what = f"the {stage.format} format" if stage.format else (
            "the regex" if stage.search else "the pattern")
        self.emit(ast.If(test=P.is_none(regexes.tested), body=[self.reject(P.const(f"does not match {what}"))],
                         orelse=[]))
        if not isinstance(out, Record):
            value = P.subscript(P.name(m), P.const(0)) if out == STR else P.call(
                "list", P.method(P.name(m), "groups"))
            self.set_elem(out, value)
            return
        slots = []
        for (fname, ftype), group in zip(out.fields, stage.groups):
            text_of = P.subscript(P.name(m), P.const(group))
            # Fields are converted where first used, so unused ones cost nothing.
            apache_time = text_of if ftype == TIME and stage.format is not None else None
            slots.append(Slot(fname, None, self.lazy(text_of, ftype, stage.format), apache_time))
        if stage.format is None and not stage.search:
            for s, (_, ftype) in zip(slots, out.fields):
                if ftype != STR:
                    self.slot(s)  # a bad value must reject the line even if unused
        elif stage.search:
            for s, (_, ftype) in zip(slots, out.fields):
                if ftype != STR:
                    self.slot(s)
        self.elem = Val(out, None, slots)

    def lazy(self, text: ast.expr, t: Type, fmt: str | None) -> Callable[[], ast.expr]:
        return lambda: self.convert_text(text, t, fmt)

    def limit(self, stage: ir.Limit, body: list[ast.stmt]) -> None:
        n = self.expr(stage.count)
        if stage.kind == "tail":
            acc = self.fresh("last")
            before = [P.assign(acc, P.call(self.runtime("core", "last_n"), n))]
            self.emit(P.expr_stmt(P.method(P.name(acc), "append", self.materialize())))
            self.close_loop(body, before, [], P.name(acc), stage.info.out)
            return
        counter = self.counter_var(body, 0)
        if stage.kind == "drop":
            self.emit(ast.AugAssign(target=P.store(counter), op=ast.Add(), value=P.const(1)))
            self.emit(ast.If(test=P.compare(P.name(counter), ast.LtE(), n), body=[ast.Continue()], orelse=[]))
            return
        stop = ast.Raise(exc=P.name("Stop"), cause=None)
        self.emit(ast.If(test=P.compare(P.name(counter), ast.GtE(), n), body=[stop], orelse=[]))
        self.emit(ast.AugAssign(target=P.store(counter), op=ast.Add(), value=P.const(1)))
        # After the element has gone through the rest of the loop, stop reading
        # at once rather than on the next line (`take 1` on a live stream).
        check = ast.If(test=P.compare(P.name(counter), ast.GtE(), n), body=[stop], orelse=[])
        self.loop_end_checks.append((self.block, check))

    def end_element(self) -> None:
        """The current loop's element is written whole: each `take`'s early stop
        goes last in the block the `take` wrote into."""
        for block, check in self.loop_end_checks:
            block.append(check)
        self.loop_end_checks = []

    def uniq(self, stage: ir.Uniq, body: list[ast.stmt]) -> None:
        key = self.materialize() if stage.key is None else self.expr(stage.key)
        key_t = stage.info.inp if stage.key is None else stage.key.type
        if stage.distinct:
            seen = self.fresh("seen")
            from .codegen_aggregate import memory_guard
            setup, tick = memory_guard(self, "distinct")
            body[len(body) - 1:len(body) - 1] = [P.assign(seen, P.call("set")), *setup]
            k = self.assign(self.group_key(key, key_t), "k")
            self.emit(ast.If(test=P.compare(k, ast.In(), P.name(seen)), body=[ast.Continue()], orelse=[]))
            self.emit(P.expr_stmt(P.method(P.name(seen), "add", k)))
            for stmt in tick:
                self.emit(stmt)
            if not self.order_dependent and self.loop is not None and self.loop.in_source and \
                    self.distinct_site is None and self.splittable_distinct(stage):
                # `-j`: a part notes where each first appearance's output begins.
                self.distinct_site = self.site
                self.emit(P.expr_stmt(P.method(P.name("rt"), "first_seen", k)))
            return
        prev = self.fresh("prev")
        body.insert(len(body) - 1, P.assign(prev, self.runtime("core", "MISSING")))
        k = self.assign(self.group_key(key, key_t) if strip(key_t) == DYN else key, "k")
        self.emit(ast.If(test=P.compare(k, ast.Eq(), P.name(prev)), body=[ast.Continue()], orelse=[]))
        self.emit(P.assign(prev, k))

    def group_key(self, value: ast.expr, t: Type) -> ast.expr:
        """A value as a dict key or set member: a schema-less one keeps its JSON
        type (`true` is not `1`, though Python says so); lists become tuples."""
        if strip(t) == DYN:
            return P.call(self.runtime("dynamic", "group_key"), value)
        if has_list(t):
            return P.call(self.runtime("core", "hashable"), value)
        return value

    def sortable(self, e: ir.Expr) -> ast.expr:
        """A sort key's value; one of a schema-less type is made to order against any other."""
        if strip(e.type) == DYN:
            return P.call(self.runtime("dynamic", "sort_key"), self.expr(e))
        return self.expr(e)

    def sort_key_fn(self, desc: bool) -> ast.expr:
        return self.runtime("core", "desc_key" if desc else "asc_key")

    def sort(self, stage: ir.Sort, body: list[ast.stmt]) -> None:
        # A Sorter keeps rows in memory up to the budget, then spills sorted runs to disk.
        sorter, add = self.fresh("sorter"), self.fresh("add")
        keys = [self.sortable(k.expr) for k in stage.keys]
        key = P.tuple_(keys) if len(keys) > 1 else keys[0]
        self.emit(P.expr_stmt(P.call(P.name(add), key, self.materialize())))
        desc = P.tuple_([P.const(k.desc) for k in stage.keys])
        before = [P.assign(sorter, P.call(self.runtime("sorting", "Sorter"), desc,
                                          P.attr(P.name("rt"), "memory"))),
                  P.assign(add, P.attr(P.name(sorter), "add"))]
        self.barrier_state = sorter
        self.merge_ops = ["sort", *("desc" if k.desc else "asc" for k in stage.keys)]
        self.close_loop(body, before, [], P.name(sorter), stage.info.out)

    def top(self, stage: ir.Top, body: list[ast.stmt]) -> None:
        # Keep at most about 2n rows: sorting and cutting a prefix keeps exactly
        # what `sort | take n` would, in memory for n rows only.
        acc = self.fresh("rows")
        # A literal, or a global the checker computes once before any input.
        n = self.expr(stage.count)
        key = self.sortable(stage.key.expr)
        self.emit(P.expr_stmt(P.method(P.name(acc), "append", P.tuple_([key, self.materialize()]))))
        trim = P.call(self.runtime("core", "top_trim"), P.name(acc), n, P.const(stage.key.desc))
        limit = P.call("max", P.binop(n, ast.Mult(), P.const(2)), P.const(1024))
        self.emit(ast.If(test=P.compare(P.call("len", P.name(acc)), ast.Gt(), limit),
                         body=[P.expr_stmt(trim)], orelse=[]))
        after = [P.expr_stmt(trim)]
        results = ast.GeneratorExp(elt=P.subscript(P.name("r"), P.const(1)), generators=[
            ast.comprehension(target=P.store("r"), iter=P.name(acc), ifs=[], is_async=0)])
        # `-j`: each part's rows, concatenated in input order, trim to what one pass keeps
        # (the trim is a stable sort, so equal keys stay in input order).
        self.barrier_state, self.merge_ops = acc, ["top"]
        self.close_loop(body, [P.assign(acc, P.list_([]))], after, results, stage.info.out)

    def write_files(self, stage: ir.WriteFiles, body: list[ast.stmt]) -> None:
        from .codegen_write import header_line, row_text
        parts, add = self.fresh("parts"), self.fresh("add")
        rec = strip(stage.info.inp)
        assert isinstance(rec, Record)
        fields = [p for p in stage.template if isinstance(p, int)]
        elem = ir.ElemRef(stage.info.inp, stage.info.span)
        key = P.tuple_([self.expr(ir.GetField(rec.fields[i][1], stage.info.span, elem, rec.fields[i][0], i))
                        for i in range(max(fields) + 1)])
        text = row_text(self, stage.format, stage.info.inp) if stage.format != "plain" else self.plain(
            self.materialize(), stage.info.inp)
        self.emit(P.expr_stmt(P.call(P.name(add), key, text)))
        template = P.list_([P.const(p) for p in stage.template])
        before = [P.assign(parts, P.call(self.runtime("partitions", "Partitions"), template,
                                         P.const(header_line(stage.format, stage.info.inp)),
                                         P.attr(P.name("rt"), "skip_existing"))),
                  P.expr_stmt(P.method(P.name("rt"), "on_failure", P.attr(P.name(parts), "abandon"))),
                  P.assign(add, P.attr(P.name(parts), "add"))]
        self.close_loop(body, before, [], P.method(P.name(parts), "finish"), stage.info.out)

    def chart(self, stage: ir.Chart, body: list[ast.stmt]) -> None:
        rows = self.fresh("rows")
        value = self.expr(stage.value)
        if stage.kind == "hist":
            item = value
        else:
            label = P.const("") if stage.label is None else self.expr(stage.label)
            item = P.tuple_([label, value]) if stage.kind == "chart" else value
        self.emit(P.expr_stmt(P.method(P.name(rows), "append", item)))
        args: list[ast.expr] = [P.name(rows)]
        if stage.kind == "hist":
            assert stage.bucket is not None
            args.append(self.expr(stage.bucket))
        drawn = P.call(self.runtime("charts", "draw"), P.const(stage.kind), P.name("rt"), *args)
        self.close_loop(body, [P.assign(rows, P.list_([]))], [], drawn, stage.info.out)

    def fold(self, stage: ir.Fold, body: list[ast.stmt]) -> None:
        acc = self.fresh("acc")
        self.locals[stage.acc] = P.name(acc)
        self.locals[stage.item] = self.materialize()
        before_block = self.block
        self.block = []
        init = self.expr(stage.init)
        init_stmts = self.block
        self.block = before_block
        self.emit(P.assign(acc, self.expr(stage.body)))
        self.close_loop(body, init_stmts + [P.assign(acc, init)], [], P.list_([P.name(acc)]), stage.info.out)

    # expressions ------------------------------------------------------------

    def truth(self, e: ir.Expr) -> ast.expr:
        """A condition for `if`; null (None) is already false in Python."""
        return self.expr(e)

    def expr(self, e: ir.Expr) -> ast.expr:
        from .codegen_expr import expr
        return expr(self, e)

    def plain(self, value: ast.expr, t: Type) -> ast.expr:
        from .codegen_expr import plain
        return plain(self, value, t)


# Stages that handle one element at a time, in the loop that reads the input.
_STREAMING = (ir.Map, ir.Where, ir.SplitFields, ir.ParseRegex, ir.ParseFormat, ir.Flatten, ir.Write)
# Keys whose order is total, so per-part sorts merge into exactly one sort's order:
# not floats (NaN compares false both ways) nor `dyn` (an int and a str do not compare).
_TOTAL = (INT, STR, BOOL, TIME, DURATION)


def _total_order(t: Type) -> bool:
    return strip(t) in _TOTAL


def _uses_lineno(stage: ir.Stage) -> bool:
    found = []

    def scan(node: object) -> None:
        if isinstance(node, ir.LineNo):
            found.append(node)
        elif isinstance(node, tuple):
            for x in node:
                scan(x)
        elif hasattr(node, "__dataclass_fields__") and not isinstance(node, ir.StageInfo):
            for f in node.__dataclass_fields__:
                scan(getattr(node, f))
    scan(stage)
    return bool(found)


def generate(program: ir.Program, plan: Plan) -> tuple[ast.Module, list[ir.StageInfo], Plan]:
    """The module defining `run`, its sites (site n is line n), and the plan
    completed with how `-j` may cut the program (found while writing the loops)."""
    g = Codegen(program, plan)
    mod = g.module()
    ast.fix_missing_locations(mod)
    return mod, g.sites, plan.with_parallel(g.parallel)


__all__ = ["generate", "Codegen", "Val", "Slot", "FUNCTIONS", "BOOL", "DYN", "NULL", "ListT", "TVar"]
