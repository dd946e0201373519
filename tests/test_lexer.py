"""The Pygments lexer: exact token streams for snippets, and no Error token on real programs.

The snippets are Pygments' snippet tests written inline: a program and the whole
token stream `lexer.get_tokens` yields for it (which ends with the newline that
Pygments appends).
"""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

from streamlang import lexer as lexer_module
from streamlang.lexer import CONSTANTS, KEYWORDS, STAGES, TYPES, StreamLangLexer

REPO = Path(__file__).resolve().parents[1]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "cases"
GRAMMAR = REPO / "streamlang" / "grammar" / "streamlang.lark"


def lex(text: str) -> list[tuple]:
    return list(StreamLangLexer().get_tokens(text))


# fmt: off
SNIPPETS = [
    pytest.param(
        "#!/usr/bin/env -S sl -f\n# shout every line\nmap upper(_)  # done\n",
        [
            (Comment.Hashbang, "#!/usr/bin/env -S sl -f"), (Whitespace, "\n"),
            (Comment.Single, "# shout every line"), (Whitespace, "\n"), (Name.Builtin, "map"),
            (Whitespace, " "), (Name.Function, "upper"), (Punctuation, "("), (Name.Builtin.Pseudo, "_"),
            (Punctuation, ")"), (Whitespace, "  "), (Comment.Single, "# done"), (Whitespace, "\n"),
        ],
        id="shebang-and-comments",
    ),
    pytest.param(
        'let shout s = upper(s) + "!"',
        [
            (Keyword, "let"), (Whitespace, " "), (Name.Function, "shout"), (Whitespace, " "), (Name, "s"),
            (Whitespace, " "), (Operator, "="), (Whitespace, " "), (Name.Function, "upper"),
            (Punctuation, "("), (Name, "s"), (Punctuation, ")"), (Whitespace, " "), (Operator, "+"),
            (Whitespace, " "), (String.Double, '"'), (String.Double, "!"), (String.Double, '"'),
            (Whitespace, "\n"),
        ],
        id="let-function",
    ),
    pytest.param(
        "let n = 3; let f (x: int) = x + n",
        [
            (Keyword, "let"), (Whitespace, " "), (Name.Variable, "n"), (Whitespace, " "), (Operator, "="),
            (Whitespace, " "), (Number.Integer, "3"), (Punctuation, ";"), (Whitespace, " "),
            (Keyword, "let"), (Whitespace, " "), (Name.Function, "f"), (Whitespace, " "),
            (Punctuation, "("), (Name, "x"), (Punctuation, ":"), (Whitespace, " "), (Keyword.Type, "int"),
            (Punctuation, ")"), (Whitespace, " "), (Operator, "="), (Whitespace, " "), (Name, "x"),
            (Whitespace, " "), (Operator, "+"), (Whitespace, " "), (Name, "n"), (Whitespace, "\n"),
        ],
        id="let-value-and-typed-param",
    ),
    pytest.param(
        'let common = where .freq >= 10\nsplit "\\t"\n  | common\n  | map .word\n',
        [
            (Keyword, "let"), (Whitespace, " "), (Name.Variable, "common"), (Whitespace, " "),
            (Operator, "="), (Whitespace, " "), (Name.Builtin, "where"), (Whitespace, " "),
            (Name.Attribute, ".freq"), (Whitespace, " "), (Operator, ">="), (Whitespace, " "),
            (Number.Integer, "10"), (Whitespace, "\n"), (Name.Builtin, "split"), (Whitespace, " "),
            (String.Double, '"'), (String.Escape, r"\t"), (String.Double, '"'), (Whitespace, "\n  "),
            (Operator, "|"), (Whitespace, " "), (Name, "common"), (Whitespace, "\n  "), (Operator, "|"),
            (Whitespace, " "), (Name.Builtin, "map"), (Whitespace, " "), (Name.Attribute, ".word"),
            (Whitespace, "\n"),
        ],
        id="let-stage-then-script",
    ),
    pytest.param(
        "type hit = {ip: str, status: int?, tags: [str], s: stream<int>, f: int -> bool}",
        [
            (Keyword, "type"), (Whitespace, " "), (Name.Class, "hit"), (Whitespace, " "), (Operator, "="),
            (Whitespace, " "), (Punctuation, "{"), (Name, "ip"), (Punctuation, ":"), (Whitespace, " "),
            (Keyword.Type, "str"), (Punctuation, ","), (Whitespace, " "), (Name, "status"),
            (Punctuation, ":"), (Whitespace, " "), (Keyword.Type, "int"), (Operator, "?"),
            (Punctuation, ","), (Whitespace, " "), (Name, "tags"), (Punctuation, ":"), (Whitespace, " "),
            (Punctuation, "["), (Keyword.Type, "str"), (Punctuation, "]"), (Punctuation, ","),
            (Whitespace, " "), (Name, "s"), (Punctuation, ":"), (Whitespace, " "),
            (Keyword.Type, "stream"), (Operator, "<"), (Keyword.Type, "int"), (Operator, ">"),
            (Punctuation, ","), (Whitespace, " "), (Name, "f"), (Punctuation, ":"), (Whitespace, " "),
            (Keyword.Type, "int"), (Whitespace, " "), (Operator, "->"), (Whitespace, " "),
            (Keyword.Type, "bool"), (Punctuation, "}"), (Whitespace, "\n"),
        ],
        id="type-definition",
    ),
    pytest.param(
        'fold 0 (fun acc x -> if x in ["a", "b"] then acc + 1 else acc)',
        [
            (Name.Builtin, "fold"), (Whitespace, " "), (Number.Integer, "0"), (Whitespace, " "),
            (Punctuation, "("), (Keyword, "fun"), (Whitespace, " "), (Name, "acc"), (Whitespace, " "),
            (Name, "x"), (Whitespace, " "), (Operator, "->"), (Whitespace, " "), (Keyword, "if"),
            (Whitespace, " "), (Name, "x"), (Whitespace, " "), (Keyword, "in"), (Whitespace, " "),
            (Punctuation, "["), (String.Double, '"'), (String.Double, "a"), (String.Double, '"'),
            (Punctuation, ","), (Whitespace, " "), (String.Double, '"'), (String.Double, "b"),
            (String.Double, '"'), (Punctuation, "]"), (Whitespace, " "), (Keyword, "then"),
            (Whitespace, " "), (Name, "acc"), (Whitespace, " "), (Operator, "+"), (Whitespace, " "),
            (Number.Integer, "1"), (Whitespace, " "), (Keyword, "else"), (Whitespace, " "), (Name, "acc"),
            (Punctuation, ")"), (Whitespace, "\n"),
        ],
        id="fun-if-then-else-in",
    ),
    pytest.param(
        "map if true then null else false",
        [
            (Name.Builtin, "map"), (Whitespace, " "), (Keyword, "if"), (Whitespace, " "),
            (Keyword.Constant, "true"), (Whitespace, " "), (Keyword, "then"), (Whitespace, " "),
            (Keyword.Constant, "null"), (Whitespace, " "), (Keyword, "else"), (Whitespace, " "),
            (Keyword.Constant, "false"), (Whitespace, "\n"),
        ],
        id="constants",
    ),
    pytest.param(
        "sort by .a asc, .b desc | top 3 by .n",
        [
            (Name.Builtin, "sort"), (Whitespace, " "), (Keyword, "by"), (Whitespace, " "),
            (Name.Attribute, ".a"), (Whitespace, " "), (Keyword, "asc"), (Punctuation, ","),
            (Whitespace, " "), (Name.Attribute, ".b"), (Whitespace, " "), (Keyword, "desc"),
            (Whitespace, " "), (Operator, "|"), (Whitespace, " "), (Name.Builtin, "top"),
            (Whitespace, " "), (Number.Integer, "3"), (Whitespace, " "), (Keyword, "by"),
            (Whitespace, " "), (Name.Attribute, ".n"), (Whitespace, "\n"),
        ],
        id="sort-asc-desc",
    ),
    pytest.param(
        "count by .status | summarize n = count(), total = sum(.bytes) by .ip",
        [
            (Name.Builtin, "count"), (Whitespace, " "), (Keyword, "by"), (Whitespace, " "),
            (Name.Attribute, ".status"), (Whitespace, " "), (Operator, "|"), (Whitespace, " "),
            (Name.Builtin, "summarize"), (Whitespace, " "), (Name, "n"), (Whitespace, " "),
            (Operator, "="), (Whitespace, " "), (Name.Function, "count"), (Punctuation, "("),
            (Punctuation, ")"), (Punctuation, ","), (Whitespace, " "), (Name, "total"), (Whitespace, " "),
            (Operator, "="), (Whitespace, " "), (Name.Function, "sum"), (Punctuation, "("),
            (Name.Attribute, ".bytes"), (Punctuation, ")"), (Whitespace, " "), (Keyword, "by"),
            (Whitespace, " "), (Name.Attribute, ".ip"), (Whitespace, "\n"),
        ],
        id="count-by-vs-count-call",
    ),
    pytest.param(
        "take take | select count = .count, json = 1",
        [
            (Name.Builtin, "take"), (Whitespace, " "), (Name, "take"), (Whitespace, " "), (Operator, "|"),
            (Whitespace, " "), (Name.Builtin, "select"), (Whitespace, " "), (Name, "count"),
            (Whitespace, " "), (Operator, "="), (Whitespace, " "), (Name.Attribute, ".count"),
            (Punctuation, ","), (Whitespace, " "), (Name, "json"), (Whitespace, " "), (Operator, "="),
            (Whitespace, " "), (Number.Integer, "1"), (Whitespace, "\n"),
        ],
        id="stage-names-elsewhere-are-names",
    ),
    pytest.param(
        "parse json | csv",
        [
            (Name.Builtin, "parse"), (Whitespace, " "), (Name.Constant, "json"), (Whitespace, " "),
            (Operator, "|"), (Whitespace, " "), (Name.Builtin, "csv"), (Whitespace, "\n"),
        ],
        id="parse-format",
    ),
    pytest.param(
        "parse csv as {name: str, count: int}",
        [
            (Name.Builtin, "parse"), (Whitespace, " "), (Name.Constant, "csv"), (Whitespace, " "),
            (Keyword, "as"), (Whitespace, " "), (Punctuation, "{"), (Name, "name"), (Punctuation, ":"),
            (Whitespace, " "), (Keyword.Type, "str"), (Punctuation, ","), (Whitespace, " "),
            (Name, "count"), (Punctuation, ":"), (Whitespace, " "), (Keyword.Type, "int"),
            (Punctuation, "}"), (Whitespace, "\n"),
        ],
        id="parse-format-with-schema",
    ),
    pytest.param(
        r'parse "* [*] \"*\"" as ip, time:time, bytes:int?, req',
        [
            (Name.Builtin, "parse"), (Whitespace, " "), (String.Double, '"'), (String.Interpol, "*"),
            (String.Double, " ["), (String.Interpol, "*"), (String.Double, "] "), (String.Escape, r'\"'),
            (String.Interpol, "*"), (String.Escape, r'\"'), (String.Double, '"'), (Whitespace, " "),
            (Keyword, "as"), (Whitespace, " "), (Name, "ip"), (Punctuation, ","), (Whitespace, " "),
            (Name, "time"), (Punctuation, ":"), (Keyword.Type, "time"), (Punctuation, ","),
            (Whitespace, " "), (Name, "bytes"), (Punctuation, ":"), (Keyword.Type, "int"), (Operator, "?"),
            (Punctuation, ","), (Whitespace, " "), (Name, "req"), (Whitespace, "\n"),
        ],
        id="parse-pattern",
    ),
    pytest.param(
        'split "," as {time: time} | where .time > time("2015-05-17")',
        [
            (Name.Builtin, "split"), (Whitespace, " "), (String.Double, '"'), (String.Double, ","),
            (String.Double, '"'), (Whitespace, " "), (Keyword, "as"), (Whitespace, " "),
            (Punctuation, "{"), (Name, "time"), (Punctuation, ":"), (Whitespace, " "),
            (Keyword.Type, "time"), (Punctuation, "}"), (Whitespace, " "), (Operator, "|"),
            (Whitespace, " "), (Name.Builtin, "where"), (Whitespace, " "), (Name.Attribute, ".time"),
            (Whitespace, " "), (Operator, ">"), (Whitespace, " "), (Name.Function, "time"),
            (Punctuation, "("), (String.Double, '"'), (String.Double, "2015-05-17"), (String.Double, '"'),
            (Punctuation, ")"), (Whitespace, "\n"),
        ],
        id="time-field-function-type",
    ),
    pytest.param(
        "map _.req.path + .a.b + _[0] + x.n",
        [
            (Name.Builtin, "map"), (Whitespace, " "), (Name.Builtin.Pseudo, "_"), (Name.Attribute, ".req"),
            (Name.Attribute, ".path"), (Whitespace, " "), (Operator, "+"), (Whitespace, " "),
            (Name.Attribute, ".a"), (Name.Attribute, ".b"), (Whitespace, " "), (Operator, "+"),
            (Whitespace, " "), (Name.Builtin.Pseudo, "_"), (Punctuation, "["), (Number.Integer, "0"),
            (Punctuation, "]"), (Whitespace, " "), (Operator, "+"), (Whitespace, " "), (Name, "x"),
            (Name.Attribute, ".n"), (Whitespace, "\n"),
        ],
        id="fields",
    ),
    pytest.param(
        "map 42 + -7 * 3.14 / 1e6 + 2.5e-3",
        [
            (Name.Builtin, "map"), (Whitespace, " "), (Number.Integer, "42"), (Whitespace, " "),
            (Operator, "+"), (Whitespace, " "), (Operator, "-"), (Number.Integer, "7"), (Whitespace, " "),
            (Operator, "*"), (Whitespace, " "), (Number.Float, "3.14"), (Whitespace, " "), (Operator, "/"),
            (Whitespace, " "), (Number.Float, "1e6"), (Whitespace, " "), (Operator, "+"),
            (Whitespace, " "), (Number.Float, "2.5e-3"), (Whitespace, "\n"),
        ],
        id="numbers",
    ),
    pytest.param(
        "map 500ms + 30s + 5m + 2h + 1d + 1w + 1h30m",
        [
            (Name.Builtin, "map"), (Whitespace, " "), (Number.Other, "500ms"), (Whitespace, " "),
            (Operator, "+"), (Whitespace, " "), (Number.Other, "30s"), (Whitespace, " "), (Operator, "+"),
            (Whitespace, " "), (Number.Other, "5m"), (Whitespace, " "), (Operator, "+"), (Whitespace, " "),
            (Number.Other, "2h"), (Whitespace, " "), (Operator, "+"), (Whitespace, " "),
            (Number.Other, "1d"), (Whitespace, " "), (Operator, "+"), (Whitespace, " "),
            (Number.Other, "1w"), (Whitespace, " "), (Operator, "+"), (Whitespace, " "),
            (Number.Other, "1h30m"), (Whitespace, "\n"),
        ],
        id="durations",
    ),
    pytest.param(
        r'map "tab\there \"q\" \\ \u{1F600}\n\r"',
        [
            (Name.Builtin, "map"), (Whitespace, " "), (String.Double, '"'), (String.Double, "tab"),
            (String.Escape, r"\t"), (String.Double, "here "), (String.Escape, r'\"'), (String.Double, "q"),
            (String.Escape, r'\"'), (String.Double, " "), (String.Escape, "\\\\"), (String.Double, " "),
            (String.Escape, r"\u{1F600}"), (String.Escape, r"\n"), (String.Escape, r"\r"),
            (String.Double, '"'), (Whitespace, "\n"),
        ],
        id="string-escapes",
    ),
    pytest.param(
        r'where _ ~ r"\d+\" | take 1',
        [
            (Name.Builtin, "where"), (Whitespace, " "), (Name.Builtin.Pseudo, "_"), (Whitespace, " "),
            (Operator, "~"), (Whitespace, " "), (String.Affix, "r"), (String.Regex, r'"\d+\"'),
            (Whitespace, " "), (Operator, "|"), (Whitespace, " "), (Name.Builtin, "take"),
            (Whitespace, " "), (Number.Integer, "1"), (Whitespace, "\n"),
        ],
        id="raw-string-ends-at-first-quote",
    ),
    pytest.param(
        r'map f"{.ip} -> {.status}\n"',
        [
            (Name.Builtin, "map"), (Whitespace, " "), (String.Affix, "f"), (String.Double, '"'),
            (String.Interpol, "{"), (Name.Attribute, ".ip"), (String.Interpol, "}"),
            (String.Double, " -> "), (String.Interpol, "{"), (Name.Attribute, ".status"),
            (String.Interpol, "}"), (String.Escape, r"\n"), (String.Double, '"'), (Whitespace, "\n"),
        ],
        id="fstring",
    ),
    pytest.param(
        'map f"{{{len(.a) + 1}}} {.b ?? "-"}"',
        [
            (Name.Builtin, "map"), (Whitespace, " "), (String.Affix, "f"), (String.Double, '"'),
            (String.Escape, "{{"), (String.Interpol, "{"), (Name.Function, "len"), (Punctuation, "("),
            (Name.Attribute, ".a"), (Punctuation, ")"), (Whitespace, " "), (Operator, "+"),
            (Whitespace, " "), (Number.Integer, "1"), (String.Interpol, "}"), (String.Escape, "}}"),
            (String.Double, " "), (String.Interpol, "{"), (Name.Attribute, ".b"), (Whitespace, " "),
            (Operator, "??"), (Whitespace, " "), (String.Double, '"'), (String.Double, "-"),
            (String.Double, '"'), (String.Interpol, "}"), (String.Double, '"'), (Whitespace, "\n"),
        ],
        id="fstring-nested-expression-and-string",
    ),
    pytest.param(
        'map f"{ {a = 1}.a }"',
        [
            (Name.Builtin, "map"), (Whitespace, " "), (String.Affix, "f"), (String.Double, '"'),
            (String.Interpol, "{"), (Whitespace, " "), (Punctuation, "{"), (Name, "a"), (Whitespace, " "),
            (Operator, "="), (Whitespace, " "), (Number.Integer, "1"), (Punctuation, "}"),
            (Name.Attribute, ".a"), (Whitespace, " "), (String.Interpol, "}"), (String.Double, '"'),
            (Whitespace, "\n"),
        ],
        id="fstring-record-braces-nest",
    ),
    pytest.param(
        "where !(.a == 1 || .b != 2) && .c <= 3 && .d >= 4 && .e < 5 && .f > 6",
        [
            (Name.Builtin, "where"), (Whitespace, " "), (Operator, "!"), (Punctuation, "("),
            (Name.Attribute, ".a"), (Whitespace, " "), (Operator, "=="), (Whitespace, " "),
            (Number.Integer, "1"), (Whitespace, " "), (Operator, "||"), (Whitespace, " "),
            (Name.Attribute, ".b"), (Whitespace, " "), (Operator, "!="), (Whitespace, " "),
            (Number.Integer, "2"), (Punctuation, ")"), (Whitespace, " "), (Operator, "&&"),
            (Whitespace, " "), (Name.Attribute, ".c"), (Whitespace, " "), (Operator, "<="),
            (Whitespace, " "), (Number.Integer, "3"), (Whitespace, " "), (Operator, "&&"),
            (Whitespace, " "), (Name.Attribute, ".d"), (Whitespace, " "), (Operator, ">="),
            (Whitespace, " "), (Number.Integer, "4"), (Whitespace, " "), (Operator, "&&"),
            (Whitespace, " "), (Name.Attribute, ".e"), (Whitespace, " "), (Operator, "<"),
            (Whitespace, " "), (Number.Integer, "5"), (Whitespace, " "), (Operator, "&&"),
            (Whitespace, " "), (Name.Attribute, ".f"), (Whitespace, " "), (Operator, ">"),
            (Whitespace, " "), (Number.Integer, "6"), (Whitespace, "\n"),
        ],
        id="operators",
    ),
    pytest.param(
        r'split "\t" |> map .a // 2 % 3 - .x ?? 0 | where _ !~ r"x" && _ ~ r"y"',
        [
            (Name.Builtin, "split"), (Whitespace, " "), (String.Double, '"'), (String.Escape, r"\t"),
            (String.Double, '"'), (Whitespace, " "), (Operator, "|>"), (Whitespace, " "),
            (Name.Builtin, "map"), (Whitespace, " "), (Name.Attribute, ".a"), (Whitespace, " "),
            (Operator, "//"), (Whitespace, " "), (Number.Integer, "2"), (Whitespace, " "), (Operator, "%"),
            (Whitespace, " "), (Number.Integer, "3"), (Whitespace, " "), (Operator, "-"),
            (Whitespace, " "), (Name.Attribute, ".x"), (Whitespace, " "), (Operator, "??"),
            (Whitespace, " "), (Number.Integer, "0"), (Whitespace, " "), (Operator, "|"),
            (Whitespace, " "), (Name.Builtin, "where"), (Whitespace, " "), (Name.Builtin.Pseudo, "_"),
            (Whitespace, " "), (Operator, "!~"), (Whitespace, " "), (String.Affix, "r"),
            (String.Regex, '"x"'), (Whitespace, " "), (Operator, "&&"), (Whitespace, " "),
            (Name.Builtin.Pseudo, "_"), (Whitespace, " "), (Operator, "~"), (Whitespace, " "),
            (String.Affix, "r"), (String.Regex, '"y"'), (Whitespace, "\n"),
        ],
        id="more-operators",
    ),
    pytest.param(
        "map {ip = .ip, n = 1}",
        [
            (Name.Builtin, "map"), (Whitespace, " "), (Punctuation, "{"), (Name, "ip"), (Whitespace, " "),
            (Operator, "="), (Whitespace, " "), (Name.Attribute, ".ip"), (Punctuation, ","),
            (Whitespace, " "), (Name, "n"), (Whitespace, " "), (Operator, "="), (Whitespace, " "),
            (Number.Integer, "1"), (Punctuation, "}"), (Whitespace, "\n"),
        ],
        id="record-literal",
    ),
    pytest.param(
        "map _[1:3]",
        [
            (Name.Builtin, "map"), (Whitespace, " "), (Name.Builtin.Pseudo, "_"), (Punctuation, "["),
            (Number.Integer, "1"), (Punctuation, ":"), (Number.Integer, "3"), (Punctuation, "]"),
            (Whitespace, "\n"),
        ],
        id="slice",
    ),
    pytest.param(
        'lines "/var/log/*.log" | filter _ != ""; stdin | enumerate | flatten | tsv',
        [
            (Name.Builtin, "lines"), (Whitespace, " "), (String.Double, '"'),
            (String.Double, "/var/log/*.log"), (String.Double, '"'), (Whitespace, " "), (Operator, "|"),
            (Whitespace, " "), (Name.Builtin, "filter"), (Whitespace, " "), (Name.Builtin.Pseudo, "_"),
            (Whitespace, " "), (Operator, "!="), (Whitespace, " "), (String.Double, '"'),
            (String.Double, '"'), (Punctuation, ";"), (Whitespace, " "), (Name.Builtin, "stdin"),
            (Whitespace, " "), (Operator, "|"), (Whitespace, " "), (Name.Builtin, "enumerate"),
            (Whitespace, " "), (Operator, "|"), (Whitespace, " "), (Name.Builtin, "flatten"),
            (Whitespace, " "), (Operator, "|"), (Whitespace, " "), (Name.Builtin, "tsv"),
            (Whitespace, "\n"),
        ],
        id="sources-and-filter-alias",
    ),
    pytest.param(
        r'extract r"(?P<status>\d{3})" as {status: int} | table',
        [
            (Name.Builtin, "extract"), (Whitespace, " "), (String.Affix, "r"),
            (String.Regex, r'"(?P<status>\d{3})"'), (Whitespace, " "), (Keyword, "as"), (Whitespace, " "),
            (Punctuation, "{"), (Name, "status"), (Punctuation, ":"), (Whitespace, " "),
            (Keyword.Type, "int"), (Punctuation, "}"), (Whitespace, " "), (Operator, "|"),
            (Whitespace, " "), (Name.Builtin, "table"), (Whitespace, "\n"),
        ],
        id="extract-with-schema",
    ),
    pytest.param(
        "parse apachee",
        [
            (Name.Builtin, "parse"), (Whitespace, " "), (Name, "apachee"), (Whitespace, "\n"),
        ],
        id="unknown-format-is-a-name",
    ),
    pytest.param(
        'map "abc\nmap .x',
        [
            (Name.Builtin, "map"), (Whitespace, " "), (String.Double, '"'), (String.Double, "abc"),
            (Whitespace, "\n"), (Name.Builtin, "map"), (Whitespace, " "), (Name.Attribute, ".x"),
            (Whitespace, "\n"),
        ],
        id="unclosed-string-stops-at-line-end",
    ),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), SNIPPETS)
