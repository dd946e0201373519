"""Type terms, their printing, and the few relations the checker needs.

Types are immutable values compared structurally. `TVar` is the one
exception: an unknown type, used when a user function or stage is checked
before it is applied (so the toplevel can print `val f : 'a -> 'a`).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field


class Type:
    __slots__ = ()

    def __str__(self) -> str:
        return show(self)


@dataclass(frozen=True, slots=True)
class Prim(Type):
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ListT(Type):
    elem: Type

    def __str__(self) -> str:
        return show(self)


@dataclass(frozen=True, slots=True)
class Record(Type):
    fields: tuple[tuple[str, Type], ...]

    @property
    def names(self) -> list[str]:
        return [n for n, _ in self.fields]

    def index(self, name: str) -> int | None:
        for i, (n, _) in enumerate(self.fields):
            if n == name:
                return i
        return None

    def get(self, name: str) -> Type | None:
        i = self.index(name)
        return None if i is None else self.fields[i][1]

    def __str__(self) -> str:
        return show(self)


@dataclass(frozen=True, slots=True)
class Opt(Type):
    inner: Type

    def __str__(self) -> str:
        return show(self)


@dataclass(frozen=True, slots=True)
class StreamT(Type):
    elem: Type

    def __str__(self) -> str:
        return show(self)


@dataclass(frozen=True, slots=True)
class StageT(Type):
    inp: Type
    out: Type

    def __str__(self) -> str:
        return show(self)


@dataclass(frozen=True, slots=True)
class FnT(Type):
    params: tuple[Type, ...]
    result: Type

    def __str__(self) -> str:
        return show(self)


_var_ids = itertools.count()


@dataclass(eq=False)
class TVar(Type):
    """A type not known yet (only while checking a function before its use).

    The first concrete type it meets is remembered in `ref`, so that
    `let f x = x + 1` is shown as `int -> int`; checking stays permissive,
    since the function is checked again at each use with its real types.
    """
    id: int = field(default_factory=lambda: next(_var_ids))
    ref: Type | None = None
    # Fields read from a value of this type, so a stage shows what it needs:
    # `stage<{status: int, ..}, ...>`.
    fields: dict[str, "TVar"] = field(default_factory=dict)

    def bind(self, t: Type) -> None:
        if self.ref is None and not isinstance(t, TVar) and t != NULL:
            self.ref = t

    def __str__(self) -> str:
        return show(self)


STR = Prim("str")
INT = Prim("int")
FLOAT = Prim("float")
BOOL = Prim("bool")
TIME = Prim("time")
DURATION = Prim("duration")
DYN = Prim("dyn")
NULL = Prim("null")  # the type of the literal `null`; it fits any `T?`

PRIMS = {t.name: t for t in (STR, INT, FLOAT, BOOL, TIME, DURATION, DYN)}
NUMERIC = (INT, FLOAT)
ORDERED = (INT, FLOAT, STR, TIME, DURATION, BOOL)


def bind(t: Type, to: Type) -> None:
    """Record what an unknown type turned out to be (see `TVar`)."""
    if isinstance(t, TVar):
        t.bind(strip(to))


def optional(t: Type) -> Type:
    """`t?`, without doubling up."""
    if isinstance(t, Opt) or t in (NULL, DYN) or isinstance(t, TVar):
        return t
    return Opt(t)


def strip(t: Type) -> Type:
    """The type of a value once null has been ruled out."""
    return t.inner if isinstance(t, Opt) else t


def nullable(t: Type) -> bool:
    return isinstance(t, Opt) or t in (NULL, DYN)


def has_var(t: Type) -> bool:
    match t:
        case TVar():
            return True
        case ListT(e) | Opt(e) | StreamT(e):
            return has_var(e)
        case Record(fs):
            return any(has_var(ft) for _, ft in fs)
        case StageT(a, b):
            return has_var(a) or has_var(b)
        case FnT(ps, r):
            return any(has_var(p) for p in ps) or has_var(r)
    return False


def has_list(t: Type) -> bool:
    """Whether values of `t` may hold a list (and so are not hashable as they are)."""
    match t:
        case ListT():
            return True
        case Opt(e):
            return has_list(e)
        case Record(fs):
            return any(has_list(ft) for _, ft in fs)
    return t == DYN


def join(a: Type, b: Type) -> Type | None:
    """The type that holds values of both (for `if`, list items, `??`), or None."""
    if a == b:
        return a
    if isinstance(a, TVar):
        return b
    if isinstance(b, TVar):
        return a
    if a == NULL:
        return optional(b)
    if b == NULL:
        return optional(a)
    if DYN in (a, b):
        return DYN
    opt = isinstance(a, Opt) or isinstance(b, Opt)
    sa, sb = strip(a), strip(b)
    inner: Type | None = None
    if sa == sb:
        inner = sa
    elif {sa, sb} == {INT, FLOAT}:
        inner = FLOAT
    elif isinstance(sa, ListT) and isinstance(sb, ListT):
        e = join(sa.elem, sb.elem)
        inner = ListT(e) if e is not None else None
    elif isinstance(sa, Record) and isinstance(sb, Record) and sa.names == sb.names:
        fs = [join(x, y) for (_, x), (_, y) in zip(sa.fields, sb.fields)]
        if all(f is not None for f in fs):
            inner = Record(tuple((n, f) for n, f in zip(sa.names, fs)))  # type: ignore[misc]
    if inner is None:
        return None
    return optional(inner) if opt else inner


def _parts(t: Type) -> list[Type]:
    match t:
        case ListT(e) | Opt(e) | StreamT(e):
            return [e]
        case Record(fs):
            return [ft for _, ft in fs]
        case StageT(a, b):
            return [a, b]
        case FnT(ps, r):
            return [*ps, r]
        case TVar(_, ref, fs):
            return [ref] if ref is not None else list(fs.values())
    return []


def depth(t: Type) -> int:
    """How many levels a value of type `t` nests: 0 for `int`, 1 for `[int]`,
    `int?` or `{a: int}`, 2 for `{a: [int]}`. A function, stage or stream
    type counts as the deepest of its parts, a type variable as what it
    stands for.

    Iterative, and memoised by identity: a type built by repeated wrapping
    can be deeper than Python's recursion limit, and one that shares its
    parts (`{a = x, b = x}`, again and again) is far larger written out
    than in memory."""
    known: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Type, bool]] = [(t, False)]
    while stack:
        node, ready = stack.pop()
        key = id(node)
        if ready:
            parts = _parts(node)
            below = max((known.get(id(p), 0) for p in parts), default=0)
            known[key] = below + 1 if parts and isinstance(node, (ListT, Record, Opt)) else below
            open_.discard(key)
        elif key not in known and key not in open_:
            open_.add(key)  # a part that leads back here counts as nothing more
            stack.append((node, True))
            stack.extend((p, False) for p in _parts(node))
    return known[id(t)]


def show(t: Type, names: dict[int, str] | None = None) -> str:
    """The type as the user writes it: `{ip: str, status: int?}`, `stage<str, [str]>`."""
    names = {} if names is None else names

    def go(t: Type) -> str:
        match t:
            case Prim(n):
                return n
            case ListT(e):
                return f"[{go(e)}]"
            case Record(fs):
                return "{" + ", ".join(f"{n}: {go(ft)}" for n, ft in fs) + "}"
            case Opt(e):
                inner = go(e)
                return f"({inner})?" if isinstance(e, FnT) else inner + "?"
            case StreamT(e):
                return f"stream<{go(e)}>"
            case StageT(a, b):
                return f"stage<{go(a)}, {go(b)}>"
            case FnT(ps, r):
                left = " -> ".join(f"({go(p)})" if isinstance(p, FnT) else go(p) for p in ps)
                return f"{left or '()'} -> {go(r)}"
            case TVar(i, ref) if ref is not None:
                return go(ref)
            case TVar(i, None, fs) if fs:
                return "{" + ", ".join(f"{n}: {go(ft)}" for n, ft in fs.items()) + ", ..}"
            case TVar(i):
                if i not in names:
                    names[i] = "'" + chr(ord("a") + len(names) % 26)
                return names[i]
        return "?"

    return go(t)
