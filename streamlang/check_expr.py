"""Typing expressions: operators, calls, fields, and inlining user functions.

Split from checker.py, which handles statements and stages; both share the
`Checker` object (ids, globals, error reporting).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import ir
from . import syntax as S
from .errors import CompileError, Diagnostic, did_you_mean
from .prelude import AGGREGATES, FUNCTIONS, Function
from .source import Span
from .typesys import (
    BOOL,
    DURATION,
    DYN,
    FLOAT,
    INT,
    NULL,
    NUMERIC,
    ORDERED,
    STR,
    TIME,
    FnT,
    ListT,
    Opt,
    Record,
    TVar,
    Type,
    bind,
    has_var,
    join,
    nullable,
    optional,
    show,
    strip,
)

if TYPE_CHECKING:
    from .checker import Checker, Entry, Scope

LIT_TYPES = {"int": INT, "float": FLOAT, "str": STR, "bool": BOOL, "null": NULL, "duration": DURATION}
NO_CONVERSION_HINT = "there is no implicit conversion between strings and numbers: use str(x), int(s) or float(s)"


def check_expr(c: Checker, e: S.Expr, scope: Scope, elem: Type | None) -> ir.Expr:
    match e:
        case S.Lit():
            return ir.Const(LIT_TYPES[e.kind], e.span, e.value)
        case S.Elem():
            return ir.ElemRef(need_elem(c, e.span, elem, "`_`"), e.span)
        case S.Field():
            obj = ir.ElemRef(need_elem(c, e.span, elem, f"`.{e.name}`"), e.span)
            return get_field(c, obj, e.name, e.span)
        case S.Attr():
            return get_field(c, check_expr(c, e.obj, scope, elem), e.name, e.span)
        case S.Var():
            return check_var(c, e, scope, elem)
        case S.Call():
            return check_call(c, e, scope, elem)
        case S.Apply():
            return check_apply(c, e, scope, elem)
        case S.Index():
            return check_index(c, e, scope, elem)
        case S.Slice():
            return check_slice(c, e, scope, elem)
        case S.Unary():
            return check_unary(c, e, scope, elem)
        case S.Binary():
            return check_binary(c, e, scope, elem)
        case S.If():
            return check_if(c, e, scope, elem)
        case S.Lambda():
            c.fail(e.span, "a function can only be applied here",
                   "give it to a stage (`map (fun x -> ...)`) or bind it with `let`")
        case S.ListLit():
            items = [check_expr(c, i, scope, elem) for i in e.items]
            t: Type = TVar() if not items else items[0].type
            for item in items[1:]:
                joined = join(t, item.type)
                if joined is None:
                    c.type_error(item.span, f"list items must have one type: {show(t)} and {show(item.type)}",
                                 None, t, item.type)
                t = joined
            return ir.MakeList(ListT(t), e.span, tuple(items))
        case S.RecordLit():
            seen: set[str] = set()
            fields = []
            for name, span, value in e.fields:
                if name in seen:
                    c.fail(span, f"two fields are named `{name}`")
                seen.add(name)
                fields.append((name, check_expr(c, value, scope, elem)))
            rt = Record(tuple((n, v.type) for n, v in fields))
            return ir.MakeRecord(rt, e.span, tuple(fields))
        case S.FString():
            parts = tuple(p if isinstance(p, str) else check_expr(c, p, scope, elem) for p in e.parts)
            return ir.Format(STR, e.span, parts)
    raise AssertionError(e)


def need_elem(c: Checker, span: Span, elem: Type | None, what: str) -> Type:
    if elem is None:
        c.fail(span, f"{what} is only defined inside a stage, where it is the current element",
               "a function takes its input as a parameter: `let f x = ...`")
    return elem


def get_field(c: Checker, obj: ir.Expr, name: str, span: Span) -> ir.Expr:
    t = obj.type
    base = strip(t)
    if isinstance(base, Record):
        i = base.index(name)
        if i is None:
            hint = did_you_mean(name, base.names, "`.{}`")
            where = "the element" if isinstance(obj, ir.ElemRef) else show(base)
            c.fail(span, f"no field `{name}` in {where}",
                   hint or ("its fields: " + ", ".join(base.names) if base.names else "it has no fields"))
        ft = base.fields[i][1]
        return ir.GetField(optional(ft) if isinstance(t, Opt) else ft, span, obj, name, i)
    if base == DYN:
        return ir.GetDyn(DYN, span, obj, name)
    if isinstance(base, TVar):
        return ir.GetDyn(base.fields.setdefault(name, TVar()), span, obj, name)
    hint = "parse the line first: `split`, `words`, `parse` or `extract` make fields" if base == STR else None
    c.type_error(span, f"`.{name}`: a value of type {show(t)} has no fields", hint, t)


def check_var(c: Checker, e: S.Var, scope: Scope, elem: Type | None) -> ir.Expr:
    from .checker import FuncEntry, LambdaEntry, StageEntry, StreamEntry, ValueEntry
    entry = scope.lookup(e.name)
    match entry:
        case ValueEntry():
            ref = entry.ref
            if isinstance(ref, ir.GlobalRef):
                return ir.GlobalRef(ref.type, e.span, ref.id)
            assert isinstance(ref, ir.LocalRef)
            return ir.LocalRef(ref.type, e.span, ref.id)
        case FuncEntry() if entry.uses_elem:
            return apply_entry(c, entry, [], e.span, scope, elem)
        case FuncEntry() | LambdaEntry():
            c.fail(e.span, f"`{e.name}` is a function", f"call it: `{e.name}(...)`")
        case StageEntry() | StreamEntry():
            c.fail(e.span, f"`{e.name}` is a {'stage' if isinstance(entry, StageEntry) else 'stream'}",
                   "use it after `|`" if isinstance(entry, StageEntry) else "start a pipeline with it")
    from .prelude import STAGES
    if e.name in STAGES:
        c.fail(e.span, f"`{e.name}` is a stage, not a value", "a stage goes after `|`: `... | "
                                                              f"{e.name} ...`")
    fn = FUNCTIONS.get(e.name)
    if fn is not None:
        c.fail(e.span, f"`{e.name}` is a function: {fn.signature}",
               f"call it: `{e.name}(...)`; given alone to a stage (`map {e.name}`), it is applied to each element")
    known = scope.all_names() + list(FUNCTIONS)
    hint = did_you_mean(e.name, known)
    c.fail(e.span, f"unknown name `{e.name}`", hint or field_hint(e.name, elem))


def field_hint(name: str, elem: Type | None) -> str | None:
    rec = strip(elem) if elem is not None else None
    if isinstance(rec, Record) and name in rec.names:
        return f"a field of the element is written `.{name}`"
    return None


def check_call(c: Checker, e: S.Call, scope: Scope, elem: Type | None) -> ir.Expr:
    from .checker import FuncEntry, LambdaEntry, StageEntry, ValueEntry
    entry = scope.lookup(e.name)
    if isinstance(entry, (FuncEntry, LambdaEntry)):
        args = [check_arg(c, a, scope, elem) for a in e.args]
        return apply_entry(c, entry, args, e.span, scope, elem)
    if isinstance(entry, StageEntry):
        c.fail(e.name_span, f"`{e.name}` is a stage", "use it after `|`")
    if isinstance(entry, ValueEntry):
        t = entry.ref.type
        if isinstance(t, TVar):
            # A parameter checked before the function is applied: it may be a function.
            for a in e.args:
                check_expr(c, a, scope, elem)
            return ir.GetDyn(TVar(), e.span, entry.ref, e.name)
        c.fail(e.name_span, f"`{e.name}` is a value of type {show(t)}, not a function",
               "only functions are called with `(...)`")
    fn = FUNCTIONS.get(e.name)
    if fn is not None and not (e.name in ("min", "max") and len(e.args) == 1):
        return call_builtin(c, fn, e, [check_expr(c, a, scope, elem) for a in e.args])
    if e.name in AGGREGATES:
        c.fail(e.name_span, f"the aggregate `{e.name}` can only be used in `summarize`",
               f"`... | summarize {e.name}({'...' if AGGREGATES[e.name].arity else ''})`")
    known = scope.all_names() + list(FUNCTIONS)
    c.fail(e.name_span, f"unknown function `{e.name}`",
           did_you_mean(e.name, known) or did_you_mean(e.name, AGGREGATES))


def check_arg(c: Checker, a: S.Expr, scope: Scope, elem: Type | None) -> ir.Expr | Entry:
    """An argument to a user function: a value, or a function passed along."""
    from .checker import FuncEntry, LambdaEntry
    if isinstance(a, S.Lambda):
        return LambdaEntry(a, scope)
    if isinstance(a, S.Var):
        entry = scope.lookup(a.name)
        if isinstance(entry, (LambdaEntry, FuncEntry)) and not (isinstance(entry, FuncEntry) and entry.uses_elem):
            return entry
    return check_expr(c, a, scope, elem)


def check_apply(c: Checker, e: S.Apply, scope: Scope, elem: Type | None) -> ir.Expr:
    from .checker import FuncEntry, LambdaEntry, StageEntry
    if isinstance(e.fn, S.Var):
        entry = scope.lookup(e.fn.name)
        if isinstance(entry, (FuncEntry, LambdaEntry)):
            args = [check_arg(c, a, scope, elem) for a in e.args]
            return apply_entry(c, entry, args, e.span, scope, elem)
        if isinstance(entry, StageEntry):
            c.fail(e.span, f"`{e.fn.name}` is a stage", "use it after `|`")
        if entry is None and e.fn.name in FUNCTIONS:
            c.fail(e.span, f"call a function with parentheses right after its name: `{e.fn.name}(...)`")
        if entry is None:
            check_var(c, e.fn, scope, elem)
    fn = check_expr(c, e.fn, scope, elem)
    c.type_error(e.span, f"this is a value of type {show(fn.type)}, not a function",
                 "a function call is a name immediately followed by `(`", fn.type)


def apply_entry(c: Checker, entry: Entry, args: list, span: Span, scope: Scope,
                elem: Type | None) -> ir.Expr:
    """Inline a user function: its body, checked with these arguments' types."""
    from .checker import FuncEntry, LambdaEntry, ValueEntry
    if isinstance(entry, FuncEntry):
        names = tuple(p.name for p in entry.params)
        annotations = [p.type for p in entry.params]
        body, fscope = entry.body, entry.scope
        body_elem = elem if entry.uses_elem else None
    elif isinstance(entry, LambdaEntry):
        names, annotations = entry.lam.params, [None] * len(entry.lam.params)
        body, fscope, body_elem = entry.lam.body, entry.scope, None
    else:
        raise AssertionError(entry)
    if len(args) != len(names):
        what = f"`{entry.name}`" if isinstance(entry, FuncEntry) else "this function"
        c.fail(span, f"{what} takes {len(names)} argument{'s' if len(names) != 1 else ''}, "
                     f"got {len(args)}")
    inner = fscope.child()
    lets: list[tuple[int, ir.Expr]] = []
    for name, ann, arg in zip(names, annotations, args):
        if isinstance(arg, (FuncEntry, LambdaEntry)):
            inner.names[name] = arg
            continue
        if ann is not None:
            arg = c.expect(arg, c.resolve_type(ann, fscope), f"`{name}`")
        lid = next(c.ids)
        lets.append((lid, arg))
        inner.names[name] = ValueEntry(ir.LocalRef(arg.type, arg.span, lid))
    try:
        result = check_expr(c, body, inner, body_elem)
    except CompileError as e:
        raise called_here(c, e, entry, names, args, span) from None
    for lid, value in reversed(lets):
        result = ir.LetIn(result.type, span, lid, value, result)
    return result


