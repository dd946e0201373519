"""Where things are in a half-typed input: pipes, brackets, the stage under the cursor.

The toplevel must answer these questions on every keystroke, for text that
is usually not a complete program, so they are answered from the Pygments
lexer's tokens (which never fail) rather than from the parser: a `|` inside
a string, a comment or an f-string's `{...}` is not a pipe, and one inside
brackets does not end a stage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pygments.token import Comment, Keyword, Name, Operator, Punctuation, String, Token, _TokenType

from ..lexer import StreamLangLexer

# A line that ends with one of these goes on (SPEC §1), as does `=` (`let x =`).
CONTINUING_OPERATORS = {"|", "|>", "->", "=", "+", "-", "*", "/", "//", "%", "==", "!=", "<", "<=", ">",
                        ">=", "~", "!~", "&&", "||", "??", "!"}
CONTINUING_KEYWORDS = {"let", "fun", "if", "then", "else", "by", "as", "in"}
OPEN, CLOSE = "([{", ")]}"


@dataclass(frozen=True)
class Tok:
    start: int
    kind: _TokenType
    text: str
    depth: int  # brackets (and f-string braces) open before this token

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def significant(self) -> bool:
        return self.kind not in Token.Text and self.kind not in Comment

    @property
    def is_pipe(self) -> bool:
        return self.depth == 0 and self.kind in Operator and self.text in ("|", "|>")


_lexer = StreamLangLexer()


@lru_cache(maxsize=64)
def tokens(text: str) -> tuple[Tok, ...]:
    out = []
    depth = 0
    for start, kind, value in _lexer.get_tokens_unprocessed(text):
        opens = (kind in Punctuation and value in OPEN) or (kind in String.Interpol and value == "{")
        closes = (kind in Punctuation and value in CLOSE) or (kind in String.Interpol and value == "}")
        if closes:
            depth = max(0, depth - 1)
        out.append(Tok(start, kind, value, depth))
        if opens:
            depth += 1
    return tuple(out)


def needs_more(text: str) -> bool:
    """Whether Enter should continue the input on a new line rather than submit it:
    a bracket is open, or the last token asks for more (`|`, `,`, an operator, `then`...)."""
    if text.lstrip().startswith(":"):
        return False
    toks = [t for t in tokens(text) if t.significant]
    if not toks:
        return False
    last = toks[-1]
    if last.depth > 0 or last.kind in Punctuation and last.text in OPEN:
        return True
    if last.kind in Punctuation and last.text == ",":
        return True
    if last.kind in Operator and last.text in CONTINUING_OPERATORS:
        return True
    return last.kind in Keyword and last.text in CONTINUING_KEYWORDS


def pipes(text: str) -> list[int]:
    """The offsets of the top-level pipes."""
    return [t.start for t in tokens(text) if t.is_pipe]


def strip_trailing_pipes(text: str) -> str:
    """`parse apache | ` -> `parse apache`: what can run while the next stage is being typed."""
    while True:
        toks = [t for t in tokens(text) if t.significant]
        if not toks or not toks[-1].is_pipe:
            return text
        text = text[:toks[-1].start].rstrip()


def upto_stage(text: str, cursor: int) -> tuple[str, int, int]:
    """The input up to the end of the stage under the cursor, with that stage's
    number and the number of stages (both counted in the last statement)."""
    offsets = pipes(text)
    after = [p for p in offsets if p >= cursor]
    cut = after[0] if after else len(text)
    head = strip_trailing_pipes(text[:cut].rstrip())
    start = _statement_start(text)
    in_statement = [p for p in offsets if p >= start]
    stage = 1 + len([p for p in in_statement if p < len(head)])
    total = 1 + len(in_statement)
    if strip_trailing_pipes(text.rstrip()) != text.rstrip():
        total -= 1
    return head, stage, total


def half_typed(head: str) -> bool:
    """The last stage is not finished: it ends with a `.` (a field to come), an operator or
    a keyword that goes on (`by`, `+`, `==`), or inside brackets."""
    return needs_more(head) or head.rstrip().endswith(".")


def before_last_stage(head: str) -> str:
    """`parse apache | count by` -> `parse apache`: the stages before the last one, in the
    last statement ("" when the last stage is its first)."""
    start = _statement_start(head)
    cuts = [p for p in pipes(head) if p >= start]
    if not cuts:
        return ""
    return strip_trailing_pipes(head[:cuts[-1]].rstrip())


def _statement_start(text: str) -> int:
    """Where the last statement begins: after the last top-level `;` or line break
    that does not continue the line."""
    toks = tokens(text)
    start = 0
    sig = [t for t in toks if t.significant]
    for i, t in enumerate(sig):
        if t.depth or i == 0:
            continue
        if t.kind in Punctuation and t.text == ";":
            start = t.end
            continue
        prev = sig[i - 1]
        gap = text[prev.end:t.start]
        if "\n" in gap and not t.is_pipe and not needs_more(text[:prev.end]):
            start = t.start
    return start


_LET_HEADER = re.compile(r"\s*let\s+([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)")


def last_statement(text: str) -> str:
    return text[_statement_start(text):]


def as_pipeline(statement: str) -> tuple[str | None, str]:
    """`let e = BODY` (no parameters) -> ("e", BODY); anything else -> (None, statement)."""
    m = _LET_HEADER.match(statement)
    if m is None:
        return None, statement
    return m.group(1), statement[m.end():]


_FIELD_PATH = re.compile(r"(?:(?<![A-Za-z0-9_)\]\"])_)?((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\.([A-Za-z_][A-Za-z0-9_]*)?$")


@dataclass(frozen=True)
class FieldContext:
    """The cursor is after `.`: complete a field of the element at that point."""
    program: str  # the input up to the stage the cursor is in, as a pipeline
    path: tuple[str, ...]  # `.req.pa` -> ("req",)
    partial: str  # `.req.pa` -> "pa"


def field_context(before: str) -> FieldContext | None:
    """The field being typed at the end of `before` (the input before the cursor)."""
    m = _FIELD_PATH.search(before)
    if m is None:
        return None
    start = m.start()
    if start > 0 and re.match(r"[A-Za-z0-9_)\]\"]", before[start - 1]):
        return None  # `x.a` is an attribute of a value, not a field of the element
    dot = start + (1 if before[start] == "_" else 0)
    if any(t.start <= dot < t.end and t.kind in String and t.kind not in String.Interpol
           for t in tokens(before)):
        return None  # inside a string
    stmt_start = _statement_start(before[:start])
    head = [p for p in pipes(before[:start]) if p >= stmt_start]
    if not head:
        return None  # the first stage of a statement sees the raw input line
    statement = before[stmt_start:head[-1]]
    _, body = as_pipeline(statement)
    program = before[:stmt_start] + body
    path = tuple(p for p in m.group(1).split(".") if p)
    return FieldContext(program, path, m.group(2) or "")


def word_before(before: str) -> str:
    m = re.search(r"[A-Za-z_][A-Za-z0-9_]*$", before)
    return m.group(0) if m else ""


def stage_position(before: str) -> bool:
    """Whether a stage may start where the current word starts (after `|`, at a statement start, after `=` of a let)."""
    head = before[:len(before) - len(word_before(before))]
    toks = [t for t in tokens(head) if t.significant]
    if not toks:
        return True
    last = toks[-1]
    if last.is_pipe or last.kind in Punctuation and last.text == ";":
        return True
    if last.kind in Operator and last.text == "=" and _LET_HEADER.match(last_statement(head) + " "):
        return True
    return "\n" in head[last.end:] and not needs_more(head)


def after_parse(before: str) -> bool:
    """Whether the current word is the format of `parse`."""
    head = before[:len(before) - len(word_before(before))]
    toks = [t for t in tokens(head) if t.significant]
    return bool(toks) and toks[-1].kind in Name.Builtin and toks[-1].text == "parse"
