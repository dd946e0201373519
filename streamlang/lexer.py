"""The Pygments lexer for StreamLang, used by the toplevel and by docs.

It imports nothing but Pygments, so highlighting never loads the compiler
(or lark): the REPL re-lexes on every keystroke and must stay cheap. Usage::

    from pygments import highlight
    from pygments.formatters import TerminalFormatter
    print(highlight("parse apache | count by .status", StreamLangLexer(), TerminalFormatter()))

Token choices (the tests in tests/test_lexer.py pin each one down):

- keywords (``KEYWORDS``) are ``Keyword``; ``true false null`` are
  ``Keyword.Constant``;
- a stage name (``STAGES``) is ``Name.Builtin`` only where a stage may start:
  at the start of the program or of a line, after ``|``/``|>``, ``;`` or
  ``=`` (``let errors = where ...``). Elsewhere it is an ordinary name, as
  in the grammar's contextual lexer: ``.count`` is a field, ``count()`` a
  call, ``take take`` a stage and a name. Even at a stage start, a name
  before ``=`` or ``:`` is an item or a field (``count = .n``, ``{count: int}``);
- after the ``parse`` stage a built-in format (``FORMATS``) is
  ``Name.Constant``, and each ``*`` of a pattern string is
  ``String.Interpol``;
- a name immediately followed by ``(`` is ``Name.Function``; ``.field`` (one
  token, dot included) is ``Name.Attribute``; ``_`` is
  ``Name.Builtin.Pseudo`` (like ``self``); the name bound by ``let`` is
  ``Name.Function`` when parameters follow it, else ``Name.Variable``; the
  name bound by ``type`` is ``Name.Class``;
- a built-in type name (``TYPES``) is ``Keyword.Type`` unless it is called
  (``int(_)``), a field (``.time``), a label before ``:`` or ``=``
  (``{time: time}``) or a name in the list after ``as``
  (``as ip, time:time``). Those names are never values, so type positions
  need no tracking; for the same reason the ``<`` ``>`` of ``stream<int>``
  stay ``Operator``;
- durations (``5m``, ``1h30m``) are ``Number.Other``;
- ``r"..."`` is ``String.Affix`` + ``String.Regex``; ``f"..."`` is
  ``String.Affix`` + ``String.Double`` with ``String.Interpol`` braces around
  code lexed by the ordinary rules; ``{{``/``}}`` and escapes are
  ``String.Escape``;
- ``: , ; ( ) [ ] { }`` are ``Punctuation``; everything else, ``|``, ``|>``,
  ``=``, ``->`` and ``?`` included, is ``Operator``.

Known approximation: a line that continues an expression (after ``,`` or an
operator) is taken as a possible stage start, like any other line. A string
never spans lines (nor does the grammar's), so an unclosed quote colours only
the rest of its own line. Characters the language has no use for (``@``,
``'``, a lone ``&``) are ``Error``.
"""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups, default, include
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)
from pygments.util import shebang_matches

__all__ = ["CONSTANTS", "FORMATS", "KEYWORDS", "STAGES", "TYPES", "StreamLangLexer"]

KEYWORDS = ("let", "type", "fun", "if", "then", "else", "by", "as", "asc", "desc", "in")
CONSTANTS = ("true", "false", "null")
STAGES = (
    "lines", "stdin", "split", "words", "parse", "extract", "map", "where", "filter",
    "select", "derive", "take", "drop", "tail", "sort", "top", "uniq", "distinct",
    "count", "summarize", "fold", "enumerate", "flatten", "csv", "tsv", "json", "table",
    "join", "write", "chart", "spark", "hist",
)  # fmt: skip
FORMATS = ("apache", "combined", "common", "nginx", "syslog", "logfmt", "json", "csv", "tsv")
TYPES = ("str", "int", "float", "bool", "time", "duration", "dyn", "stream", "stage")


def _any(names: tuple[str, ...]) -> str:
    return "(?:" + "|".join(names) + ")"


IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
END = r"(?![A-Za-z0-9_])"  # the end of an identifier (SPEC §1: ASCII only)
NOT_LABEL = r"(?!\s*(?:=(?!=)|:))"  # a name before `=` or `:` names an item or a field
NOT_CALL = r"(?!\()"
ESCAPE = r'\\(?:[tnr\\"]|u\{[0-9A-Fa-f]+\})'
DURATION = r"(?:\d+(?:ms|s|m|h|d|w))+" + END

# A zero-width rule that leaves a state without emitting an (empty) token.
_POP_AT_NEWLINE = (r"(?=\n)", bygroups(), "#pop")