def called_here(c: Checker, e: CompileError, entry: Entry, names: tuple[str, ...], args: list,
                span: Span) -> CompileError:
    """A function body that fails with these arguments: the error, then a note at the
    call, since a body is checked anew for the types of each call's arguments."""
    from .checker import FuncEntry, LambdaEntry
    what = f"`{entry.name}`" if isinstance(entry, FuncEntry) else "this function"
    wrong = wrong_argument(c, entry, names, args, what)
    if wrong is not None:
        return wrong
    given = ", ".join(f"{n}: {show(a.type)}" for n, a in zip(names, args)
                      if not isinstance(a, (FuncEntry, LambdaEntry)))
    return c.noted(e, span, f"in this call of {what}" + (f", where {given}" if given else ""))


def wrong_argument(c: Checker, entry: Entry, names: tuple[str, ...], args: list, what: str) -> CompileError | None:
    """The call's first argument that its function's own type does not take (`let kb x = x / 1024`
    is `int -> float`, so `kb("x")`): the error belongs at that argument, as OCaml puts it, not
    inside the body. None when the function's type says nothing against the arguments."""
    from .checker import FuncEntry, LambdaEntry
    try:
        generic = c.generic_type(entry)
    except CompileError:
        return None
    if not isinstance(generic, FnT):
        return None
    params = generic.params[len(generic.params) - len(names):]  # after an element function's `_`
    for name, param, arg in zip(names, params, args):
        # A parameter's type is what the body first used it as (`x / 1024`: int).
        want = param.ref if isinstance(param, TVar) and param.ref is not None else param
        if isinstance(arg, (FuncEntry, LambdaEntry)) or has_var(want):
            continue
        try:
            c.expect(arg, want, f"`{name}`")
        except CompileError:
            return CompileError([Diagnostic(c.source, arg.span, f"{what} takes {show(want)} for `{name}`, "
                                            f"but this argument is {show(arg.type)}",
                                            f"{entry.name if isinstance(entry, FuncEntry) else what} : {show(generic)}")])
    return None


