"""Program text -> `syntax` nodes.

lark does the parsing (LALR, contextual lexer, tables shipped in grammar/tables.json); this
module turns its tree into frozen syntax nodes with spans, and its exceptions
into diagnostics that say in words what was expected. Nothing after this
module sees a lark object.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import syntax as S
from .errors import CompileError, Diagnostic, did_you_mean
from .source import Source, Span

# A newline after one of these continues the statement on the next line.
_CONTINUERS = frozenset({
    "|", "|>", ",", "+", "-", "*", "/", "//", "%", "==", "!=", "<", "<=", ">", ">=", "~", "!~",
    "&&", "||", "??", "!", "in", "->", "=", ":", "then", "else", "if", "by", "as", "let", "fun",
})
_LITERAL_TYPES = frozenset({"NAME", "STRING", "RAW_STRING", "FSTRING", "INT", "FLOAT", "DURATION",
                            "FIELD", "ATTR", "CALLNAME"})
_OPENERS = frozenset({"(", "[", "{"})
_CLOSERS = frozenset({")", "]", "}"})


class _Continuations:
    """Drops the newlines that do not end a statement (SPEC §1)."""

    always_accept = ("_NL",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        depth = 0
        prev: Token | None = None
        for tok in stream:
            if tok.type == "_NL":
                if depth > 0 or (prev is not None and prev.type not in _LITERAL_TYPES
                                 and prev.value in _CONTINUERS):
                    continue
            elif tok.type not in _LITERAL_TYPES:
                if tok.value in _OPENERS:
                    depth += 1
                elif tok.value in _CLOSERS and depth > 0:
                    depth -= 1
            prev = tok
            yield tok


@lru_cache(maxsize=1)
def _lark() -> Lark:
    """The parser, from the tables shipped in `grammar/tables.json` (written by
    scripts/gen_parser_tables.py): never from a cache another user could write.
    Tables made from another grammar, or by a lark whose format may differ, are
    not used: the parser is then built from the grammar (slower, as correct)."""
    import hashlib
    import json

    import lark
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grammar")
    with open(os.path.join(here, "streamlang.lark"), "rb") as f:
        grammar_sha256 = hashlib.sha256(f.read()).hexdigest()
    try:
        with open(os.path.join(here, "tables.json"), encoding="utf-8") as f:
            tables = json.load(f, object_hook=_tables_value)
    except (OSError, ValueError):
        return make_lark()
    if (tables["lark_version"], tables["grammar_sha256"]) != (lark.__version__, grammar_sha256):
        return make_lark()
    return Lark._load_from_dict(tables["data"], tables["memo"], postlex=_Continuations())


def _tables_value(d: dict[str, Any]) -> object:
    """What JSON cannot hold, as scripts/gen_parser_tables.py wrote it: tuples, integer keys."""
    if len(d) == 1:
        if "#map" in d:
            return {k: v for k, v in d["#map"]}
        if "#tuple" in d:
            return tuple(d["#tuple"])
    return d


def make_lark() -> Lark:
    """The parser built from the grammar (a few hundred milliseconds); tools that
    need the grammar object itself use it, and it makes the shipped tables."""
    return Lark.open_from_package(
        "streamlang.grammar", "streamlang.lark", parser="lalr", lexer="contextual",
        propagate_positions=True, maybe_placeholders=True, postlex=_Continuations(),
        start=["start", "expr"],
    )


def parse_program(source: Source) -> S.Program:
    """Parse a whole program. Raises `CompileError` with a located diagnostic."""
    tree = _parse(source, source.text, "start")
    return S.Program(source, tuple(_build(source, tree, MAX_DEPTH)))


def parse_expr(source: Source, text: str, offset: int, depth_left: int) -> S.Expr:
    """Parse an expression found at `offset` of `source` (inside an f-string
    that is itself nested `MAX_DEPTH - depth_left` levels deep)."""
    tree = _parse(source, " " * offset + text, "expr")
    result: S.Expr = _build(source, tree, depth_left)
    return result


def _build(source: Source, tree: Any, depth_left: int) -> Any:
    fstring_depths = _check_depth(source, tree, depth_left)
    try:
        return _Builder(source, depth_left, fstring_depths).transform(tree)
    except VisitError as e:
        # A diagnostic raised while building a node (a bad escape, say).
        if isinstance(e.orig_exc, CompileError):
            raise e.orig_exc from None
        raise


def _parse(source: Source, text: str, start: str) -> Any:
    try:
        return _lark().parse(text, start=start)
    except UnexpectedInput as e:
        raise CompileError([_syntax_diagnostic(source, text, e)]) from None


# Nesting depth -------------------------------------------------------------

# How deep expressions and types may nest. Every stage after the parser
# recurses once or more per level: lark's Transformer, the checker, codegen,
# the printer, Python's compile() and, for `--emit python`, ast.unparse. The
# costliest is ast.unparse: about 12 frames a level for a record literal
# (`{a = {a = ...}}`, which the writer unpacks level by level) and 6 for a
# method call (`upper(upper(...))` is `x.upper().upper()`); the transformer
# and the checker take 2 to 3, compile() 1 to 2. Measured through `sl`, the
# record literal stops printing at 80 levels, the method call at about 150,
# anything else later. So 64 levels fit in Python's default 1000 frames with
# room for the caller (the toplevel, a test runner), and the limit needs no
# raised recursion limit. Real programs nest 10 or 20 deep.
#
# A long chain such as `1 + 1 + ... + 1` is a left-nested tree as deep as it
# is long, and counts level by level like any other nesting. Making chains
# of `+`, `&&` and `??` unlimited would take an iterative version of every
# stage and would still not be enough: CPython's ast.unparse and compile()
# recurse over the nested BinOp/BoolOp such a chain turns into.
MAX_DEPTH = 64

# Rules that wrap expressions without nesting them: statements, stages, items.
_NOT_NESTING = frozenset({
    "start", "let_stmt", "type_stmt", "param", "typed_param", "pipeline", "items", "item", "named_item",
    "sort_key", "pattern_field", "record_field", "field_type",
})
_TYPE_RULES = frozenset({"fn_type", "opt_type", "named_type", "generic_type", "list_type", "record_type"})


def _check_depth(source: Source, tree: Any, depth_left: int) -> dict[int, int]:
    """Raise a diagnostic at the first node (in program order) nested more
    than `depth_left` levels deep. Returns the depth of each f-string token,
    by offset, so that the expressions inside get only what is left.

    Iterative, with its own stack: this is what keeps deep trees away from
    the recursive stages after it."""
    fstring_depths: dict[int, int] = {}
    stack: list[tuple[Any, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Token):
            if node.type == "FSTRING":
                fstring_depths[node.start_pos or 0] = depth
            continue
        if not isinstance(node, Tree):
            continue  # an optional part left out (None)
        if node.data.endswith("_stage") or node.data in _NOT_NESTING:
            pass
        elif not any(isinstance(child, Tree) for child in node.children):
            pass  # a leaf (a literal, a name, `now()`) nests nothing
        elif depth == depth_left:
            raise CompileError([_too_deep(source, node)])
        else:
            depth += 1
        stack.extend((child, depth) for child in reversed(node.children))
    return fstring_depths


def _too_deep(source: Source, node: Tree[Any]) -> Diagnostic:
    what, hint = "expression", "split it up: give an inner part a name with `let`"
    if node.data in _TYPE_RULES:
        what, hint = "type", "split it up: give an inner part a name with `type NAME = ...`"
    return Diagnostic(source, _head(source, node),
                      f"{what} nested too deeply (more than {MAX_DEPTH} levels)", hint)


def _head(source: Source, node: Tree[Any]) -> Span:
    """The token that opens a node (`[`, `if`, `!`, `len`), or for a node that
    starts with its left operand (`a + b`, `a[0]`, `t?`), its operator."""
    start, end = node.meta.start_pos, node.meta.end_pos
    children: list[Token | Tree[Any]] = [c for c in node.children if c is not None]
    if not children:  # `true`, `null`
        return Span(start, end)
    first = children[0]
    if _span_of(first).start > start:  # an opener lark drops: `[`, `if`, `fun`
        return Span(start, start + len(source.text[start:_span_of(first).start].rstrip()))
    if isinstance(first, Token):  # `!`, `-`, a function's name
        return _span_of(first)
    operator = next((c for c in children if isinstance(c, Token)), None)
    if operator is not None:  # `+`, `[`, `.a`
        return _span_of(operator)
    trailing = source.text[_span_of(children[-1]).end:end]
    if trailing.strip():  # `t?`
        return Span(end - len(trailing.lstrip()), end)
    return _span_of(first)  # `f x`: the function


def _span_of(child: Token | Tree[Any]) -> Span:
    return _span(child if isinstance(child, Token) else child.meta)


# Syntax errors -------------------------------------------------------------

_WORDS = {
    "NAME": "a name", "CALLNAME": "a function call", "INT": "a number", "FLOAT": "a number",
    "DURATION": "a duration", "STRING": "a string", "RAW_STRING": "a raw string",
    "FSTRING": "a format string", "FIELD": "a field like `.name`", "ATTR": "`.field`",
    "_NL": "end of line", "$END": "end of input", "PIPE": "`|`", "COMPARE": "a comparison",
    "ADDOP": "`+` or `-`", "MULOP": "`*`, `/`, `//` or `%`", "INDEX_LSQB": "`[`",
}
_EXPR_START = {"INT", "STRING", "NAME", "FIELD"}
_PUNCT = {"LPAR", "RPAR", "LSQB", "RSQB", "LBRACE", "RBRACE", "COMMA", "PIPE", "_NL", "$END", "SEMICOLON"}


def _describe_expected(expected: set[str]) -> str:
    words: list[str] = []
    if _EXPR_START <= expected:
        words.append("an expression")
        expected = {t for t in expected if t not in _EXPR_START | {
            "FLOAT", "DURATION", "RAW_STRING", "FSTRING", "CALLNAME", "LPAR", "LSQB", "LBRACE",
            "MINUS", "BANG", "TRUE", "FALSE", "NULL", "FUN", "IF"}}
    if {"MAP", "WHERE", "SELECT"} <= expected:
        words.append("a stage")
        expected = {t for t in expected if t in _WORDS or t in _PUNCT}
    if {"ADDOP", "MULOP", "COMPARE"} <= expected:
        words.append("an operator")
        expected -= {"ADDOP", "MULOP", "COMPARE", "ANDAND", "OROR", "QQ", "IN", "ATTR", "INDEX_LSQB", "MINUS"}
    for name in sorted(expected):
        if name in _WORDS:
            words.append(_WORDS[name])
            continue
        try:
            pattern = _lark().get_terminal(name).pattern
        except KeyError:
            continue
        if pattern.type == "str":
            words.append(f"`{pattern.value}`")
    words = list(dict.fromkeys(words))
    if not words:
        return "something else"
    if len(words) > 8:
        words = words[:8] + ["..."]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


_SEGMENT_START = re.compile(r"(?:^|[|;\n])[ \t]*(?:let\s+\w+(?:\s+\w+)*\s*=\s*)?([A-Za-z_]\w*)\b[^|;\n]*$")


def _misspelt_stage(source: Source, text: str, pos: int) -> Diagnostic | None:
    """`sotr by _`: the error is the stage's name, not the `by` the parser trips on."""
    from .prelude import STAGES
    m = _SEGMENT_START.search(text, 0, pos)
    if m is None or m.group(1) in STAGES or m.group(1) in ("let", "type", "fun", "if"):
        return None
    hint = did_you_mean(m.group(1), STAGES)
    if hint is None:
        return None
    return Diagnostic(source, Span(m.start(1), m.end(1)), f"unknown stage `{m.group(1)}`", hint)


