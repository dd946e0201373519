"""Syntax -> typed IR, or diagnostics.

The checker walks each statement once. `let` values become globals; user
functions and stages are templates, checked again at each use with the
types they are used at (so `let topn n = sort by .count desc | take n`
works on any record with a `count`), and inlined into the IR. Every error a
program can contain is found here, before any input is read.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn, Union

from . import ir
from . import syntax as S
from .errors import CompileError, Diagnostic, UsageError, did_you_mean
from .formats import regex_formats
from .hints import NO_HINTS, InputHints
from .parser import MAX_DEPTH
from .prelude import AGGREGATES, FORMATS, FUNCTIONS, PERCENTILE_SHORTHANDS, STAGES, Function
from .source import Source, Span
from .typesys import (
    BOOL,
    DURATION,
    DYN,
    FLOAT,
    INT,
    NULL,
    NUMERIC,
    ORDERED,
    PRIMS,
    STR,
    TIME,
    FnT,
    ListT,
    Opt,
    Record,
    StageT,
    StreamT,
    TVar,
    Type,
    bind,
    depth,
    has_var,
    join,
    nullable,
    optional,
    show,
    strip,
)

# Scope entries ---------------------------------------------------------------


@dataclass
class ValueEntry:
    ref: ir.Expr


@dataclass
class FuncEntry:
    """`let f x y = expr`, or `let f = expr-using-_` (an element function)."""
    name: str
    params: tuple[S.Param, ...]
    body: S.Expr
    scope: Scope
    uses_elem: bool = False


@dataclass
class LambdaEntry:
    lam: S.Lambda
    scope: Scope


@dataclass
class StageEntry:
    name: str
    params: tuple[S.Param, ...]
    body: S.Pipeline
    scope: Scope


@dataclass
class StreamEntry:
    """`let errors = lines "x" | where ...`: a source with stages after it."""
    name: str
    body: S.Pipeline
    scope: Scope


@dataclass
class TypeEntry:
    type: Type


Entry = Union[ValueEntry, FuncEntry, LambdaEntry, StageEntry, StreamEntry, TypeEntry]


@dataclass
class Scope:
    names: dict[str, Entry] = field(default_factory=dict)
    parent: Scope | None = None

    def lookup(self, name: str) -> Entry | None:
        s: Scope | None = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None

    def all_names(self) -> list[str]:
        out: list[str] = []
        s: Scope | None = self
        while s is not None:
            out.extend(n for n, e in s.names.items() if not isinstance(e, TypeEntry))
            s = s.parent
        return out

    def child(self) -> Scope:
        return Scope({}, self)


def header_names(fmt: str, line: str) -> list[str] | None:
    """The record keys a CSV/TSV header line gives, or None where they are not all
    names a program can write as `.name` (the records are schema-less then)."""
    from .formats.delimited import CsvReader, header_fields, parse_tsv
    try:
        fields = CsvReader(",").feed(line) if fmt == "csv" else parse_tsv(line)
        names = header_fields(fields or [])
    except ValueError:
        return None
    return names if all(n.isidentifier() for n in names) else None


SOURCE_STAGES = ("lines", "stdin")
SCHEMA_TYPES = (STR, INT, FLOAT, BOOL, TIME, DURATION)


def leading_var(expr: object) -> S.Var | None:
    """The name an expression starts with (`were` in `were .status == 404`), if it starts with one."""
    import dataclasses

    while not isinstance(expr, S.Var):
        if not dataclasses.is_dataclass(expr):
            return None
        start = expr.span.start  # type: ignore[union-attr]
        inner = [v for f in dataclasses.fields(expr) if f.name != "span"
                 for v in ([getattr(expr, f.name)] if not isinstance(getattr(expr, f.name), tuple)
                           else getattr(expr, f.name)[:1])
                 if dataclasses.is_dataclass(v) and getattr(getattr(v, "span", None), "start", None) == start]
        if not inner:
            return None
        expr = inner[0]
    return expr


class Checker:
    def __init__(self, source: Source, overrides: dict[str, str] | None = None,
                 hints: InputHints = NO_HINTS):
        self.source = source
        # What the driver read of the input beforehand: `parse csv` on files knows its headers' fields.
        self.hints = hints
        self.on_input = False
        self.globals: list[ir.Global] = []
        self.ids = itertools.count()
        self.overrides = dict(overrides or {})
        self.used_overrides: set[str] = set()
        self.bindings: dict[str, str] = {}

    # errors --------------------------------------------------------------

    def fail(self, span: Span, message: str, hint: str | None = None) -> NoReturn:
        raise CompileError([Diagnostic(self.source, span, message, hint)])

    def noted(self, e: CompileError, span: Span, message: str) -> CompileError:
        """An error raised while checking a binding's body for one use of it: the same
        error, then a note at that use, which is what made the body's types what they
        were. An error inside the use itself (a bad argument) needs no note."""
        first = e.diagnostics[0]
        if span.start <= first.span.start and first.span.end <= span.end:
            return e
        note = Diagnostic(self.source, span, message, tentative=first.tentative, severity="note")
        return CompileError(e.diagnostics + [note])

    def check_depth(self, t: Type, span: Span, what: str,
                    hint: str = "keep fewer levels: take the fields you need (`.a.b`, `select`) "
                                "instead of wrapping the whole value again") -> None:
        """Types nest no deeper than expressions may (parser.MAX_DEPTH): a chain of
        `let`s or stages, each wrapping the last value in a record or list, can
        build one level at a time what no single expression may write, and the
        code that prints or writes such a value recurses once per level."""
        if depth(t) > MAX_DEPTH:
            self.fail(span, f"{what} is nested too deeply (more than {MAX_DEPTH} levels)", hint)

    def type_error(self, span: Span, message: str, hint: str | None, *types: Type) -> NoReturn:
        tentative = any(has_var(t) for t in types)
        raise CompileError([Diagnostic(self.source, span, message, hint, tentative)])

    # program -------------------------------------------------------------

    def check_program(self, program: S.Program) -> ir.Program:
        scope = Scope()
        main: S.Pipeline | None = None
        for stmt in program.statements:
            match stmt:
                case S.Let():
                    self.check_let(stmt, scope)
                case S.TypeDecl():
                    declared = self.resolve_type(stmt.type, scope)
                    self.check_depth(declared, stmt.type.span, f"type `{stmt.name}`",
                                     "a value may nest records, lists and `?` at most that deep")
                    scope.names[stmt.name] = TypeEntry(declared)
                case S.Pipeline():
                    main = stmt
        for name in self.overrides:
            if name not in self.used_overrides:
                if name in self.bindings:
                    raise UsageError(f"-v {name}: `{name}` is a {self.bindings[name]}, "
                                     f"not a value that can be set")
                raise UsageError(f"-v {name}: the program has no `let {name} = ...` to set")
        if main is None:
            return ir.Program(self.globals, [], StreamT(STR), None, self.bindings)
        return self.check_main(main, scope)

    def check_main(self, main: S.Pipeline, scope: Scope) -> ir.Program:
        first = main.stages[0]
        if isinstance(first, S.ExprStage) and len(main.stages) == 1 and not names_unknown(first.expr, scope):
            entry = self.callable_entry(first.expr, scope)
            if entry is None or isinstance(entry, (FuncEntry, LambdaEntry)) and not (
                    isinstance(entry, FuncEntry) and entry.uses_elem):
                value = self.check_expr(first.expr, scope, None)
                self.check_depth(value.type, first.expr.span, "the type of this value")
                return ir.Program(self.globals, [], value.type, value, self.bindings)
        stages, elem = self.check_pipeline(main.stages, scope, None, main=True)
        return ir.Program(self.globals, stages, StreamT(elem), None, self.bindings)

    def check_let(self, let: S.Let, scope: Scope) -> None:
        body = let.body
        single = body.stages[0] if len(body.stages) == 1 else None
        if single is not None and isinstance(single, S.ExprStage):
            expr = single.expr
            if let.params:
                scope.names[let.name] = FuncEntry(let.name, let.params, expr, scope)
                self.describe(let.name, scope, let.name_span)
                return
            entry = self.callable_entry(expr, scope)
            if isinstance(entry, (StageEntry, StreamEntry)) and not isinstance(expr, S.Apply):
                scope.names[let.name] = entry
                return
            if isinstance(entry, StageEntry) or isinstance(expr, S.Apply) and entry is not None \
                    and not isinstance(entry, (FuncEntry, LambdaEntry)):
                scope.names[let.name] = StageEntry(let.name, (), body, scope)
                self.describe(let.name, scope, let.name_span)
                return
            if isinstance(expr, S.Lambda):
                scope.names[let.name] = LambdaEntry(expr, scope)
                self.describe(let.name, scope, let.name_span)
                return
            if isinstance(entry, (FuncEntry, LambdaEntry)) and isinstance(expr, S.Var):
                scope.names[let.name] = entry
                return
            if mentions_elem(expr):
                scope.names[let.name] = FuncEntry(let.name, (), expr, scope, uses_elem=True)
                self.describe(let.name, scope, let.name_span)
                return
            self.bind_value(let, expr, scope)
            return
        first = body.stages[0]
        if is_source(first, scope):
            if let.params:
                self.fail(let.name_span, f"`{let.name}` is a stream and cannot take parameters")
            scope.names[let.name] = StreamEntry(let.name, body, scope)
            self.describe(let.name, scope, let.name_span)
            return
        scope.names[let.name] = StageEntry(let.name, let.params, body, scope)
        self.describe(let.name, scope, let.name_span)

    def bind_value(self, let: S.Let, expr: S.Expr, scope: Scope) -> None:
        value = self.check_expr(expr, scope, None)
        self.check_depth(value.type, expr.span, "the type of this value")
        if let.name in self.overrides:
            self.used_overrides.add(let.name)
            value = ir.Const(value.type, value.span,
                             convert_override(let.name, self.overrides[let.name], value.type))
        gid = next(self.ids)
        self.globals.append(ir.Global(gid, let.name, value.type, value, let.span))
        scope.names[let.name] = ValueEntry(ir.GlobalRef(value.type, let.name_span, gid))
        self.bindings[let.name] = show(value.type)

    def describe(self, name: str, scope: Scope, span: Span) -> None:
        """Check a function, stage or stream binding on its own, before any use, so
        that its errors are reported and the toplevel can show its type."""
        entry = scope.names[name]
        t = self.generic_type(entry)
        if t is not None:
            self.check_depth(t, span, f"the type of `{name}`")
        kind = {FuncEntry: "function", LambdaEntry: "function", StageEntry: "stage", StreamEntry: "stream"}
        self.bindings[name] = show(t) if t is not None else kind.get(type(entry), "value")

    def generic_type(self, entry: Entry) -> Type | None:
        saved = len(self.globals)
        try:
            return self._generic_type(entry)
        except CompileError as e:
            if all(d.tentative for d in e.diagnostics):
                return None
            raise
        finally:
            del self.globals[saved:]

    def _generic_type(self, entry: Entry) -> Type | None:
        match entry:
            case FuncEntry() | LambdaEntry():
                if isinstance(entry, FuncEntry):
                    names = [(p.name, p.type, p.span) for p in entry.params]
                    body, scope, uses_elem = entry.body, entry.scope, entry.uses_elem
                else:
                    names = [(n, None, entry.lam.span) for n in entry.lam.params]
                    body, scope, uses_elem = entry.lam.body, entry.scope, False
                inner, params = self.generic_params(names, scope)
                elem = TVar() if uses_elem else None
                result = self.check_expr(body, inner, elem)
                return FnT(tuple(([elem] if elem is not None else []) + params), result.type)
            case StageEntry():
                inner, params = self.generic_params([(p.name, p.type, p.span) for p in entry.params], entry.scope)
                elem = TVar()
                _, out = self.check_pipeline(entry.body.stages, inner, elem)
                stage = StageT(elem, out)
                return FnT(tuple(params), stage) if params else stage
            case StreamEntry():
                _, out = self.check_pipeline(entry.body.stages, entry.scope, None)
                return StreamT(out)
        return None

    def generic_params(self, names: list[tuple[str, S.TypeExpr | None, Span]], scope: Scope
                       ) -> tuple[Scope, list[Type]]:
        inner = scope.child()
        params: list[Type] = []
        for name, ann, span in names:
            t = TVar() if ann is None else self.resolve_type(ann, scope)
            params.append(t)
            inner.names[name] = ValueEntry(ir.LocalRef(t, span, next(self.ids)))
        return inner, params

    def callable_entry(self, expr: S.Expr, scope: Scope) -> Entry | None:
        """The binding an expression names when it is a (possibly applied) name."""
        if isinstance(expr, S.Var):
            return scope.lookup(expr.name)
        if isinstance(expr, S.Apply) and isinstance(expr.fn, S.Var):
            return scope.lookup(expr.fn.name)
        if isinstance(expr, S.Call):
            e = scope.lookup(expr.name)
            return e if isinstance(e, StageEntry) else None
        if isinstance(expr, S.Lambda):
            return LambdaEntry(expr, scope)
        return None

    # pipelines -----------------------------------------------------------

    def check_pipeline(self, stages: tuple[S.Stage, ...], scope: Scope, elem: Type | None,
                       main: bool = False) -> tuple[list[ir.Stage], Type]:
        out: list[ir.Stage] = []
        rest = list(stages)
        if elem is None:
            if rest and is_source(rest[0], scope):
                src_stages, elem = self.check_source(rest.pop(0), scope)
                out.extend(src_stages)
            elif main:
                span = stages[0].span
                out.append(ir.ReadInput(ir.StageInfo("input", Span(span.start, span.start), STR, STR)))
                elem = STR
            else:
                self.fail(stages[0].span, "a stream must start with a source (`lines \"PATH\"` or `stdin`)")
        assert elem is not None
        for i, stage in enumerate(rest):
            self.on_input = main and i == 0 and len(out) == 1 and isinstance(out[0], ir.ReadInput) \
                and out[0].path is None
            if isinstance(stage, S.JoinStage) and not (len(out) == 1 and isinstance(out[0], ir.ReadInput)):
                self.fail(stage.span, "`join` works on input lines: it must come right after the input",
                          "put it first: `join r\"^\\s\" | ...`")
            if is_source(stage, scope):
                self.fail(stage.span, "a source can only start a pipeline",
                          "to read more files, name them on the command line")
            if out and isinstance(out[-1], ir.Write) and out[-1].format == "table":
                self.fail(stage.span, "`table` must be the last stage")
            new, elem = self.check_stage(stage, scope, elem)
            self.check_depth(elem, stage.span, "the type of this stage's elements")
            out.extend(new)
        return out, elem

    def check_source(self, stage: S.Stage, scope: Scope) -> tuple[list[ir.Stage], Type]:
        match stage:
            case S.SimpleStage(name="stdin"):
                dash = ir.Const(STR, stage.span, "-")
                return [ir.ReadInput(ir.StageInfo("stdin", stage.span, STR, STR), dash)], STR
            case S.LinesStage():
                path = self.expect(self.check_expr(stage.path, scope, None), STR, "a path")
                return [ir.ReadInput(ir.StageInfo("lines", stage.span, STR, STR), path)], STR
            case S.ExprStage():
                entry = self.callable_entry(stage.expr, scope)
                assert isinstance(entry, StreamEntry)
                return self.check_pipeline(entry.body.stages, entry.scope, None)
        raise AssertionError(stage)

    def info(self, stage: S.Stage, name: str, inp: Type, out: Type) -> ir.StageInfo:
        return ir.StageInfo(name, stage.span, inp, out)

    def check_stage(self, stage: S.Stage, scope: Scope, elem: Type) -> tuple[list[ir.Stage], Type]:
        match stage:
            case S.MapStage():
                e = self.check_elem_expr(stage.expr, scope, elem)
                return [ir.Map(self.info(stage, "map", elem, e.type), e)], e.type
            case S.WhereStage():
                e = self.check_elem_expr(stage.expr, scope, elem)
                if strip(e.type) not in (BOOL, DYN) and not isinstance(e.type, TVar) and e.type != NULL:
                    self.type_error(e.span, f"`where` needs a bool, but this is {show(e.type)}",
                                    "compare it: `where EXPR == value`, or test `!= null`", e.type)
                return [ir.Where(self.info(stage, "where", elem, elem), e)], elem
            case S.SelectStage():
                fields = self.check_items(stage.items, scope, elem)
                t = Record(tuple((n, e.type) for n, e in fields))
                return [ir.Map(self.info(stage, "select", elem, t), ir.MakeRecord(t, stage.span, tuple(fields)))], t
            case S.DeriveStage():
                return self.check_derive(stage, scope, elem)
            case S.TakeStage():
                n = self.once(stage.kind, self.expect(self.check_expr(stage.count, scope, None), INT, "a count"))
                return [ir.Limit(self.info(stage, stage.kind, elem, elem), stage.kind, n)], elem
            case S.SortStage():
                keys = tuple(self.check_sort_key(k, scope, elem, False) for k in stage.keys)
                return [ir.Sort(self.info(stage, "sort", elem, elem), keys)], elem
            case S.TopStage():
                n = self.once("top", self.expect(self.check_expr(stage.count, scope, None), INT, "a count"))
                key = self.check_sort_key(stage.key, scope, elem, True)
                return [ir.Top(self.info(stage, "top", elem, elem), n, key)], elem
            case S.UniqStage():
                by = None if stage.key is None else self.check_elem_expr(stage.key, scope, elem)
                name = "distinct" if stage.distinct else "uniq"
                return [ir.Uniq(self.info(stage, name, elem, elem), by, stage.distinct)], elem
            case S.CountStage():
                return self.check_count(stage, scope, elem)
            case S.SummarizeStage():
                return self.check_summarize(stage, scope, elem)
            case S.FoldStage():
                return self.check_fold(stage, scope, elem)
            case S.SimpleStage():
                return self.check_simple(stage, elem)
            case S.SplitStage():
                return self.check_split(stage, scope, elem)
            case S.ParseStage():
                return self.check_parse(stage, scope, elem)
            case S.PatternStage():
                return self.check_pattern(stage, scope, elem)
            case S.ExtractStage():
                return self.check_extract(stage, scope, elem)
            case S.ExprStage():
                return self.check_user_stage(stage, scope, elem)
            case S.ChartStage():
                return self.check_chart(stage, scope, elem)
            case S.WriteStage():
                return self.check_write(stage, elem)
            case S.HistStage():
                when = self.expect(self.check_elem_expr(stage.time, scope, elem), TIME, "a time")
                size = self.expect(self.check_expr(stage.bucket, scope, None), DURATION, "a bucket size")
                return [ir.Chart(self.info(stage, "hist", elem, STR), "hist", None, when, size)], STR
            case S.JoinStage():
                self.expect_str_input(stage, "join", elem)
                self.compile_regex(stage.regex, stage.regex_span)
                return [ir.JoinLines(self.info(stage, "join", elem, STR), stage.regex)], STR
            case S.LinesStage():
                self.fail(stage.span, "a source can only start a pipeline")
        raise AssertionError(stage)

    def expect_str_input(self, stage: S.Stage, name: str, elem: Type) -> None:
        bind(elem, STR)
        if strip(elem) not in (STR, DYN) and not isinstance(elem, TVar):
            self.type_error(stage.span, f"`{name}` reads lines (str), but its input is {show(elem)}",
                            None, elem)

    def check_simple(self, stage: S.SimpleStage, elem: Type) -> tuple[list[ir.Stage], Type]:
        name = stage.name
        if name == "enumerate":
            t = Record((("i", INT), ("value", elem)))
            return [ir.Enumerate(self.info(stage, name, elem, t))], t
        if name == "flatten":
            inner = strip(elem)
            if isinstance(inner, ListT):
                out = inner.elem
            elif inner in (DYN,) or isinstance(inner, TVar):
                out = inner
            else:
                self.type_error(stage.span, f"`flatten` needs a stream of lists, but its input is {show(elem)}",
                                "`split` or `words` make lists", elem)
            return [ir.Flatten(self.info(stage, name, elem, out))], out
        if name in ("csv", "tsv", "json", "table"):
            return [ir.Write(self.info(stage, name, elem, STR), name)], STR
        self.fail(stage.span, "`stdin` is a source and can only start a pipeline")

    def check_write(self, stage: S.WriteStage, elem: Type) -> tuple[list[ir.Stage], Type]:
        rec = strip(elem)
        if not isinstance(rec, Record):
            self.type_error(stage.span, f"`write` names files after fields, but its input is {show(elem)}",
                            "make records first: `select day = date(.time), ...`", elem)
        parts: list[str | int] = []
        pos = 0
        for m in re.finditer(r"\{([^{}]*)\}", stage.template):
            parts.append(stage.template[pos:m.start()])
            pos = m.end()
            i = rec.index(m.group(1))
            if i is None:
                at = Span(stage.template_span.start + 1 + m.start(), stage.template_span.start + 1 + m.end())
                hint = did_you_mean(m.group(1), rec.names, "`{{{}}}`")
                self.fail(at, f"no field `{m.group(1)}` to name files by",
                          hint or "fields: " + ", ".join(rec.names))
            parts.append(i)
        parts.append(stage.template[pos:])
        if not any(isinstance(p, int) for p in parts):
            self.fail(stage.template_span, "the file name needs a `{field}`",
                      'one file per key: `write "out/{day}.csv"`')
        ext = stage.template.rsplit(".", 1)[-1].lower() if "." in stage.template else ""
        fmt = {"csv": "csv", "tsv": "tsv", "json": "json", "jsonl": "json", "ndjson": "json"}.get(ext, "plain")
        template = tuple(p for p in parts if p != "")
        return [ir.WriteFiles(self.info(stage, "write", elem, STR), template, fmt)], STR

    def check_chart(self, stage: S.ChartStage, scope: Scope, elem: Type) -> tuple[list[ir.Stage], Type]:
        """The value is `by EXPR`, or the record's last number; the label, its other fields."""
        rec = strip(elem)
        value: ir.Expr | None = None
        if stage.value is not None:
            value = self.check_elem_expr(stage.value, scope, elem)
        elif isinstance(rec, Record):
            numeric = [(i, n, t) for i, (n, t) in enumerate(rec.fields) if strip(t) in NUMERIC]
            if numeric:
                i, n, t = numeric[-1]
                value = ir.GetField(t, stage.span, ir.ElemRef(elem, stage.span), n, i)
        elif rec in NUMERIC:
            value = ir.ElemRef(elem, stage.span)
        if value is None:
            self.type_error(stage.span, f"`{stage.kind}` draws numbers, and {show(elem)} has none",
                            "say which: `chart by .count`", elem)
        if strip(value.type) not in NUMERIC and strip(value.type) != DYN and not isinstance(value.type, TVar):
            self.type_error(value.span, f"`{stage.kind}` draws numbers, not {show(value.type)}", None, value.type)
        label: ir.Expr | None = None
        if isinstance(rec, Record):
            parts: list[str | ir.Expr] = []
            for i, (n, t) in enumerate(rec.fields):
                if isinstance(value, ir.GetField) and value.index == i and isinstance(value.obj, ir.ElemRef):
                    continue
                if parts:
                    parts.append(" ")
                parts.append(ir.GetField(t, stage.span, ir.ElemRef(elem, stage.span), n, i))
            label = ir.Format(STR, stage.span, tuple(parts))
        return [ir.Chart(self.info(stage, stage.kind, elem, STR), stage.kind, label, value)], STR

    def check_derive(self, stage: S.DeriveStage, scope: Scope, elem: Type) -> tuple[list[ir.Stage], Type]:
        rec = strip(elem)
        if rec == DYN:
            # A schema-less record (`parse json`) stays one, with the fields added at run time.
            items = tuple(self.check_items(stage.items, scope, elem))
            value = ir.DeriveDyn(DYN, stage.span, ir.ElemRef(elem, stage.span), items)
            return [ir.Map(self.info(stage, "derive", elem, DYN), value)], DYN
        if not isinstance(rec, Record):
            self.type_error(stage.span, f"`derive` adds fields to a record, but its input is {show(elem)}",
                            "use `select` or `map` to make a record", elem)
        new = self.check_items(stage.items, scope, elem)
        fields: list[tuple[str, ir.Expr]] = [
            (n, ir.GetField(t, stage.span, ir.ElemRef(elem, stage.span), n, i))
            for i, (n, t) in enumerate(rec.fields)]
        for n, e in new:
            idx = next((i for i, (m, _) in enumerate(fields) if m == n), None)
            if idx is None:
                fields.append((n, e))
            else:
                fields[idx] = (n, e)
        t = Record(tuple((n, e.type) for n, e in fields))
        return [ir.Map(self.info(stage, "derive", elem, t), ir.MakeRecord(t, stage.span, tuple(fields)))], t

    def check_items(self, items: tuple[S.Item, ...], scope: Scope, elem: Type | None
                    ) -> list[tuple[str, ir.Expr]]:
        out: list[tuple[str, ir.Expr]] = []
        seen: dict[str, Span] = {}
        for item in items:
            name = self.item_name(item)
            span = item.name_span or item.span
            if name in seen:
                self.fail(span, f"two items are named `{name}`", "name one of them: `other = ...`")
            seen[name] = span
            out.append((name, self.check_elem_expr(item.expr, scope, elem)))
        return out

    def item_name(self, item: S.Item) -> str:
        if item.name is not None:
            return item.name
        if isinstance(item.expr, (S.Field, S.Attr)):
            return item.expr.name
        self.fail(item.span, "this item needs a name",
                  "only a field path names itself; write `name = ...`")

    def check_sort_key(self, key: S.SortKey, scope: Scope, elem: Type, default_desc: bool) -> ir.SortKeyIR:
        e = self.check_elem_expr(key.expr, scope, elem)
        t = strip(e.type)
        if t not in ORDERED and t not in (DYN, NULL) and not isinstance(t, TVar):
            self.type_error(e.span, f"cannot sort by {show(e.type)}", "sort by a number, string or time",
                            e.type)
        return ir.SortKeyIR(e, default_desc if key.desc is None else key.desc)

    def check_count(self, stage: S.CountStage, scope: Scope, elem: Type) -> tuple[list[ir.Stage], Type]:
        agg = ir.Aggregate(next(self.ids), "count", None, None, INT, stage.span)
        output = (("count", ir.LocalRef(INT, stage.span, agg.id)),)
        if not stage.keys:
            return [ir.Summarize(self.info(stage, "count", elem, INT), (), (agg,), output, scalar=True)], INT
        keys = self.check_items(stage.keys, scope, elem)
        for item, (name, _) in zip(stage.keys, keys):
            if name == "count":
                self.fail(item.span, "a key of `count by` cannot be named `count`",
                          "the count is its own field `count`; name the key: `key = ...`")
        t = Record(tuple((n, e.type) for n, e in keys) + (("count", INT),))
        return [ir.Summarize(self.info(stage, "count", elem, t), tuple(keys), (agg,), output)], t

    def check_summarize(self, stage: S.SummarizeStage, scope: Scope, elem: Type
                        ) -> tuple[list[ir.Stage], Type]:
        keys = self.check_items(stage.keys, scope, elem)
        grouped = bool(keys)
        seen = {n: k.span for (n, _), k in zip(keys, stage.keys)}
        aggs: list[ir.Aggregate] = []
        outputs: list[tuple[str, ir.Expr]] = []
        for item in stage.aggs:
            name, value = self.check_aggregate_item(item, scope, elem, grouped, aggs)
            if name in seen:
                self.fail(item.name_span or item.span, f"two items are named `{name}`",
                          "name one of them: `other = ...`")
            seen[name] = item.span
            outputs.append((name, value))
        t = Record(tuple((n, e.type) for n, e in keys) + tuple((n, e.type) for n, e in outputs))
        return [ir.Summarize(self.info(stage, "summarize", elem, t), tuple(keys), tuple(aggs),
                             tuple(outputs))], t

    def check_aggregate_item(self, item: S.Item, scope: Scope, elem: Type, grouped: bool,
                             aggs: list[ir.Aggregate]) -> tuple[str, ir.Expr]:
        """An item of `summarize`: an aggregate, or an expression over aggregates."""
        if is_aggregate_call(item.expr):
            agg = self.check_aggregate(item.expr, scope, elem, grouped)  # type: ignore[arg-type]
            aggs.append(agg)
            name = item.name or item.expr.name  # type: ignore[union-attr]
            return name, ir.LocalRef(agg.type, item.span, agg.id)
        inner = scope.child()
        found: list[ir.Aggregate] = []

        def lift(node: object) -> object:
            if is_aggregate_call(node):
                agg = self.check_aggregate(node, scope, elem, grouped)  # type: ignore[arg-type]
                found.append(agg)
                var = f" agg{agg.id}"  # a name no program can write
                inner.names[var] = ValueEntry(ir.LocalRef(agg.type, node.span, agg.id))  # type: ignore[attr-defined]
                return S.Var(node.span, var)  # type: ignore[attr-defined]
            if isinstance(node, S.Lambda):
                return node
            if isinstance(node, tuple):
                return tuple(lift(x) for x in node)
            if hasattr(node, "__dataclass_fields__") and not isinstance(node, Span):
                rebuilt: Any = node
                return replace(rebuilt, **{f: lift(getattr(node, f)) for f in node.__dataclass_fields__
                                           if f != "span"})
            return node

        lifted = lift(item.expr)
        if not found:
            hint = None
            if isinstance(item.expr, S.Call):
                hint = did_you_mean(item.expr.name, AGGREGATES)
            self.fail(item.expr.span, "`summarize` takes aggregates like `count()`, `sum(.x)`, `avg(.x)`",
                      hint or "aggregates: " + ", ".join(AGGREGATES))
        if item.name is None:
            self.fail(item.span, "this item needs a name", "write `name = ...`")
        aggs.extend(found)
        try:
            value = self.check_expr(lifted, inner, None)  # type: ignore[arg-type]
        except CompileError as e:
            d = e.diagnostics[0]
            if "only defined inside a stage" in d.message:
                self.fail(d.span, "outside its aggregates, a `summarize` item can use only aggregates",
                          "put the field inside one: `sum(.a) / sum(.b)`")
            raise
        return item.name, value

    def check_aggregate(self, call: S.Call, scope: Scope, elem: Type, grouped: bool) -> ir.Aggregate:
        fn = call.name
        arity = AGGREGATES[fn].arity
        if len(call.args) != arity:
            self.fail(call.span, f"`{fn}` takes {arity} argument{'s' if arity != 1 else ''}, "
                                 f"got {len(call.args)}")
        agg_id = next(self.ids)
        if fn == "count":
            return ir.Aggregate(agg_id, fn, None, None, INT, call.span)
        arg = self.check_elem_expr(call.args[0], scope, elem)
        param = None
        if fn == "percentile":
            param = self.expect(self.check_expr(call.args[1], scope, None), FLOAT, "a percentile (0-100)")
        elif fn in PERCENTILE_SHORTHANDS:
            param = ir.Const(INT, call.span, PERCENTILE_SHORTHANDS[fn])
            fn = "percentile"
        t = self.aggregate_type(fn, arg, grouped)
        return ir.Aggregate(agg_id, fn, arg, param, t, call.span)

    def aggregate_type(self, fn: str, arg: ir.Expr, grouped: bool) -> Type:
        at = arg.type
        base = strip(at)
        maybe_empty = nullable(at) or not grouped

        def opt(t: Type) -> Type:
            return optional(t) if maybe_empty else t

        if fn in ("sum", "avg", "stddev", "percentile"):
            allowed = NUMERIC + ((DURATION,) if fn in ("sum", "avg") else ())
            if base not in allowed and base != DYN and not isinstance(base, TVar):
                self.type_error(arg.span, f"`{fn}` needs numbers, but this is {show(at)}",
                                _to_number_hint(base), at)
        if fn in ("min", "max") and base not in ORDERED and base != DYN and not isinstance(base, TVar):
            self.type_error(arg.span, f"`{fn}` needs values that can be ordered, not {show(at)}", None, at)
        match fn:
            case "sum" | "min" | "max":
                return opt(base)
            case "avg":
                return opt(DURATION if base == DURATION else FLOAT)
            case "stddev":
                return Opt(FLOAT)
            case "percentile":
                return opt(FLOAT)
            case "first" | "last":
                return at if nullable(at) else opt(at)
            case "count_distinct":
                return INT
            case "list":
                return ListT(at)
        raise AssertionError(fn)

    def check_fold(self, stage: S.FoldStage, scope: Scope, elem: Type) -> tuple[list[ir.Stage], Type]:
        init = self.check_expr(stage.init, scope, None)
        params, body, fscope = self.lambda_parts(stage.fn, scope, 2, "fold's function")
        acc_t = init.type
        for _ in range(2):
            acc_id, item_id = next(self.ids), next(self.ids)
            inner = fscope.child()
            inner.names[params[0]] = ValueEntry(ir.LocalRef(acc_t, stage.span, acc_id))
            inner.names[params[1]] = ValueEntry(ir.LocalRef(elem, stage.span, item_id))
            result = self.check_expr(body, inner, None)
            joined = join(acc_t, result.type)
            if joined is None:
                self.type_error(result.span, f"the fold starts with {show(acc_t)} but its function "
                                             f"returns {show(result.type)}", None, acc_t, result.type)
            if joined == acc_t:
                break
            acc_t = joined
        return [ir.Fold(self.info(stage, "fold", elem, acc_t), init, acc_id, item_id, result)], acc_t

    def lambda_parts(self, fn: S.Expr, scope: Scope, arity: int, what: str
                     ) -> tuple[tuple[str, ...], S.Expr, Scope]:
        entry = self.callable_entry(fn, scope) if isinstance(fn, (S.Var, S.Lambda)) else None
        if isinstance(entry, LambdaEntry):
            params, body, fscope = entry.lam.params, entry.lam.body, entry.scope
        elif isinstance(entry, FuncEntry) and not entry.uses_elem:
            params, body, fscope = tuple(p.name for p in entry.params), entry.body, entry.scope
        else:
            self.fail(fn.span, f"{what} must be a function", "write `(fun acc x -> ...)`")
        if len(params) != arity:
            self.fail(fn.span, f"{what} takes {arity} parameters, this one takes {len(params)}")
        return params, body, fscope

    def check_user_stage(self, stage: S.ExprStage, scope: Scope, elem: Type) -> tuple[list[ir.Stage], Type]:
        expr = stage.expr
        entry = self.callable_entry(expr, scope)
        head = expr.fn if isinstance(expr, S.Apply) else expr
        name = head.name if isinstance(head, (S.Var, S.Call)) else None
        if isinstance(entry, StageEntry):
            args = expr.args if isinstance(expr, (S.Apply, S.Call)) else ()
            if len(args) != len(entry.params):
                self.fail(expr.span, f"stage `{entry.name}` takes {len(entry.params)} argument"
                                     f"{'s' if len(entry.params) != 1 else ''}, got {len(args)}")
            inner = entry.scope.child()
            given: list[str] = []
            for param, arg in zip(entry.params, args):
                given += self.bind_stage_arg(param, arg, scope, inner)
            try:
                return self.check_pipeline(entry.body.stages, inner, elem)
            except CompileError as e:
                where = f", where {', '.join(given)}" if given else ""
                raise self.noted(e, expr.span, f"in this use of `{entry.name}` on elements of type {show(elem)}"
                                               + where) from None
        if entry is None and name is not None:
            known = list(STAGES) + scope.all_names()
            hint = did_you_mean(name, known)
            self.fail(head.span, f"unknown stage `{name}`", hint or "stages: " + ", ".join(STAGES))
        first = leading_var(expr) if name is None else None
        if first is not None and scope.lookup(first.name) is None and first.name not in FUNCTIONS:
            # `were .status == 404`: a misspelt stage, read as an expression that starts with a name.
            hint = did_you_mean(first.name, STAGES)
            if hint is not None:
                self.fail(first.span, f"unknown stage `{first.name}`", hint)
        what = "a function" if isinstance(entry, (FuncEntry, LambdaEntry)) else "a value"
        hint = f"use it in a stage: `map {name}`" if name and what == "a function" else None
        self.fail(expr.span, f"expected a stage, but {'`' + name + '`' if name else 'this'} is {what}", hint)

    def bind_stage_arg(self, param: S.Param, arg: S.Expr, caller: Scope, inner: Scope) -> list[str]:
        """Bind a user stage's parameter; returns `name: type` for a value, for notes."""
        entry = self.callable_entry(arg, caller) if isinstance(arg, (S.Var, S.Lambda)) else None
        if isinstance(entry, (FuncEntry, LambdaEntry, StageEntry)):
            inner.names[param.name] = entry
            return []
        value = self.check_expr(arg, caller, None)
        if param.type is not None:
            value = self.expect(value, self.resolve_type(param.type, caller), f"`{param.name}`")
        gid = next(self.ids)
        self.globals.append(ir.Global(gid, param.name, value.type, value, arg.span))
        inner.names[param.name] = ValueEntry(ir.GlobalRef(value.type, arg.span, gid))
        return [f"{param.name}: {show(value.type)}"]

    def once(self, name: str, value: ir.Expr) -> ir.Expr:
        """A stage's argument, computed once before any input like a `let`, so that
        a failure is one error at the argument, not a rejection of every element."""
        if isinstance(value, (ir.Const, ir.GlobalRef)):
            return value
        gid = next(self.ids)
        self.globals.append(ir.Global(gid, name, value.type, value, value.span))
        return ir.GlobalRef(value.type, value.span, gid)

    # line parsers ----------------------------------------------------------

    def check_split(self, stage: S.SplitStage, scope: Scope, elem: Type) -> tuple[list[ir.Stage], Type]:
        name = "words" if stage.sep is None else "split"
        self.expect_str_input(stage, name, elem)
        sep = None
        if stage.sep is not None:
            sep = self.expect(self.check_expr(stage.sep, scope, None), STR, "a separator")
            if isinstance(sep, ir.Const) and sep.value == "":
                self.fail(stage.sep.span, "the separator cannot be empty", "to split into characters: "
                                                                           "`map matches(_, r\".\")`")
        schema = None if stage.schema is None else self.schema(stage.schema, scope)
        out: Type = schema if schema is not None else ListT(STR)
        return [ir.SplitFields(self.info(stage, name, elem, out), sep, schema)], out

    def schema(self, texpr: S.TypeExpr, scope: Scope) -> Record:
        t = self.resolve_type(texpr, scope)
        if not isinstance(t, Record):
            self.fail(texpr.span, f"a schema is a record type like `{{a: str, n: int}}`, not {show(t)}")
        for (fname, ftype), (_, fspan, _) in zip(t.fields, getattr(texpr, "fields", ())):
            self.check_field_type(ftype, fspan, fname)
        return t

    def check_field_type(self, t: Type, span: Span, name: str) -> None:
        if strip(t) not in SCHEMA_TYPES:
            self.fail(span, f"field `{name}`: a line's field can be read as "
                            f"str, int, float, bool, time or duration (or one of them with `?`), "
                            f"not {show(t)}")

    def check_parse(self, stage: S.ParseStage, scope: Scope, elem: Type) -> tuple[list[ir.Stage], Type]:
        self.expect_str_input(stage, "parse", elem)
        fmt = stage.format
        if fmt in regex_formats.FORMATS:
            if stage.schema is not None:
                self.fail(stage.schema.span, f"the `{fmt}` format has a fixed schema",
                          "pick fields with `select` after it")
            spec = regex_formats.FORMATS[fmt]
            schema = Record(tuple((n, parse_type_name(t)) for n, t in FORMATS[fmt].fields))
            return [ir.ParseRegex(self.info(stage, "parse " + fmt, elem, schema), spec.regex,
                                  spec.groups, schema, search=False, format=fmt, fast=spec.fast)], schema
        if fmt == "syslog":
            if stage.schema is not None:
                self.fail(stage.schema.span, "the `syslog` format has a fixed schema",
                          "pick fields with `select` after it")
            schema = Record(tuple((n, parse_type_name(t)) for n, t in FORMATS[fmt].fields))
            return [ir.ParseFormat(self.info(stage, "parse syslog", elem, schema), fmt, schema)], schema
        if fmt in ("json", "logfmt", "csv", "tsv"):
            given = None if stage.schema is None else self.schema(stage.schema, scope)
            if given is None and fmt in ("csv", "tsv") and self.on_input:
                given = self.header_schema(fmt)
            out: Type = given if given is not None else DYN
            return [ir.ParseFormat(self.info(stage, "parse " + fmt, elem, out), fmt, given)], out
        known = list(FORMATS)
        hint = did_you_mean(fmt, known)
        self.fail(stage.format_span, f"unknown format `{fmt}`", hint or "formats: " + ", ".join(known))

    def header_schema(self, fmt: str) -> Record | None:
        """The fields of every input file's CSV/TSV header, as `dyn` values, in the order
        first seen; None (schema-less) unless every input's header is known and usable."""
        if not self.hints.complete:
            return None
        names: dict[str, None] = {}
        for line in self.hints.headers:
            if line is None:
                continue  # an empty or unreadable file: no rows, nothing to name
            fields = header_names(fmt, line)
            if fields is None:
                return None
            names.update(dict.fromkeys(fields))
        if not names:
            return None
        return Record(tuple((n, DYN) for n in names))

    def check_pattern(self, stage: S.PatternStage, scope: Scope, elem: Type) -> tuple[list[ir.Stage], Type]:
        self.expect_str_input(stage, "parse", elem)
        literals = stage.pattern.split("*")
        if len(literals) - 1 != len(stage.fields):
            n = len(stage.fields)
            self.fail(stage.pattern_span, f"the pattern has {len(literals) - 1} `*` but "
                                          f"{n} name{'s follow' if n != 1 else ' follows'} `as`",
                      "name each `*` in order: `as a, b:int, ...`")
        fields: list[tuple[str, Type]] = []
        seen: set[str] = set()
        for f in stage.fields:
            if f.name in seen:
                self.fail(f.span, f"two fields are named `{f.name}`")
            seen.add(f.name)
            t = STR if f.type is None else self.resolve_type(f.type, scope)
            self.check_field_type(t, f.span, f.name)
            fields.append((f.name, t))
        regex = pattern_regex(literals)
        schema = Record(tuple(fields))
        groups = tuple(range(1, len(fields) + 1))
        return [ir.ParseRegex(self.info(stage, "parse", elem, schema), regex, groups, schema,
                              search=False)], schema

    def check_extract(self, stage: S.ExtractStage, scope: Scope, elem: Type) -> tuple[list[ir.Stage], Type]:
        self.expect_str_input(stage, "extract", elem)
        rx = self.compile_regex(stage.regex, stage.regex_span)
        names = sorted(rx.groupindex, key=lambda n: rx.groupindex[n])
        given = None if stage.schema is None else self.schema(stage.schema, scope)
        if given is not None:
            for n, _ in given.fields:
                if n not in rx.groupindex:
                    hint = did_you_mean(n, names)
                    self.fail(stage.schema.span, f"the regex has no group named `{n}`",  # type: ignore[union-attr]
                              hint or "name a group with (?P<name>...)")
        if names:
            types = dict(given.fields) if given else {}
            schema = Record(tuple((n, types.get(n, STR)) for n in names))
            out: Type = schema
            groups: tuple[str | int, ...] = tuple(names)
        elif given is not None:
            self.fail(stage.regex_span, "`as` needs named groups in the regex", "(?P<name>...)")
        elif rx.groups:
            out, schema, groups = ListT(STR), Record(()), tuple(range(1, rx.groups + 1))
        else:
            out, schema, groups = STR, Record(()), (0,)
        return [ir.ParseRegex(self.info(stage, "extract", elem, out), stage.regex, groups, schema,
                              search=True)], out

    def compile_regex(self, pattern: str, span: Span) -> re.Pattern[str]:
        try:
            return re.compile(pattern)
        except re.error as e:
            at = span
            if e.pos is not None and span.end - span.start >= len(pattern):
                start = span.end - 1 - len(pattern) + e.pos
                at = Span(start, start + 1)
            self.fail(at, f"this regex does not compile: {e.msg}")
        except RecursionError:
            # Python's regex parser recurses once or twice a group.
            self.fail(span, "this regex does not compile: its groups are nested too deeply")

    # types ---------------------------------------------------------------

    def resolve_type(self, t: S.TypeExpr, scope: Scope) -> Type:
        match t:
            case S.TName(name=name, args=()):
                if name in PRIMS:
                    return PRIMS[name]
                entry = scope.lookup(name)
                if isinstance(entry, TypeEntry):
                    return entry.type
                known = list(PRIMS) + [n for n, e in scope.names.items() if isinstance(e, TypeEntry)]
                self.fail(t.span, f"unknown type `{name}`", did_you_mean(name, known))
            case S.TName(name="stream", args=(a,)):
                return StreamT(self.resolve_type(a, scope))
            case S.TName(name="stage", args=(a, b)):
                return StageT(self.resolve_type(a, scope), self.resolve_type(b, scope))
            case S.TName():
                self.fail(t.span, f"unknown type `{t.name}<...>`", "generic types: stream<T>, stage<A, B>")
            case S.TList(elem=e):
                return ListT(self.resolve_type(e, scope))
            case S.TOpt(inner=i):
                return optional(self.resolve_type(i, scope))
            case S.TFn(param=p, result=r):
                return FnT((self.resolve_type(p, scope),), self.resolve_type(r, scope))
            case S.TRecord(fields=fs):
                seen: set[str] = set()
                out = []
                for name, span, ft in fs:
                    if name in seen:
                        self.fail(span, f"two fields are named `{name}`")
                    seen.add(name)
                    out.append((name, self.resolve_type(ft, scope)))
                return Record(tuple(out))
        raise AssertionError(t)

    def expect(self, e: ir.Expr, want: Type, what: str) -> ir.Expr:
        t = e.type
        bind(t, want)
        if t == want or isinstance(t, TVar):
            return e
        if want == FLOAT and t == INT:
            return e
        if t == DYN:
            return ir.Convert(want, e.span, e)
        if join(t, want) == want:
            return e  # an `int` or a `null` where an `int?` is wanted, a `[int]` for a `[int?]`
        self.type_error(e.span, f"expected {what} of type {show(want)}, but this is {show(t)}", None, t)

    # expressions -----------------------------------------------------------

    def check_elem_expr(self, e: S.Expr, scope: Scope, elem: Type | None) -> ir.Expr:
        """An expression in a stage: a function value given here is applied to `_`."""
        if isinstance(e, (S.Var, S.Lambda)):
            entry = self.callable_entry(e, scope)
            if isinstance(entry, (FuncEntry, LambdaEntry)) and not (
                    isinstance(entry, FuncEntry) and entry.uses_elem):
                if elem is None:
                    self.fail(e.span, "there is no element here to apply this function to")
                return self.apply_entry(entry, [ir.ElemRef(elem, e.span)], e.span, scope, elem)
            if isinstance(e, S.Var) and entry is None and self.function(e.name) is not None and elem is not None:
                # `map lower` is `map lower(_)`, as `map ext` is for a function bound by `let`.
                return self.check_expr(S.Call(e.span, e.name, e.span, (S.Elem(e.span),)), scope, elem)
        return self.check_expr(e, scope, elem)

    def check_expr(self, e: S.Expr, scope: Scope, elem: Type | None) -> ir.Expr:
        from .check_expr import check_expr
        return check_expr(self, e, scope, elem)

    def apply_entry(self, entry: Entry, args: list[ir.Expr], span: Span, scope: Scope,
                    elem: Type | None) -> ir.Expr:
        from .check_expr import apply_entry
        return apply_entry(self, entry, args, span, scope, elem)

    def function(self, name: str) -> Function | None:
        return FUNCTIONS.get(name)