def check_index(c: Checker, e: S.Index, scope: Scope, elem: Type | None) -> ir.Expr:
    obj = check_expr(c, e.obj, scope, elem)
    idx = c.expect(check_expr(c, e.index, scope, elem), INT, "an index")
    base = strip(obj.type)
    opt = isinstance(obj.type, Opt) or isinstance(idx.type, Opt)
    if isinstance(base, ListT):
        t = base.elem
    elif base in (STR, DYN) or isinstance(base, TVar):
        t = base
    else:
        hint = "a record's fields are read with `.name`" if isinstance(base, Record) else None
        c.type_error(e.span, f"cannot index a value of type {show(obj.type)}", hint, obj.type)
    return ir.GetIndex(optional(t) if opt else t, e.span, obj, idx)


def check_slice(c: Checker, e: S.Slice, scope: Scope, elem: Type | None) -> ir.Expr:
    obj = check_expr(c, e.obj, scope, elem)
    lo = None if e.lo is None else c.expect(check_expr(c, e.lo, scope, elem), INT, "a slice bound")
    hi = None if e.hi is None else c.expect(check_expr(c, e.hi, scope, elem), INT, "a slice bound")
    base = strip(obj.type)
    if not (isinstance(base, ListT) or base in (STR, DYN) or isinstance(base, TVar)):
        c.type_error(e.span, f"cannot slice a value of type {show(obj.type)}", None, obj.type)
    return ir.GetSlice(obj.type, e.span, obj, lo, hi)


