"""The surface syntax tree: what the parser hands to the checker.

Frozen dataclasses, one per construct, each with a `span`. Nothing past
parser.py sees a lark tree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from .source import Source, Span

# Expressions ---------------------------------------------------------------

@dataclass(frozen=True)
class Lit:
    span: Span
    value: object
    kind: str  # int float str bool null duration


@dataclass(frozen=True)
class Elem:
    """`_`, the current element."""
    span: Span


@dataclass(frozen=True)
class Field:
    """`.name`, a field of the current element."""
    span: Span
    name: str


@dataclass(frozen=True)
class Attr:
    span: Span
    obj: Expr
    name: str


@dataclass(frozen=True)
class Var:
    span: Span
    name: str


@dataclass(frozen=True)
class Call:
    span: Span
    name: str
    name_span: Span
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Apply:
    """`f a b`: application by juxtaposition (user functions and stages)."""
    span: Span
    fn: Expr
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Index:
    span: Span
    obj: Expr
    index: Expr


@dataclass(frozen=True)
class Slice:
    span: Span
    obj: Expr
    lo: Expr | None
    hi: Expr | None


@dataclass(frozen=True)
class Unary:
    span: Span
    op: str  # "-" or "!"
    operand: Expr


@dataclass(frozen=True)
class Binary:
    span: Span
    op: str
    op_span: Span
    left: Expr
    right: Expr


@dataclass(frozen=True)
class If:
    span: Span
    cond: Expr
    then: Expr
    else_: Expr


@dataclass(frozen=True)
class Lambda:
    span: Span
    params: tuple[str, ...]
    body: Expr


@dataclass(frozen=True)
class ListLit:
    span: Span
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class RecordLit:
    span: Span
    fields: tuple[tuple[str, Span, Expr], ...]


@dataclass(frozen=True)
class FString:
    span: Span
    parts: tuple[str | Expr, ...]


Expr = Union[Lit, Elem, Field, Attr, Var, Call, Apply, Index, Slice, Unary, Binary, If, Lambda,
             ListLit, RecordLit, FString]


# Types ---------------------------------------------------------------------

@dataclass(frozen=True)
class TName:
    span: Span
    name: str
    args: tuple[TypeExpr, ...] = ()


@dataclass(frozen=True)
class TList:
    span: Span
    elem: TypeExpr


@dataclass(frozen=True)
class TRecord:
    span: Span
    fields: tuple[tuple[str, Span, TypeExpr], ...]


@dataclass(frozen=True)
class TOpt:
    span: Span
    inner: TypeExpr


@dataclass(frozen=True)
class TFn:
    span: Span
    param: TypeExpr
    result: TypeExpr


TypeExpr = Union[TName, TList, TRecord, TOpt, TFn]


# Stages --------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """`[NAME =] EXPR` in select, derive, count by and summarize."""
    span: Span
    name: str | None
    name_span: Span | None
    expr: Expr


@dataclass(frozen=True)
class SortKey:
    span: Span
    expr: Expr
    desc: bool | None  # None: not written (ascending for sort, descending for top)


@dataclass(frozen=True)
class PatternField:
    span: Span
    name: str
    type: TypeExpr | None


@dataclass(frozen=True)
class MapStage:
    span: Span
    expr: Expr


@dataclass(frozen=True)
class WhereStage:
    span: Span
    expr: Expr


@dataclass(frozen=True)
class SelectStage:
    span: Span
    items: tuple[Item, ...]


@dataclass(frozen=True)
class DeriveStage:
    span: Span
    items: tuple[Item, ...]


@dataclass(frozen=True)
class TakeStage:
    span: Span
    kind: str  # take drop tail
    count: Expr


@dataclass(frozen=True)
class SortStage:
    span: Span
    keys: tuple[SortKey, ...]


@dataclass(frozen=True)
class TopStage:
    span: Span
    count: Expr
    key: SortKey


@dataclass(frozen=True)
class UniqStage:
    span: Span
    distinct: bool
    key: Expr | None


@dataclass(frozen=True)
class CountStage:
    span: Span
    keys: tuple[Item, ...]


@dataclass(frozen=True)
class SummarizeStage:
    span: Span
    aggs: tuple[Item, ...]
    keys: tuple[Item, ...]


@dataclass(frozen=True)
class FoldStage:
    span: Span
    init: Expr
    fn: Expr


@dataclass(frozen=True)
class LinesStage:
    span: Span
    path: Expr


@dataclass(frozen=True)
class SplitStage:
    span: Span
    sep: Expr | None  # None for `words`
    schema: TypeExpr | None


@dataclass(frozen=True)
class ParseStage:
    span: Span
    format: str
    format_span: Span
    schema: TypeExpr | None


@dataclass(frozen=True)
class PatternStage:
    span: Span
    pattern: str
    pattern_span: Span
    fields: tuple[PatternField, ...]


@dataclass(frozen=True)
class ExtractStage:
    span: Span
    regex: str
    regex_span: Span
    schema: TypeExpr | None


@dataclass(frozen=True)
class JoinStage:
    """`join r"^\\s"`: lines matching the regex continue the line before them."""
    span: Span
    regex: str
    regex_span: Span


@dataclass(frozen=True)
class WriteStage:
    """`write "out/{day}.csv"`: each element to the file its fields name."""
    span: Span
    template: str
    template_span: Span


@dataclass(frozen=True)
class ChartStage:
    """`chart [by EXPR]` (a bar per element) or `spark [by EXPR]` (one line)."""
    span: Span
    kind: str
    value: Expr | None


@dataclass(frozen=True)
class HistStage:
    """`hist .time 1h`: how many elements fall in each bucket of time."""
    span: Span
    time: Expr
    bucket: Expr


@dataclass(frozen=True)
class SimpleStage:
    """Stages without arguments: stdin enumerate flatten csv tsv json table."""
    span: Span
    name: str


@dataclass(frozen=True)
class ExprStage:
    """A stage written as an expression: a bound stage, `topn 10`, a source value."""
    span: Span
    expr: Expr


Stage = Union[MapStage, WhereStage, SelectStage, DeriveStage, TakeStage, SortStage, TopStage,
              UniqStage, CountStage, SummarizeStage, FoldStage, LinesStage, SplitStage, ParseStage,
              PatternStage, ExtractStage, JoinStage, WriteStage, ChartStage, HistStage, SimpleStage, ExprStage]


# Statements ----------------------------------------------------------------

@dataclass(frozen=True)
class Pipeline:
    span: Span
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class Param:
    span: Span
    name: str
    type: TypeExpr | None


@dataclass(frozen=True)
class Let:
    span: Span
    name: str
    name_span: Span
    params: tuple[Param, ...]
    body: Pipeline


@dataclass(frozen=True)
class TypeDecl:
    span: Span
    name: str
    name_span: Span
    type: TypeExpr


Statement = Union[Let, TypeDecl, Pipeline]


@dataclass(frozen=True)
class Program:
    source: Source
    statements: tuple[Statement, ...]