def test_snippet_token_stream(text, expected):
    assert lex(text) == expected


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_name_is_a_builtin_only_where_a_stage_starts(stage):
    tokens = lex(f"{stage}\n| {stage} |> map .{stage} + {stage}(_) + {stage}")
    assert tokens[0] == (Name.Builtin, stage)
    assert tokens[4] == (Name.Builtin, stage)
    assert (Name.Attribute, f".{stage}") in tokens
    assert (Name.Function, stage) in tokens
    assert tokens[-2] == (Name, stage)


@pytest.mark.parametrize("word", KEYWORDS)
def test_every_keyword(word):
    assert lex(f"map {word}")[2] == (Keyword, word)


@pytest.mark.parametrize("word", CONSTANTS)
def test_every_constant(word):
    assert lex(f"map {word}")[2] == (Keyword.Constant, word)


@pytest.mark.parametrize("word", TYPES)
def test_every_type_name_in_a_schema_and_as_a_call_or_label(word):
    tokens = lex(f'split "," as {{{word}: {word}}} | map {word}(.{word})')
    schema = tokens.index((Punctuation, "{")) + 1
    assert tokens[schema : schema + 4] == [
        (Name, word),
        (Punctuation, ":"),
        (Whitespace, " "),
        (Keyword.Type, word),
    ]
    assert (Name.Function, word) in tokens
    assert (Name.Attribute, f".{word}") in tokens