def _syntax_diagnostic(source: Source, text: str, e: UnexpectedInput) -> Diagnostic:
    pos = min(e.pos_in_stream or 0, len(source.text))
    misspelt = _misspelt_stage(source, text, pos) if isinstance(e, UnexpectedToken) else None
    if misspelt is not None:
        return misspelt
    if isinstance(e, UnexpectedToken) and e.token.type == "$END":
        pos = len(text.rstrip())
        return Diagnostic(source, Span(pos, pos + 1),
                          f"unexpected end of input: expected {_describe_expected(set(e.expected))}")
    if isinstance(e, UnexpectedEOF):
        pos = len(text.rstrip())
        return Diagnostic(source, Span(pos, pos + 1), "unexpected end of input")
    if isinstance(e, UnexpectedCharacters):
        at = e.pos_in_stream or 0
        ch = text[at] if at < len(text) else ""
        hint = None
        if ch == '"':
            hint = "strings end on the line they start on; write a newline as \\n"
        elif ch == "'":
            hint = "strings use double quotes: \"...\""
        elif ch == "=":
            hint = "compare with `==`; `=` names an item (`name = expr`) or binds in `let`"
        return Diagnostic(source, Span(pos, pos + 1), f"unexpected character {ch!r}", hint)
    assert isinstance(e, UnexpectedToken)
    tok = e.token
    expected = set(e.expected)
    if e.interactive_parser is not None:
        try:
            # The parser's own view includes keywords, which the lexer folds into NAME.
            expected = set(e.interactive_parser.accepts()) or expected
        except Exception:  # noqa: BLE001 - a better message is not worth a crash
            pass
    end = tok.end_pos if tok.end_pos is not None else pos + 1
    shown = "end of line" if tok.type == "_NL" else f"`{tok.value}`"
    if tok.type == "_NL":
        end = pos + 1
    hint = None
    if tok.type == "_NL" or tok.value == ";":
        hint = "a statement continues on the next line after `|`, `,`, an operator, or inside brackets"
    if tok.value == "=" and tok.type != "STRING":
        hint = "compare with `==`; `=` names an item (`name = expr`) or binds in `let`"
    return Diagnostic(source, Span(pos, max(end, pos + 1)),
                      f"unexpected {shown}: expected {_describe_expected(expected)}", hint)