def check_unary(c: Checker, e: S.Unary, scope: Scope, elem: Type | None) -> ir.Expr:
    x = check_expr(c, e.operand, scope, elem)
    base = strip(x.type)
    if e.op == "!":
        if base not in (BOOL, DYN, NULL) and not isinstance(base, TVar):
            c.type_error(e.span, f"`!` needs a bool, but this is {show(x.type)}", None, x.type)
        if base == DYN:
            x = ir.Convert(optional(BOOL), x.span, x)
        return ir.Not(x.type, e.span, x)
    if base not in NUMERIC + (DURATION, DYN) and not isinstance(base, TVar):
        c.type_error(e.span, f"`-` needs a number or a duration, but this is {show(x.type)}", None, x.type)
    return ir.Neg(x.type, e.span, x)


def check_if(c: Checker, e: S.If, scope: Scope, elem: Type | None) -> ir.Expr:
    cond = check_expr(c, e.cond, scope, elem)
    bind(cond.type, BOOL)
    if strip(cond.type) not in (BOOL, DYN, NULL) and not isinstance(cond.type, TVar):
        c.type_error(cond.span, f"`if` needs a bool condition, but this is {show(cond.type)}", None, cond.type)
    a = check_expr(c, e.then, scope, elem)
    b = check_expr(c, e.else_, scope, elem)
    t = join(a.type, b.type)
    if t is None:
        c.type_error(e.span, f"the branches of `if` have different types: {show(a.type)} and {show(b.type)}",
                     "convert one of them, e.g. with str(...)", a.type, b.type)
    return ir.Cond(t, e.span, cond, a, b)