# helpers -------------------------------------------------------------------

def is_source(stage: S.Stage, scope: Scope) -> bool:
    if isinstance(stage, S.LinesStage) or isinstance(stage, S.SimpleStage) and stage.name == "stdin":
        return True
    if isinstance(stage, S.ExprStage) and isinstance(stage.expr, S.Var):
        return isinstance(scope.lookup(stage.expr.name), StreamEntry)
    return False


def is_aggregate_call(node: object) -> bool:
    """`sum(.x)`, `count()`; but `min(a, b)` with two arguments is the function."""
    return (isinstance(node, S.Call) and node.name in AGGREGATES
            and not (node.name in ("min", "max") and len(node.args) != 1))


def names_unknown(e: S.Expr, scope: Scope) -> bool:
    """`tkae 3`: a name nothing defines, where a stage may stand."""
    head = e.fn if isinstance(e, S.Apply) else e
    return isinstance(head, S.Var) and scope.lookup(head.name) is None and head.name not in FUNCTIONS


def mentions_elem(e: object) -> bool:
    """Whether an expression uses `_` or `.field` (outside the lambdas in it)."""
    if isinstance(e, (S.Elem, S.Field)):
        return True
    if isinstance(e, S.Lambda):
        return False
    if isinstance(e, tuple):
        return any(mentions_elem(x) for x in e)
    if hasattr(e, "__dataclass_fields__"):
        return any(mentions_elem(getattr(e, f)) for f in e.__dataclass_fields__ if f != "span")
    return False