# Literals ------------------------------------------------------------------

_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\", '"': '"', "0": "\0"}
_ESCAPE_RE = re.compile(r"\\(u\{([0-9A-Fa-f]{1,6})\}|.)")


def unescape(source: Source, body: str, offset: int) -> str:
    """The value of a string literal's body (between the quotes) at `offset`."""
    def replace(m: re.Match[str]) -> str:
        if m.group(2) is not None:
            code = int(m.group(2), 16)
            if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code)
        elif m.group(1) in _ESCAPES:
            return _ESCAPES[m.group(1)]
        span = Span(offset + m.start(), offset + m.end())
        if m.group(2) is not None:
            raise CompileError([Diagnostic(source, span, f"`{m.group(0)}` is not a Unicode code point",
                                           "code points go up to 10FFFF and exclude D800-DFFF")])
        raise CompileError([Diagnostic(source, span, f"unknown escape `{m.group(0)}`",
                                       "escapes are \\t \\n \\r \\\\ \\\" \\u{HEX}; "
                                       "raw strings r\"...\" take backslashes as they are")])
    return _ESCAPE_RE.sub(replace, body) if "\\" in body else body


_DURATION_PART = re.compile(r"(\d+)(ms|s|m|h|d|w)")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}


def duration_value(text: str) -> timedelta:
    ms = sum(int(n) * _UNIT_MS[unit] for n, unit in _DURATION_PART.findall(text))
    return timedelta(milliseconds=ms)