# Operators -------------------------------------------------------------------

ARITH: dict[str, dict[tuple[Type, Type], Type]] = {
    "+": {(INT, INT): INT, (INT, FLOAT): FLOAT, (FLOAT, INT): FLOAT, (FLOAT, FLOAT): FLOAT, (STR, STR): STR,
          (TIME, DURATION): TIME, (DURATION, TIME): TIME, (DURATION, DURATION): DURATION},
    "-": {(INT, INT): INT, (INT, FLOAT): FLOAT, (FLOAT, INT): FLOAT, (FLOAT, FLOAT): FLOAT,
          (TIME, TIME): DURATION, (TIME, DURATION): TIME, (DURATION, DURATION): DURATION},
    "*": {(INT, INT): INT, (INT, FLOAT): FLOAT, (FLOAT, INT): FLOAT, (FLOAT, FLOAT): FLOAT,
          (DURATION, INT): DURATION, (DURATION, FLOAT): DURATION, (INT, DURATION): DURATION,
          (FLOAT, DURATION): DURATION},
    "/": {(INT, INT): FLOAT, (INT, FLOAT): FLOAT, (FLOAT, INT): FLOAT, (FLOAT, FLOAT): FLOAT,
          (DURATION, DURATION): FLOAT, (DURATION, INT): DURATION, (DURATION, FLOAT): DURATION},
    "//": {(INT, INT): INT, (INT, FLOAT): FLOAT, (FLOAT, INT): FLOAT, (FLOAT, FLOAT): FLOAT,
           (DURATION, DURATION): INT, (DURATION, INT): DURATION},
    "%": {(INT, INT): INT, (INT, FLOAT): FLOAT, (FLOAT, INT): FLOAT, (FLOAT, FLOAT): FLOAT,
          (DURATION, DURATION): DURATION},
}


def check_binary(c: Checker, e: S.Binary, scope: Scope, elem: Type | None) -> ir.Expr:
    left = check_expr(c, e.left, scope, elem)
    right = check_expr(c, e.right, scope, elem)
    op = e.op
    if op in ("&&", "||"):
        for side in (left, right):
            if strip(side.type) not in (BOOL, DYN, NULL) and not isinstance(side.type, TVar):
                c.type_error(side.span, f"`{op}` needs bools, but this is {show(side.type)}", None, side.type)
        return ir.Logic(BOOL, e.span, op, to_static(left, BOOL), to_static(right, BOOL))
    if op == "??":
        t = join(strip(left.type), right.type)
        if t is None:
            c.type_error(e.span, f"`??` needs a default of the same type: {show(left.type)} and {show(right.type)}",
                         None, left.type, right.type)
        return ir.Coalesce(t, e.span, left, right)
    if op in ("==", "!="):
        for a, b in ((left, right), (right, left)):
            if b.type == NULL:
                return ir.IsNull(BOOL, e.span, a, negate=op == "!=")
        left, right = comparable(c, e, left, right, ordered=False)
        return ir.BinOp(BOOL, e.span, op, left, right)
    if op in ("<", "<=", ">", ">="):
        left, right = comparable(c, e, left, right, ordered=True)
        return ir.BinOp(BOOL, e.span, op, left, right)
    if op in ("~", "!~"):
        return check_match(c, e, left, right)
    if op == "in":
        return check_in(c, e, left, right)
    return check_arith(c, e, left, right)


