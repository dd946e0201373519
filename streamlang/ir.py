"""The typed intermediate form: what the checker produces and codegen consumes.

Every expression knows its type; every stage knows its input and output
element types. User functions and stages have been inlined, `select` and
`derive` have become record-building maps, and names have become numbered
locals and globals, so codegen never looks a name or a type up again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Union

from .source import Span
from .typesys import Record, Type

# Expressions ---------------------------------------------------------------


@dataclass(frozen=True)
class Const:
    type: Type
    span: Span
    value: object


@dataclass(frozen=True)
class ElemRef:
    """The current element `_`."""
    type: Type
    span: Span


@dataclass(frozen=True)
class LocalRef:
    type: Type
    span: Span
    id: int


@dataclass(frozen=True)
class GlobalRef:
    type: Type
    span: Span
    id: int


@dataclass(frozen=True)
class GetField:
    type: Type
    span: Span
    obj: Expr
    name: str
    index: int


@dataclass(frozen=True)
class GetDyn:
    """A field of a schema-less (`dyn`) value, or null when it is missing."""
    type: Type
    span: Span
    obj: Expr
    name: str


@dataclass(frozen=True)
class GetIndex:
    type: Type
    span: Span
    obj: Expr
    index: Expr


@dataclass(frozen=True)
class GetSlice:
    type: Type
    span: Span
    obj: Expr
    lo: Expr | None
    hi: Expr | None


@dataclass(frozen=True)
class CallBuiltin:
    type: Type
    span: Span
    name: str
    args: tuple[Expr, ...]
    # Indexes of arguments whose null makes the result null (SPEC §4, "Nulls").
    null_args: tuple[int, ...] = ()


@dataclass(frozen=True)
class BinOp:
    """Arithmetic or comparison; `op` is the source operator."""
    type: Type
    span: Span
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Logic:
    """`&&` / `||`; a null operand counts as false."""
    type: Type
    span: Span
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Not:
    type: Type
    span: Span
    operand: Expr


@dataclass(frozen=True)
class Neg:
    type: Type
    span: Span
    operand: Expr


@dataclass(frozen=True)
class Cond:
    type: Type
    span: Span
    cond: Expr
    then: Expr
    else_: Expr


@dataclass(frozen=True)
class Coalesce:
    type: Type
    span: Span
    left: Expr
    right: Expr


@dataclass(frozen=True)
class IsNull:
    """`x == null` (or `!=` with negate)."""
    type: Type
    span: Span
    operand: Expr
    negate: bool


@dataclass(frozen=True)
class Match:
    """`s ~ re` / `s !~ re`."""
    type: Type
    span: Span
    subject: Expr
    regex: Expr
    negate: bool


@dataclass(frozen=True)
class Member:
    """`x in xs` (list membership or substring)."""
    type: Type
    span: Span
    item: Expr
    container: Expr


@dataclass(frozen=True)
class Convert:
    """A `dyn` value converted to a static type where it is used."""
    type: Type
    span: Span
    operand: Expr


@dataclass(frozen=True)
class MakeList:
    type: Type
    span: Span
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class MakeRecord:
    type: Type
    span: Span
    fields: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class DeriveDyn:
    """`derive` on a schema-less record: a copy with these fields added or replaced."""
    type: Type
    span: Span
    obj: Expr
    fields: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class Format:
    """An f-string: literal text and expressions, formatted as plain output is."""
    type: Type
    span: Span
    parts: tuple[str | Expr, ...]


@dataclass(frozen=True)
class LetIn:
    """`body` with local `id` bound to `value` (an inlined parameter)."""
    type: Type
    span: Span
    id: int
    value: Expr
    body: Expr


@dataclass(frozen=True)
class LineNo:
    type: Type
    span: Span


@dataclass(frozen=True)
class FileName:
    type: Type
    span: Span


Expr = Union[Const, ElemRef, LocalRef, GlobalRef, GetField, GetDyn, GetIndex, GetSlice, CallBuiltin,
             BinOp, Logic, Not, Neg, Cond, Coalesce, IsNull, Match, Member, Convert, MakeList,
             MakeRecord, DeriveDyn, Format, LetIn, LineNo, FileName]


# Stages --------------------------------------------------------------------


@dataclass(frozen=True)
class StageInfo:
    """Where a stage came from, for `--types` and rejection reports."""
    name: str
    span: Span
    inp: Type
    out: Type


@dataclass(frozen=True)
class ReadInput:
    info: StageInfo
    path: Expr | None = None  # None: the command line's files or stdin


@dataclass(frozen=True)
class Map:
    info: StageInfo
    expr: Expr


@dataclass(frozen=True)
class Where:
    info: StageInfo
    cond: Expr


@dataclass(frozen=True)
class SplitFields:
    """`split SEP` / `words`, optionally `as SCHEMA`."""
    info: StageInfo
    sep: Expr | None
    schema: Record | None


@dataclass(frozen=True)
class ParseRegex:
    """A line matched against a regex (built-in formats, patterns, extract), its groups
    converted to the schema's types. `search` for extract, full match otherwise."""
    info: StageInfo
    regex: str
    groups: tuple[str | int, ...]  # group of each schema field
    schema: Type
    search: bool
    format: str | None = None  # the built-in format's name, for its special conversions
    fast: str | None = None  # a quicker regex for the usual line, tried first