def _corpus() -> list:
    """Every program and script of the conformance cases, and every example script."""
    programs = []
    for path in sorted(CONFORMANCE.glob("*.toml")):
        for case in tomllib.loads(path.read_text(encoding="utf-8"))["case"]:
            for key in ("program", "script"):
                if key in case:
                    programs.append(pytest.param(case[key], id=f"{path.stem}:{case['name']}"))
    for path in sorted(REPO.glob("examples/**/*.sl")):
        programs.append(pytest.param(path.read_text(encoding="utf-8"), id=str(path.relative_to(REPO))))
    return programs


CORPUS = _corpus()


@pytest.mark.skipif(not CORPUS, reason=f"no conformance cases at {CONFORMANCE} and no examples/*.sl")
@pytest.mark.parametrize("program", CORPUS)
def test_real_programs_lex_without_error_tokens(program):
    tokens = list(StreamLangLexer(stripnl=False).get_tokens(program))
    assert [tok for tok in tokens if tok[0] in Error] == []
    assert "".join(value for _, value in tokens) == program + ("" if program.endswith("\n") else "\n")


# Pieces that drive the lexer's states (strings, f-string code, `parse`, `as`
# lists, stage positions) in and out of each other in any order.
FRAGMENTS = [
    '"', 'f"', 'r"', "{", "}", "{{", "}}", "\\", "\\u{41}", "\n", " ", "#", "|", "|>", ";", "=", ":",
    ",", "?", "*", "(", ")", "_", ".a", "parse ", "json", "as ", "count", "time", "let ", "type ",
    "x", "5m", "1.5", "@",
]  # fmt: skip