def to_static(x: ir.Expr, t: Type) -> ir.Expr:
    return ir.Convert(t, x.span, x) if x.type == DYN else x


def comparable(c: Checker, e: S.Binary, left: ir.Expr, right: ir.Expr, ordered: bool
               ) -> tuple[ir.Expr, ir.Expr]:
    lt, rt = strip(left.type), strip(right.type)
    bind(lt, rt)
    bind(rt, lt)
    if isinstance(lt, TVar) or isinstance(rt, TVar):
        return left, right
    # A schema-less field may be missing or null: converted, it is the other side's
    # type made optional, so the comparison follows SPEC §4's null rules as a `T?` does.
    if lt == DYN and rt != DYN:
        return ir.Convert(optional(rt), left.span, left), right
    if rt == DYN and lt != DYN:
        return left, ir.Convert(optional(lt), right.span, right)
    ok = lt == rt or (lt in NUMERIC and rt in NUMERIC)
    if ordered and lt not in ORDERED and lt != DYN:
        ok = False
    if not ok:
        hint = NO_CONVERSION_HINT if {lt, rt} & {STR} and {lt, rt} & set(NUMERIC) else None
        c.type_error(e.op_span, f"cannot compare {show(left.type)} with {show(right.type)} using `{e.op}`",
                     hint, left.type, right.type)
    return left, right


def check_match(c: Checker, e: S.Binary, left: ir.Expr, right: ir.Expr) -> ir.Expr:
    for side, what in ((left, "the text"), (right, "the regex")):
        if strip(side.type) not in (STR, DYN) and not isinstance(side.type, TVar):
            c.type_error(side.span, f"`{e.op}` matches a str against a regex; {what} is {show(side.type)}",
                         "use str(x) to match a number's text", side.type)
    if isinstance(right, ir.Const) and isinstance(right.value, str):
        c.compile_regex(right.value, right.span)
    # A missing schema-less field is null, and a null matches nothing, as with `str?`.
    return ir.Match(BOOL, e.span, to_static(left, optional(STR)), to_static(right, STR), negate=e.op == "!~")


def check_in(c: Checker, e: S.Binary, left: ir.Expr, right: ir.Expr) -> ir.Expr:
    container = strip(right.type)
    if isinstance(container, ListT):
        item_t = strip(left.type)
        elem_t = strip(container.elem)
        if not (item_t == elem_t or {item_t, elem_t} <= set(NUMERIC) or DYN in (item_t, elem_t)
                or isinstance(elem_t, TVar) or isinstance(item_t, TVar) or item_t == NULL):
            c.type_error(e.span, f"`in`: looking for {show(left.type)} in a list of {show(container.elem)}",
                         None, left.type, right.type)
        if item_t == DYN and elem_t not in (DYN, NULL) and not isinstance(elem_t, TVar):
            # Converted as for `==`: logfmt's `status=200` is in [200, 404].
            left = ir.Convert(optional(elem_t), left.span, left)
        return ir.Member(BOOL, e.span, left, right)
    if container in (STR, DYN) and strip(left.type) in (STR, DYN):
        return ir.Member(BOOL, e.span, to_static(left, STR), to_static(right, STR))
    if isinstance(container, TVar):
        return ir.Member(BOOL, e.span, left, right)
    c.type_error(e.span, f"`in` needs a list or a string on its right, not {show(right.type)}", None, right.type)