def parse_type_name(text: str) -> Type:
    opt = text.endswith("?")
    t = PRIMS[text.rstrip("?")]
    return optional(t) if opt else t


def pattern_regex(literals: list[str]) -> str:
    """`* - [*]` -> a regex where each `*` takes the shortest text up to the next literal.

    Atomic groups keep a `*` from growing once its literal has been found, as
    the pattern promises, and keep matching linear on hostile lines. A `*`
    takes newlines too (`(?s:...)`): after `join`, an element is several lines,
    and a final `*` takes the rest of it. That one is lazy, so that it leaves a
    line's own `\n` (read with the line, at the end) to the `\n?` after it.
    """
    parts = [re.escape(literals[0])]
    for i, lit in enumerate(literals[1:]):
        last = i == len(literals) - 2
        if last and lit == "":
            parts.append("((?s:.*?))")
        else:
            parts.append(f"(?>((?s:.*?)){re.escape(lit)})")
    return "".join(parts)


def convert_override(name: str, text: str, t: Type) -> object:
    from .runtime import convert
    try:
        return convert.from_text(text, t)
    except (ValueError, TypeError) as e:
        raise UsageError(f"-v {name}={text}: {e}") from None


def _to_number_hint(t: Type) -> str:
    # int() refuses a duration: a duration becomes a number by dividing it by a unit.
    if t == DURATION:
        return "divide by a unit to get a number, e.g. `(...) / 1ms`"
    return "convert with int(...) or float(...)"