@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3)).map("".join))
def test_any_text_lexes_to_exactly_itself(text):
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    tokens = list(StreamLangLexer(stripnl=False, ensurenl=False).get_tokens(text))
    assert "".join(value for _, value in tokens) == text
    assert all(value for _, value in tokens)


def test_a_shebang_marks_a_script_as_streamlang():
    assert StreamLangLexer.analyse_text("#!/usr/bin/env -S sl -f\nmap upper(_)\n") == 1.0
    assert StreamLangLexer.analyse_text("#!/bin/sh\necho hi\n") == 0.0


def test_the_lexer_imports_only_pygments():
    tree = ast.parse(Path(lexer_module.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= {"__future__", "typing", "pygments"}


@pytest.mark.skipif(not GRAMMAR.exists(), reason=f"no grammar at {GRAMMAR}")
def test_the_reserved_words_are_the_grammars():
    """Every word the grammar spells out is a keyword, a constant or a stage here, and back."""
    text = re.sub(r"//[^\n]*", "", GRAMMAR.read_text(encoding="utf-8"))
    grammar_words = set(re.findall(r'"([A-Za-z_]+)"', text))
    assert grammar_words == set(KEYWORDS) | set(CONSTANTS) | set(STAGES)


def _has_entry_point() -> bool:
    return any(ep.name == "streamlang" for ep in entry_points(group="pygments.lexers"))


@pytest.mark.skipif(
    not _has_entry_point(),
    reason="streamlang is not installed with its pygments.lexers entry point (pip install -e .)",
)
def test_pygments_finds_the_lexer_through_the_entry_point():
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert isinstance(get_lexer_by_name("streamlang"), StreamLangLexer)
    assert isinstance(get_lexer_by_name("sl"), StreamLangLexer)
    # `*.sl` is also Slurm's; the shebang settles it.
    script = "#!/usr/bin/env -S sl -f\nmap upper(_)\n"
    assert isinstance(get_lexer_for_filename("errors.sl", code=script), StreamLangLexer)