def check_arith(c: Checker, e: S.Binary, left: ir.Expr, right: ir.Expr) -> ir.Expr:
    op = e.op
    lt, rt = strip(left.type), strip(right.type)
    opt = nullable(left.type) or nullable(right.type)
    bind(lt, rt)
    bind(rt, lt)
    if isinstance(lt, TVar) or isinstance(rt, TVar):
        known = lt.ref if isinstance(lt, TVar) else lt
        other = rt.ref if isinstance(rt, TVar) else rt
        result = ARITH[op].get((known, other)) if known is not None and other is not None else None
        return ir.BinOp(result or TVar(), e.span, op, left, right)
    if lt == DYN and rt == DYN:
        return ir.BinOp(DYN, e.span, op, left, right)
    if lt == DYN:
        left, lt = ir.Convert(optional(rt), left.span, left), rt
    elif rt == DYN:
        right, rt = ir.Convert(optional(lt), right.span, right), lt
    if NULL in (lt, rt):
        other = rt if lt == NULL else lt
        return ir.BinOp(optional(other), e.span, op, left, right)
    if op == "+" and isinstance(lt, ListT) and isinstance(rt, ListT):
        t = join(lt, rt)
        if t is not None:
            return ir.BinOp(optional(t) if opt else t, e.span, op, left, right)
    result = ARITH[op].get((lt, rt))
    if result is None:
        hint = NO_CONVERSION_HINT if {lt, rt} & {STR} and {lt, rt} & set(NUMERIC) else None
        if op == "+" and lt == STR and rt != STR:
            hint = "to join text, convert first: `... + str(x)`, or use a format string f\"...{x}\""
        c.type_error(e.op_span, f"cannot apply `{op}` to {show(left.type)} and {show(right.type)}", hint,
                     left.type, right.type)
    return ir.BinOp(optional(result) if opt else result, e.span, op, left, right)


# Builtin calls -----------------------------------------------------------------

KIND_OK = {
    "str": lambda t: t == STR, "int": lambda t: t == INT, "num": lambda t: t in NUMERIC or t == DYN,
    "bool": lambda t: t == BOOL, "time": lambda t: t == TIME, "duration": lambda t: t == DURATION,
    "seq": lambda t: t == STR or isinstance(t, ListT), "list": lambda t: isinstance(t, ListT),
    "regex": lambda t: t == STR, "ordered": lambda t: t in ORDERED or t == DYN, "any": lambda t: True, "any?": lambda t: True,
}
KIND_NAME = {"num": "number", "seq": "str or list", "list": "list", "regex": "str (a regex)",
             "ordered": "number, str or time"}
CONVERT_TO = {"str": STR, "int": INT, "num": FLOAT, "bool": BOOL, "time": TIME, "duration": DURATION,
              "regex": STR, "seq": STR}


def call_builtin(c: Checker, fn: Function, e: S.Call, args: list[ir.Expr]) -> ir.Expr:
    n = len(args)
    lo, hi = len(fn.params) - fn.optional, len(fn.params)
    if not (lo <= n <= hi or fn.variadic and n >= hi):
        want = f"{lo} to {hi}" if lo != hi else (f"at least {hi}" if fn.variadic else str(hi))
        c.fail(e.span, f"`{fn.name}` takes {want} argument{'s' if hi != 1 else ''}, got {n}",
               f"{fn.signature}")
    if fn.name == "lineno":
        return ir.LineNo(INT, e.span)
    if fn.name == "filename":
        return ir.FileName(STR, e.span)
    kinds = list(fn.params) + [fn.params[-1]] * (n - len(fn.params)) if fn.params else []
    typed_sides = [strip(a.type) for a in args if strip(a.type) not in (DYN, NULL) and not isinstance(a.type, TVar)]
    typed: list[ir.Expr] = []
    null_args: list[int] = []
    for i, (kind, arg) in enumerate(zip(kinds, args)):
        t = strip(arg.type)
        if kind != "any?" and nullable(arg.type):
            null_args.append(i)
        if t == DYN:
            arg = dyn_argument(kind, arg, typed_sides[0] if typed_sides else None)
            t = strip(arg.type)
        if isinstance(t, TVar) or t == NULL:
            if kind in CONVERT_TO and kind not in ("num", "seq"):
                bind(t, CONVERT_TO[kind])
            typed.append(arg)
            continue
        if not KIND_OK[kind](t):
            hint = fn.signature
            if kind in ("str", "regex") and t in NUMERIC:
                hint = f"convert first: {fn.name}(str(...)); {fn.signature}"
            c.type_error(arg.span, f"argument {i + 1} of `{fn.name}` must be {KIND_NAME.get(kind, kind)}, "
                                   f"not {show(arg.type)}", hint, arg.type)
        if kind == "regex" and isinstance(arg, ir.Const) and isinstance(arg.value, str):
            c.compile_regex(arg.value, arg.span)
        typed.append(arg)
    if fn.name == "replace" and len(typed) == 3:
        check_replacement(c, typed[1], typed[2])
    if fn.converts and typed:
        t0 = strip(typed[0].type)
        if not (t0 in fn.converts or t0 in (DYN, NULL) or isinstance(t0, TVar)):
            c.type_error(typed[0].span, f"`{fn.name}` converts text and numbers, not {show(typed[0].type)}",
                         fn.signature, typed[0].type)
    if fn.name in ("min", "max") or fn.params and fn.params[0] == "ordered":
        check_same_types(c, e, typed)
    stripped = [strip(a.type) for a in typed]
    result = fn.result if isinstance(fn.result, Type) else fn.result(stripped)
    if fn.name in ("min", "max"):
        result = join_all(stripped)
    if null_args:
        result = optional(result)
    return ir.CallBuiltin(result, e.span, fn.name, tuple(typed), tuple(null_args))