_FSTRING_PART = re.compile(r'\\u\{[0-9A-Fa-f]{1,6}\}|\\.|\{\{|\}\}|\{((?:[^}"]|"(?:\\.|[^"\\])*")*)\}')


def fstring_parts(source: Source, token: Token, depth_left: int) -> tuple[str | S.Expr, ...]:
    """Literal text and parsed `{expr}` parts of an f-string token, whose
    expressions may nest `depth_left` levels deep."""
    body_start = (token.start_pos or 0) + 2
    body = token.value[2:-1]
    parts: list[str | S.Expr] = []
    text: list[str] = []
    pos = 0
    for m in _FSTRING_PART.finditer(body):
        text.append(unescape(source, body[pos:m.start()], body_start + pos))
        pos = m.end()
        if m.group(0) in ("{{", "}}"):
            text.append(m.group(0)[0])
            continue
        if m.group(0).startswith("\\"):
            text.append(unescape(source, m.group(0), body_start + m.start()))
            continue
        if not m.group(1).strip():
            raise CompileError([Diagnostic(source, Span(body_start + m.start(), body_start + m.end()),
                                           "empty `{}` in a format string",
                                           "write a literal brace as `{{` or `}}`")])
        if "".join(text):
            parts.append("".join(text))
        text.clear()
        parts.append(parse_expr(source, m.group(1), body_start + m.start(1), depth_left))
    text.append(unescape(source, body[pos:], body_start + pos))
    if "".join(text):
        parts.append("".join(text))
    return tuple(parts)


# Tree -> syntax nodes ------------------------------------------------------

def _span(x: Any) -> Span:
    """The span of a token or of a rule's `meta` (both have start_pos and end_pos)."""
    return Span(x.start_pos, x.end_pos)