class StreamLangLexer(RegexLexer):
    """Highlights StreamLang programs, scripts and toplevel input."""

    name = "StreamLang"
    aliases: ClassVar[list[str]] = ["streamlang", "sl"]
    filenames: ClassVar[list[str]] = ["*.sl"]
    mimetypes: ClassVar[list[str]] = ["text/x-streamlang"]

    tokens: ClassVar[dict] = {
        "root": [
            # A new line may start a statement or a continued pipeline.
            (r"\n\s*", Whitespace, "stage"),
            (r"[^\S\n]+", Whitespace),
            include("comment"),
            include("string"),
            (DURATION, Number.Other),
            (r"\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+", Number.Float),
            (r"\d+", Number.Integer),
            # As in the grammar, `name(` is a call whatever the name is.
            (IDENT + r"(?=\()", Name.Function),
            (r"\." + IDENT, Name.Attribute),
            (
                r"(let)([^\S\n]+)(" + IDENT + r")(?=[^\S\n]+[A-Za-z_(])",
                bygroups(Keyword, Whitespace, Name.Function),
            ),
            (r"(let)([^\S\n]+)(" + IDENT + ")", bygroups(Keyword, Whitespace, Name.Variable)),
            (r"(type)([^\S\n]+)(" + IDENT + ")", bygroups(Keyword, Whitespace, Name.Class)),
            (r"as" + END, Keyword, "as-list"),
            (_any(KEYWORDS) + END, Keyword),
            (_any(CONSTANTS) + END, Keyword.Constant),
            (r"_" + END, Name.Builtin.Pseudo),
            (_any(TYPES) + END + NOT_LABEL, Keyword.Type),
            (IDENT, Name),
            (r"\|\||&&|\?\?|==|!=|<=|>=|!~|->|//|[<>~!+\-*/%?]", Operator),
            (r"\|>?|=", Operator, "stage"),
            (r";", Punctuation, "stage"),
            (r"[:,()\[\]{}.]", Punctuation),
        ],
        # Where a stage may start: a stage name here is the stage.
        "stage": [
            (r"\s+", Whitespace),
            include("comment"),
            (r"parse" + END + NOT_CALL + NOT_LABEL, Name.Builtin, ("#pop", "format")),
            (_any(STAGES) + END + NOT_CALL + NOT_LABEL, Name.Builtin, "#pop"),
            default("#pop"),
        ],
        "format": [
            (r"[^\S\n]+", Whitespace),
            (_any(FORMATS) + END + NOT_CALL, Name.Constant, "#pop"),
            (r'"', String.Double, ("#pop", "pattern")),
            default("#pop"),
        ],
        # After `as`: the fields of a pattern (`as ip, time:time, bytes:int?`),
        # where every name is a field. A schema (`as {...}`) leaves at once.
        "as-list": [
            (r"\s+", Whitespace),
            (
                r"(" + IDENT + r")(\s*)(:)(\s*)(" + _any(TYPES) + END + r")(\?)?",
                bygroups(Name, Whitespace, Punctuation, Whitespace, Keyword.Type, Operator),
                ("#pop", "as-list-end"),
            ),
            (
                r"(" + IDENT + r")(\s*)(:)(\s*)(" + IDENT + r")(\?)?",
                bygroups(Name, Whitespace, Punctuation, Whitespace, Name, Operator),
                ("#pop", "as-list-end"),
            ),
            (
                r"(?!" + _any(KEYWORDS + CONSTANTS) + END + ")" + IDENT + END + NOT_CALL,
                Name,
                ("#pop", "as-list-end"),
            ),
            default("#pop"),
        ],
        "as-list-end": [
            (r"[^\S\n]+", Whitespace),
            (r",", Punctuation, ("#pop", "as-list")),
            default("#pop"),
        ],
        "comment": [
            (r"\A#!.*", Comment.Hashbang),
            (r"#.*", Comment.Single),
        ],
        "string": [
            (r'(r)("[^"\n]*"?)', bygroups(String.Affix, String.Regex)),
            (r'(f)(")', bygroups(String.Affix, String.Double), "fstring"),
            (r'"', String.Double, "dqs"),
        ],
        "escape": [
            (ESCAPE, String.Escape),
            (r"\\", String.Double),  # not an escape: the compiler says so
        ],
        "dqs": [
            (r'[^"\\\n]+', String.Double),
            include("escape"),
            (r'"', String.Double, "#pop"),
            _POP_AT_NEWLINE,
        ],
        # A parse pattern: each `*` captures one field of the `as` list.
        "pattern": [
            (r'[^"\\\n*]+', String.Double),
            (r"\*", String.Interpol),
            include("escape"),
            (r'"', String.Double, "#pop"),
            _POP_AT_NEWLINE,
        ],
        "fstring": [
            (r'[^"\\\n{}]+', String.Double),
            include("escape"),
            (r"\{\{|\}\}", String.Escape),
            (r"\{", String.Interpol, "fstring-code"),
            (r"\}", String.Double),  # a lone `}`: the compiler says so
            (r'"', String.Double, "#pop"),
            _POP_AT_NEWLINE,
        ],
        # The expression inside `f"{...}"`; braces of a record nest.
        "fstring-code": [
            (r"\}", String.Interpol, "#pop"),
            (r"\{", Punctuation, "fstring-braces"),
            _POP_AT_NEWLINE,
            include("root"),
        ],
        "fstring-braces": [
            (r"\}", Punctuation, "#pop"),
            (r"\{", Punctuation, "#push"),
            _POP_AT_NEWLINE,
            include("root"),
        ],
    }

    def get_tokens_unprocessed(self, text, stack=("root", "stage")):
        # A program starts where a stage may start (`take 2`).
        return super().get_tokens_unprocessed(text, stack)

    def analyse_text(text):
        """A `#!/usr/bin/env -S sl -f` script is certainly StreamLang."""
        return 1.0 if shebang_matches(text, r"(sl|streamlang)") else 0.0