def dyn_argument(kind: str, arg: ir.Expr, typed_side: Type | None) -> ir.Expr:
    """A schema-less argument read as its parameter wants it. Missing or null, it
    is null, as a `T?` argument is. A number stays the number it is (`abs` of 2
    is 2, as of an `int?`). `min`/`max` of schema-less values alone compare them
    in the order `sort` gives; beside a typed value, they take its type."""
    if kind in ("any", "any?") or kind == "ordered" and typed_side is None:
        return arg
    if kind == "num":
        return ir.Convert(DYN, arg.span, arg)
    to = typed_side if kind == "ordered" and typed_side is not None else CONVERT_TO.get(kind, STR)
    return ir.Convert(optional(to), arg.span, arg)


def check_replacement(c: Checker, pattern: ir.Expr, template: ir.Expr) -> None:
    """A literal replacement that names a group the literal regex lacks (`\\9`,
    `\\g<b>`), or has a bad escape, would reject every line at run time."""
    if not (isinstance(pattern, ir.Const) and isinstance(pattern.value, str)
            and isinstance(template, ir.Const) and isinstance(template.value, str)):
        return
    rx = c.compile_regex(pattern.value, pattern.span)
    names = {i: n for n, i in rx.groupindex.items()}
    # A regex with the same groups that matches the empty string, so the
    # template is expanded once whatever the Python version does lazily.
    dummy = re.compile("".join(f"(?P<{names[i]}>)" if i in names else "()" for i in range(1, rx.groups + 1)))
    try:
        dummy.sub(template.value, "")
    except re.error as e:
        c.fail(template.span, f"bad replacement: {e.msg}", groups_hint(rx))
    except IndexError as e:  # an unknown group name (`\\g<b>`)
        c.fail(template.span, f"bad replacement: {e.args[0] if e.args else e}", groups_hint(rx))


def groups_hint(rx: re.Pattern[str]) -> str:
    if not rx.groups:
        return r"the regex has no groups; `\g<0>` is the whole match"
    n = rx.groups
    refs = ", ".join(rf"`\{i}`" for i in range(1, n + 1)) if n <= 9 else rf"`\1` ... `\{n}`"
    named = ", ".join(f"`\\g<{name}>`" for name in rx.groupindex)
    return f"the regex has {n} group{'s' if n != 1 else ''}: {refs}" + (f"; by name {named}" if named else "")


def check_same_types(c: Checker, e: S.Call, args: list[ir.Expr]) -> None:
    t = strip(args[0].type)
    for a in args[1:]:
        u = strip(a.type)
        if not (u == t or {u, t} <= set(NUMERIC) or isinstance(u, TVar) or isinstance(t, TVar)):
            c.type_error(a.span, f"`{e.name}` compares values of one type: {show(t)} and {show(u)}", None, t, u)


def join_all(types: list[Type]) -> Type:
    t = types[0]
    for u in types[1:]:
        t = join(t, u) or t
    return t


REGEX_META = re.compile(r"[\\.^$*+?{}\[\]|()]")