@dataclass(frozen=True)
class ParseFormat:
    """A line parsed by a runtime format reader (json, logfmt, csv, tsv, syslog)."""
    info: StageInfo
    format: str
    schema: Type | None


@dataclass(frozen=True)
class WriteFiles:
    """Elements into files named by their fields; yields `path<TAB>rows` per file."""
    info: StageInfo
    template: tuple[str | int, ...]  # literal text, and indexes of the record's fields
    format: str


@dataclass(frozen=True)
class Chart:
    """A bar chart (`chart`), a sparkline (`spark`) or a time histogram (`hist`):
    all the elements are needed before the first line can be drawn."""
    info: StageInfo
    kind: str
    label: Expr | None
    value: Expr  # the number (chart, spark) or the time (hist)
    bucket: Expr | None = None


@dataclass(frozen=True)
class JoinLines:
    """Continuation lines joined to the line before them (only right on the input)."""
    info: StageInfo
    regex: str


@dataclass(frozen=True)
class Limit:
    """take / drop / tail."""
    info: StageInfo
    kind: str
    count: Expr


@dataclass(frozen=True)
class SortKeyIR:
    expr: Expr
    desc: bool


@dataclass(frozen=True)
class Sort:
    info: StageInfo
    keys: tuple[SortKeyIR, ...]


@dataclass(frozen=True)
class Top:
    info: StageInfo
    count: Expr
    key: SortKeyIR


@dataclass(frozen=True)
class Uniq:
    info: StageInfo
    key: Expr | None
    distinct: bool


@dataclass(frozen=True)
class Aggregate:
    id: int  # the local its final value is bound to, for the outputs
    fn: str
    arg: Expr | None
    param: Expr | None  # percentile's p
    type: Type
    span: Span


@dataclass(frozen=True)
class Summarize:
    """`count by` and `summarize`; `count` alone has no keys and `scalar` set.

    Each output is an expression over the aggregates' final values
    (`LocalRef`s to their ids): `mb = sum(.bytes) / 1000000`.
    """
    info: StageInfo
    keys: tuple[tuple[str, Expr], ...]
    aggs: tuple[Aggregate, ...]
    outputs: tuple[tuple[str, Expr], ...]
    scalar: bool = False


@dataclass(frozen=True)
class Fold:
    info: StageInfo
    init: Expr
    acc: int
    item: int
    body: Expr


@dataclass(frozen=True)
class Enumerate:
    info: StageInfo


@dataclass(frozen=True)
class Flatten:
    info: StageInfo


@dataclass(frozen=True)
class Write:
    """A final format stage (csv tsv json table)."""
    info: StageInfo
    format: str


Stage = Union[ReadInput, Map, Where, SplitFields, ParseRegex, ParseFormat, JoinLines, Chart, WriteFiles, Limit, Sort, Top, Uniq,
              Summarize, Fold, Enumerate, Flatten, Write]


@dataclass
class Global:
    id: int
    name: str
    type: Type
    value: Expr
    span: Span


@dataclass
class Program:
    """A checked program: its global values and its main pipeline."""
    globals: list[Global]
    stages: list[Stage]
    type: Type  # stream<T>, or the value's type for a pipeline that is a plain value
    value: Expr | None = None  # set when the main job is a value, not a stream
    bindings: dict[str, str] = field(default_factory=dict)  # name -> its type, as shown


def duration_ms(d: timedelta) -> int:
    return d // timedelta(milliseconds=1)
