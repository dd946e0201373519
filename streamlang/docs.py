"""Reference text for builtins, read from the registry in prelude.py only.

`sl --help NAME` and the toplevel's `:help NAME` both print `entry(NAME)`;
`:help` alone prints `index()`. A name that is several things at once
(`count` is a stage and an aggregate, `min` a function and an aggregate)
gets one section per kind::

    >>> print(entry("upper"))
    upper  (function)
        upper(str) -> str
    The string in upper case.
    Example:
        sl 'map upper(_)'
        input   get
        output  GET
"""
from __future__ import annotations

import textwrap

from .prelude import (
    AGGREGATES,
    FORMATS,
    FUNCTIONS,
    STAGES,
    AggregateDoc,
    Example,
    FormatDoc,
    Function,
    StageDoc,
)

KINDS = ("stage", "function", "aggregate", "format")
WIDTH = 78

# Operators, loosest first (SPEC §5), and the entries of those a newcomer looks up.
PRECEDENCE = ("`if c then a else b`, `??`, `||`, `&&`, `!`, `== != < <= > >= ~ !~ in`, `+ -`, "
              "`* / // %`, unary `-`, `.field [i] [a:b]`")
OPERATORS: dict[str, tuple[str, str, Example]] = {
    "??": ("A ?? B", "A, or B where A is null: the default for an optional value (`str?`, `int?`). "
           "The result is not optional when B is not.",
           Example("parse apache | map .bytes ?? 0", '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 304 -',
                   "0\n")),
    "~": ("S ~ REGEX", "Whether the regex matches somewhere in the string (Python `re.search`); false for null.",
          Example('where _ ~ r"^GET "', "GET /a\nPOST /b", "GET /a\n")),
    "!~": ("S !~ REGEX", "Whether the regex matches nowhere in the string: `!(S ~ REGEX)`.",
           Example('where _ !~ r"^GET "', "GET /a\nPOST /b", "POST /b\n")),
    "in": ("X in LIST   X in STR", "Whether X is an element of the list, or (for text) a part of the string.",
           Example('where _ in ["GET", "HEAD"]', "GET\nPOST\nHEAD", "GET\nHEAD\n")),
}
# `sl --help stages` and the like: the names of one kind.
LISTS = {"stages": "stage", "functions": "function", "aggregates": "aggregate", "formats": "format",
         "operators": "operator"}


def entry(name: str) -> str | None:
    """The reference entry of a stage, function, aggregate, format or operator, the list
    of one kind (`stages`), or None."""
    if name in LISTS:
        return listing(LISTS[name])
    sections = [text for text in _sections(name) if text]
    if not sections:
        alias = _alias_of(name)
        return None if alias is None else entry(alias)
    return "\n\n".join(sections)


def names() -> dict[str, list[str]]:
    """Every documented name, by kind, in registry order."""
    return {"stage": list(STAGES), "function": list(FUNCTIONS), "aggregate": list(AGGREGATES),
            "format": list(FORMATS)}


def listing(kind: str, width: int = WIDTH) -> str:
    """`sl --help stages`: the names of one kind, with the first sentence of each entry."""
    docs = {"stage": {n: s.doc for n, s in STAGES.items()}, "function": {n: f.doc for n, f in FUNCTIONS.items()},
            "aggregate": {n: a.doc for n, a in AGGREGATES.items()}, "format": {n: f.doc for n, f in FORMATS.items()},
            "operator": {n: d for n, (_, d, _) in OPERATORS.items()}}[kind]
    pad = max(len(n) for n in docs) + 2
    lines = []
    if kind == "operator":
        lines += textwrap.wrap("loosest first: " + PRECEDENCE, width=width, subsequent_indent="    ")
    for name, doc in docs.items():
        first = doc.split(". ")[0].rstrip(".").split("\n")[0] + "."
        lines += textwrap.wrap(f"{name:<{pad}}{first}", width=width, subsequent_indent=" " * pad,
                               break_on_hyphens=False)
    lines.append(f"`sl --help NAME` shows one {kind}'s entry.")
    return "\n".join(lines)


def suggestion(name: str) -> str | None:
    """`did you mean ...?` for a name with no entry: the nearest documented name or list."""
    from .errors import did_you_mean

    known = [n for ns in names().values() for n in ns] + list(OPERATORS) + list(LISTS)
    return did_you_mean(name, known)


def index(width: int = WIDTH) -> str:
    """All the names by kind, for `:help` alone."""
    out = []
    for kind, listed in names().items():
        label = f"{kind}s:".ljust(12)
        body = textwrap.fill(" ".join(listed), width=width, initial_indent=label,
                             subsequent_indent=" " * len(label), break_on_hyphens=False)
        out.append(body)
    out.append("`:help NAME` (or `sl --help NAME`) shows one entry: its signature, what it does, an example.")
    return "\n".join(out)


def _sections(name: str) -> list[str]:
    out = []
    if name in STAGES:
        out.append(_stage(STAGES[name]))
    if name in FUNCTIONS:
        out.append(_function(FUNCTIONS[name]))
    if name in AGGREGATES:
        out.append(_aggregate(AGGREGATES[name]))
    if name in FORMATS:
        out.append(_format(FORMATS[name]))
    if name in OPERATORS:
        syntax, doc, example = OPERATORS[name]
        out.append(_section(name, "operator", [syntax, "loosest first: " + PRECEDENCE], doc, example))
    return out


def _alias_of(name: str) -> str | None:
    # The registry spells aliases in the syntax line: `where EXPR   (alias: filter)`.
    for stage in STAGES.values():
        if f"(alias: {name})" in stage.syntax:
            return stage.name
    return None


def _stage(s: StageDoc) -> str:
    syntax = [s.syntax, f": {s.type}"]
    if s.name == "parse":
        syntax.append("FORMAT: " + " ".join(FORMATS))
    return _section(s.name, "stage", syntax, s.doc, s.example)


def _function(f: Function) -> str:
    return _section(f.name, "function", [f.signature], f.doc, f.example)


def _aggregate(a: AggregateDoc) -> str:
    args = {0: "", 1: "EXPR", 2: "EXPR, P"}.get(a.arity, ", ".join(["EXPR"] * a.arity))
    return _section(a.name, "aggregate", [f"{a.name}({args})   (inside `summarize`)"], a.doc, a.example)


def _format(f: FormatDoc) -> str:
    fields = ", ".join(f"{n}: {t}" for n, t in f.fields)
    return _section(f.name, "format", [f"parse {f.name}", f": stage<str, {{{fields}}}>"], f.doc, f.example)


def _section(name: str, kind: str, syntax: list[str], doc: str, example: Example) -> str:
    lines = [f"{name}  ({kind})"]
    for s in syntax:
        lines += textwrap.wrap(s, width=WIDTH, initial_indent="    ", subsequent_indent="        ",
                               break_on_hyphens=False, break_long_words=False)
    lines.append(doc)
    lines.append("Example:")
    lines += ["    " + line for line in example_lines(example)]
    return "\n".join(lines)


def example_lines(ex: Example) -> list[str]:
    """An example as a command, its input and its output, each line labelled once."""
    program = "'" + ex.program.replace("'", "'\\''") + "'"
    out = [f"sl {program}"]
    out += _labelled("input", ex.input)
    out += _labelled("output", ex.output)
    return out


def _labelled(label: str, text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        return [f"{label:<7} (nothing)"]
    # Tabs separate fields in plain output; show them as wide gaps, not raw tabs.
    lines = [line.replace("\t", "  ") for line in lines]
    return [f"{label if i == 0 else '':<7} {line}".rstrip() for i, line in enumerate(lines)]
