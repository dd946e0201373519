"""Syntax nodes back to program text.

The output parses to the same tree (a property test holds it to that), so
the toplevel's `:save` and tools that rewrite programs can rely on it.
Parentheses are written around every compound subexpression: correct
without a precedence table, if not always minimal.
"""
from __future__ import annotations

from datetime import timedelta

from . import syntax as S

_UNITS = [("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def string(value: str, braces: bool = False) -> str:
    out = []
    for ch in value:
        if braces and ch in "{}":
            out.append(ch * 2)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def duration(d: timedelta) -> str:
    ms = d // timedelta(milliseconds=1)
    if ms == 0:
        return "0s"
    parts = []
    for unit, size in _UNITS:
        n, ms = divmod(ms, size)
        if n:
            parts.append(f"{n}{unit}")
    return "".join(parts)


def expr(e: S.Expr) -> str:
    match e:
        case S.Lit(value=v, kind=k):
            if k == "str":
                return string(v)  # type: ignore[arg-type]
            if k == "bool":
                return "true" if v else "false"
            if k == "null":
                return "null"
            if k == "duration":
                return duration(v)  # type: ignore[arg-type]
            if k == "float":
                text = repr(v)
                return f"({text})" if text.startswith("-") else text
            return f"({v})" if v < 0 else str(v)  # type: ignore[operator]
        case S.Elem():
            return "_"
        case S.Field(name=n):
            return f".{n}"
        case S.Attr(obj=o, name=n):
            return f"{atom(o)}.{n}"
        case S.Var(name=n):
            return n
        case S.Call(name=n, args=args):
            return f"{n}({', '.join(expr(a) for a in args)})"
        case S.Apply(fn=f, args=args):
            return " ".join([atom(f)] + [atom(a) for a in args])
        case S.Index(obj=o, index=i):
            return f"{atom(o)}[{expr(i)}]"
        case S.Slice(obj=o, lo=lo, hi=hi):
            return f"{atom(o)}[{'' if lo is None else expr(lo)}:{'' if hi is None else expr(hi)}]"
        case S.Unary(op=op, operand=x):
            return f"{op}{atom(x)}"
        case S.Binary(op=op, left=a, right=b):
            return f"{atom(a)} {op} {atom(b)}"
        case S.If(cond=c, then=t, else_=f):
            return f"if {expr(c)} then {expr(t)} else {expr(f)}"
        case S.Lambda(params=ps, body=b):
            return f"fun {' '.join(ps)} -> {expr(b)}"
        case S.ListLit(items=items):
            return "[" + ", ".join(expr(i) for i in items) + "]"
        case S.RecordLit(fields=fs):
            return "{" + ", ".join(f"{n} = {expr(v)}" for n, _, v in fs) + "}"
        case S.FString(parts=parts):
            body = "".join(string(p, braces=True)[1:-1] if isinstance(p, str)
                           else "{" + expr(p) + "}" for p in parts)
            return f'f"{body}"'
    raise AssertionError(e)


def atom(e: S.Expr) -> str:
    """An operand: parenthesized unless it is atomic already."""
    text = expr(e)
    if isinstance(e, (S.Lit, S.Elem, S.Field, S.Var, S.Call, S.ListLit, S.RecordLit, S.FString,
                      S.Attr, S.Index, S.Slice)) and not text.startswith("("):
        return text
    if isinstance(e, S.Lit):
        return text
    return f"({text})"


def type_expr(t: S.TypeExpr) -> str:
    match t:
        case S.TName(name=n, args=()):
            return n
        case S.TName(name=n, args=args):
            return f"{n}<{', '.join(type_expr(a) for a in args)}>"
        case S.TList(elem=e):
            return f"[{type_expr(e)}]"
        case S.TRecord(fields=fs):
            return "{" + ", ".join(f"{n}: {type_expr(ft)}" for n, _, ft in fs) + "}"
        case S.TOpt(inner=i):
            inner = type_expr(i)
            return f"({inner})?" if isinstance(i, S.TFn) else inner + "?"
        case S.TFn(param=p, result=r):
            left = type_expr(p)
            return f"{'(' + left + ')' if isinstance(p, S.TFn) else left} -> {type_expr(r)}"
    raise AssertionError(t)


def items(its: tuple[S.Item, ...]) -> str:
    return ", ".join((f"{i.name} = " if i.name else "") + expr(i.expr) for i in its)


def sort_key(k: S.SortKey) -> str:
    order = "" if k.desc is None else (" desc" if k.desc else " asc")
    return expr(k.expr) + order


def stage(s: S.Stage) -> str:
    match s:
        case S.MapStage(expr=e):
            return f"map {expr(e)}"
        case S.WhereStage(expr=e):
            return f"where {expr(e)}"
        case S.SelectStage(items=its):
            return f"select {items(its)}"
        case S.DeriveStage(items=its):
            return f"derive {items(its)}"
        case S.TakeStage(kind=k, count=c):
            return f"{k} {expr(c)}"
        case S.SortStage(keys=ks):
            return "sort by " + ", ".join(sort_key(k) for k in ks)
        case S.TopStage(count=c, key=k):
            return f"top {expr(c)} by {sort_key(k)}"
        case S.UniqStage(distinct=d, key=k):
            return ("distinct" if d else "uniq") + ("" if k is None else f" by {expr(k)}")
        case S.CountStage(keys=ks):
            return "count" + (f" by {items(ks)}" if ks else "")
        case S.SummarizeStage(aggs=a, keys=ks):
            return f"summarize {items(a)}" + (f" by {items(ks)}" if ks else "")
        case S.FoldStage(init=i, fn=f):
            return f"fold {atom(i)} {atom(f)}"
        case S.LinesStage(path=p):
            return f"lines {atom(p)}"
        case S.SplitStage(sep=None, schema=sc):
            return "words" + ("" if sc is None else f" as {type_expr(sc)}")
        case S.SplitStage(sep=sep, schema=sc):
            return f"split {atom(sep)}" + ("" if sc is None else f" as {type_expr(sc)}")  # type: ignore[arg-type]
        case S.ParseStage(format=f, schema=sc):
            return f"parse {f}" + ("" if sc is None else f" as {type_expr(sc)}")
        case S.PatternStage(pattern=p, fields=fs):
            return f"parse {string(p)} as " + ", ".join(
                f.name + ("" if f.type is None else f":{type_expr(f.type)}") for f in fs)
        case S.ExtractStage(regex=r, schema=sc):
            return f"extract {string(r)}" + ("" if sc is None else f" as {type_expr(sc)}")
        case S.WriteStage(template=t):
            return f"write {string(t)}"
        case S.ChartStage(kind=k, value=v):
            return k + ("" if v is None else f" by {expr(v)}")
        case S.HistStage(time=t, bucket=b):
            return f"hist {atom(t)} {atom(b)}"
        case S.JoinStage(regex=r):
            return f"join {string(r)}"
        case S.SimpleStage(name=n):
            return n
        case S.ExprStage(expr=e):
            return expr(e)
    raise AssertionError(s)


def pipeline(p: S.Pipeline) -> str:
    return " | ".join(stage(s) for s in p.stages)


def statement(s: S.Statement) -> str:
    match s:
        case S.Let(name=n, params=ps, body=b):
            params = "".join(f" {p.name}" if p.type is None else f" ({p.name}: {type_expr(p.type)})" for p in ps)
            return f"let {n}{params} = {pipeline(b)}"
        case S.TypeDecl(name=n, type=t):
            return f"type {n} = {type_expr(t)}"
        case S.Pipeline():
            return pipeline(s)
    raise AssertionError(s)


def program(p: S.Program) -> str:
    return "\n".join(statement(s) for s in p.statements) + "\n"