@v_args(meta=True)
class _Builder(Transformer):  # type: ignore[type-arg]
    def __init__(self, source: Source, depth_left: int, fstring_depths: dict[int, int]):
        super().__init__()
        self.source = source
        self.depth_left = depth_left
        self.fstring_depths = fstring_depths

    # statements
    def start(self, meta, children):
        return [c for c in children if c is not None and not isinstance(c, Token)]

    def let_stmt(self, meta, c):
        name, *params, body = c
        return S.Let(_span(meta), str(name), _span(name), tuple(params), body)

    def param(self, meta, c):
        return S.Param(_span(meta), str(c[0]), None)

    def typed_param(self, meta, c):
        return S.Param(_span(meta), str(c[0]), c[1])

    def type_stmt(self, meta, c):
        return S.TypeDecl(_span(meta), str(c[0]), _span(c[0]), c[1])

    def pipeline(self, meta, c):
        return S.Pipeline(_span(meta), tuple(x for x in c if not isinstance(x, Token)))

    # stages
    def map_stage(self, meta, c):
        return S.MapStage(_span(meta), c[0])

    def where_stage(self, meta, c):
        return S.WhereStage(_span(meta), c[0])

    def select_stage(self, meta, c):
        return S.SelectStage(_span(meta), c[0])

    def derive_stage(self, meta, c):
        return S.DeriveStage(_span(meta), c[0])

    def take_stage(self, meta, c):
        return S.TakeStage(_span(meta), "take", c[0])

    def drop_stage(self, meta, c):
        return S.TakeStage(_span(meta), "drop", c[0])

    def tail_stage(self, meta, c):
        return S.TakeStage(_span(meta), "tail", c[0])

    def sort_stage(self, meta, c):
        return S.SortStage(_span(meta), tuple(c))

    def top_stage(self, meta, c):
        return S.TopStage(_span(meta), c[0], c[1])

    def uniq_stage(self, meta, c):
        return S.UniqStage(_span(meta), False, c[0])

    def distinct_stage(self, meta, c):
        return S.UniqStage(_span(meta), True, c[0])

    def count_stage(self, meta, c):
        return S.CountStage(_span(meta), c[0] or ())

    def summarize_stage(self, meta, c):
        return S.SummarizeStage(_span(meta), c[0], c[1] or ())

    def fold_stage(self, meta, c):
        return S.FoldStage(_span(meta), c[0], c[1])

    def lines_stage(self, meta, c):
        return S.LinesStage(_span(meta), c[0])

    def split_stage(self, meta, c):
        return S.SplitStage(_span(meta), c[0], c[1])

    def words_stage(self, meta, c):
        return S.SplitStage(_span(meta), None, c[0])

    def parse_stage(self, meta, c):
        return S.ParseStage(_span(meta), str(c[0]), _span(c[0]), c[1])

    def pattern_stage(self, meta, c):
        tok, *fields = c
        body = unescape(self.source, tok.value[1:-1], tok.start_pos + 1)
        return S.PatternStage(_span(meta), body, _span(tok), tuple(fields))

    def extract_stage(self, meta, c):
        tok, schema = c
        if tok.type == "RAW_STRING":
            regex = tok.value[2:-1]
        else:
            regex = unescape(self.source, tok.value[1:-1], tok.start_pos + 1)
        return S.ExtractStage(_span(meta), regex, _span(tok), schema)

    def join_stage(self, meta, c):
        tok = c[0]
        regex = tok.value[2:-1] if tok.type == "RAW_STRING" else unescape(
            self.source, tok.value[1:-1], tok.start_pos + 1)
        return S.JoinStage(_span(meta), regex, _span(tok))

    def write_stage(self, meta, c):
        tok = c[0]
        return S.WriteStage(_span(meta), unescape(self.source, tok.value[1:-1], tok.start_pos + 1), _span(tok))

    def chart_stage(self, meta, c):
        return S.ChartStage(_span(meta), "chart", c[0])

    def spark_stage(self, meta, c):
        return S.ChartStage(_span(meta), "spark", c[0])

    def hist_stage(self, meta, c):
        return S.HistStage(_span(meta), c[0], c[1])

    def simple_stage(self, meta, c):
        return S.SimpleStage(_span(meta), str(c[0]))

    def expr_stage(self, meta, c):
        return S.ExprStage(_span(meta), c[0])

    def items(self, meta, c):
        return tuple(c)

    def named_item(self, meta, c):
        return S.Item(_span(meta), str(c[0]), _span(c[0]), c[1])

    def item(self, meta, c):
        return S.Item(_span(meta), None, None, c[0])

    def sort_key(self, meta, c):
        return S.SortKey(_span(meta), c[0], None if c[1] is None else c[1].value == "desc")

    def pattern_field(self, meta, c):
        return S.PatternField(_span(meta), str(c[0]), c[1])

    # expressions
    def lambda_(self, meta, c):
        *params, body = c
        return S.Lambda(_span(meta), tuple(str(p) for p in params), body)

    def if_(self, meta, c):
        return S.If(_span(meta), c[0], c[1], c[2])

    def binary(self, meta, c):
        left, op, right = c
        return S.Binary(_span(meta), op.value, _span(op), left, right)

    def unary(self, meta, c):
        op, operand = c
        if op.value == "-" and isinstance(operand, S.Lit) and operand.kind in ("int", "float"):
            return S.Lit(_span(meta), -operand.value, operand.kind)  # type: ignore[operator]
        return S.Unary(_span(meta), op.value, operand)

    def apply(self, meta, c):
        return S.Apply(_span(meta), c[0], tuple(c[1:]))

    def attr(self, meta, c):
        return S.Attr(_span(meta), c[0], c[1].value[1:])

    def index(self, meta, c):
        return S.Index(_span(meta), c[0], c[2])

    def slice(self, meta, c):
        parts = [x for x in c if not isinstance(x, Token)]
        obj, lo, hi = c[0], c[2], c[4]
        del parts
        return S.Slice(_span(meta), obj, lo, hi)

    def int_lit(self, meta, c):
        try:
            return S.Lit(_span(meta), int(c[0]), "int")
        except ValueError:
            raise CompileError([Diagnostic(self.source, _span(meta), "this number has too many digits",
                                           "integers may have up to 100,000 digits")]) from None

    def float_lit(self, meta, c):
        return S.Lit(_span(meta), float(c[0]), "float")

    def duration_lit(self, meta, c):
        try:
            return S.Lit(_span(meta), duration_value(c[0].value), "duration")
        except (OverflowError, ValueError):
            raise CompileError([Diagnostic(self.source, _span(meta), "this duration is too long",
                                           "durations go up to 999999999 days")]) from None

    def string_lit(self, meta, c):
        tok = c[0]
        return S.Lit(_span(meta), unescape(self.source, tok.value[1:-1], tok.start_pos + 1), "str")

    def raw_string_lit(self, meta, c):
        return S.Lit(_span(meta), c[0].value[2:-1], "str")

    def fstring(self, meta, c):
        parts = fstring_parts(self.source, c[0], self.depth_left - self.fstring_depths[c[0].start_pos])
        if all(isinstance(p, str) for p in parts):
            return S.Lit(_span(meta), "".join(parts), "str")  # type: ignore[arg-type]
        return S.FString(_span(meta), parts)

    def true_lit(self, meta, c):
        return S.Lit(_span(meta), True, "bool")

    def false_lit(self, meta, c):
        return S.Lit(_span(meta), False, "bool")

    def null_lit(self, meta, c):
        return S.Lit(_span(meta), None, "null")

    def var(self, meta, c):
        if c[0].value == "_":
            return S.Elem(_span(meta))
        return S.Var(_span(meta), c[0].value)

    def field(self, meta, c):
        return S.Field(_span(meta), c[0].value[1:])

    def call(self, meta, c):
        name, *args = c
        return S.Call(_span(meta), name.value, _span(name), tuple(a for a in args if a is not None))

    def list_lit(self, meta, c):
        return S.ListLit(_span(meta), tuple(a for a in c if a is not None))

    def record_lit(self, meta, c):
        return S.RecordLit(_span(meta), tuple(x for x in c if x is not None))

    def record_field(self, meta, c):
        return (c[0].value, _span(c[0]), c[1])

    # types
    def fn_type(self, meta, c):
        return S.TFn(_span(meta), c[0], c[1])

    def opt_type(self, meta, c):
        return S.TOpt(_span(meta), c[0])

    def named_type(self, meta, c):
        return S.TName(_span(meta), c[0].value)

    def generic_type(self, meta, c):
        return S.TName(_span(meta), c[0].value, tuple(c[1:]))

    def list_type(self, meta, c):
        return S.TList(_span(meta), c[0])

    def record_type(self, meta, c):
        return S.TRecord(_span(meta), tuple(x for x in c if x is not None))

    def field_type(self, meta, c):
        return (c[0].value, _span(c[0]), c[1])
