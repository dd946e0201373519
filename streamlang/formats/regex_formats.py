"""The log formats read with one regex: apache/combined/nginx and common.

A quoted field allows backslash escapes (`\\"`), written as an unrolled loop
so that matching stays linear on hostile lines. A request line that is not
`METHOD PATH PROTOCOL` (`"-"`, junk from scanners) still parses, with those
three fields null.

Fields are separated by the single spaces the log writer puts between them,
so an unquoted field is a run of anything but a space: Apache and nginx
escape control characters in what they log (a tab as `\\x09`), and a field
that holds a raw tab or a no-break space anyway is read with it rather than
rejected. It is also what `re` matches fastest: `[^ ]+` is a tight loop over
the line, where `\\S+` tests a Unicode category character by character.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

_QUOTED = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
_REQUEST = r'"(?:([^ ]+) ([^ ]+) ([^ ]+)|[^"\\]*(?:\\.[^"\\]*)*)"'
_COMMON = r'([^ ]+) ([^ ]+) ([^ ]+) \[([^\]]+)\] ' + _REQUEST + r' (\d{3}) (\d+|-)'


# What nearly every line looks like, tried first because it matches about
# twice as fast; its groups are numbered as the full regex's are. A line it
# does not take (an escaped quote, an odd request) goes to the full regex.
# Where it matches, the full regex gives the same groups: PROTOCOL, which
# excludes `"` here, is what the full regex's `[^ ]+` backtracks to before
# the closing quote.
#
# Its repeats are possessive (`++`, `*+`): each class excludes the character
# that must follow it, so backtracking into one could never find another
# match, and not recording the places to backtrack to saves a tenth of the
# matching time.
_PLAIN_COMMON = r'([^ ]++) ([^ ]++) ([^ ]++) \[([^\]]++)\] "([^ ]++) ([^ ]++) ([^ "]++)" ([0-9]{3}) ([0-9]++|-)'


def capturing_only(regex: str, keep: Collection[int]) -> str:
    """`regex` with every capturing group not in `keep` (numbered from 1) made
    non-capturing; the kept ones become groups 1, 2, ... in their order.

    `re` records where each capturing group starts and ends, and a match
    copies all of them, so a program that reads 2 of the combined format's
    11 fields matches about a seventh faster with only those 2 captured.
    A group that needs no parentheses loses them: `re` runs `(?:[^ ]++)`
    slower than `[^ ]++`. For this module's regexes only: a backreference
    would be renumbered wrong.

    >>> capturing_only(r'(a) ([^)]+) (b|c)(d)?', {2})
    'a ([^)]+) (?:b|c)(?:d)?'
    """
    edits: dict[int, str] = {}
    for number, (opening, closing, alternatives) in enumerate(_capturing_groups(regex), 1):
        if number in keep:
            continue
        if alternatives or regex[closing + 1:closing + 2] in ("?", "*", "+", "{"):
            edits[opening] = "(?:"
        else:
            edits[opening] = edits[closing] = ""
    return "".join(edits.get(i, c) for i, c in enumerate(regex))


def _capturing_groups(regex: str) -> list[tuple[int, int, bool]]:
    """Each capturing group's `(` and `)` offsets, in the order `re` numbers
    them, and whether it has a `|` of its own."""
    groups: list[tuple[int, int, bool]] = []
    open_: list[list] = []  # [offset, capturing, has `|`, its index in groups]
    i = 0
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            # To the class's end; a `]` first in it (after any `^`) is a member.
            i += 2 if regex.startswith("^", i + 1) else 1
            i = regex.index("]", i + 1) if regex.startswith("]", i) else _class_end(regex, i)
        elif c == "(":
            capturing = not regex.startswith("?", i + 1)
            open_.append([i, capturing, False, len(groups)])
            if capturing:
                groups.append((i, -1, False))
        elif c == "|" and open_:
            open_[-1][2] = True
        elif c == ")":
            opening, capturing, alternatives, index = open_.pop()
            if capturing:
                groups[index] = (opening, i, alternatives)
        i += 1
    return groups


def _class_end(regex: str, i: int) -> int:
    while regex[i] != "]":
        i += 2 if regex[i] == "\\" else 1
    return i


@dataclass(frozen=True)
class RegexFormat:
    regex: str
    groups: tuple[int, ...]
    fast: str | None = None


_COMBINED = RegexFormat(_COMMON + r'(?: ' + _QUOTED + ' ' + _QUOTED + r')?', tuple(range(1, 12)),
                        _PLAIN_COMMON + r' "([^"]*+)" "([^"]*+)"')

# nginx's packaged `nginx.conf` logs with its `main` format: combined and then
# `"$http_x_forwarded_for"`. `parse nginx` reads both; a combined line has no
# forwarded field (null).
_NGINX = RegexFormat(_COMMON + r'(?: ' + _QUOTED + ' ' + _QUOTED + r'(?: ' + _QUOTED + r')?)?',
                     tuple(range(1, 13)),
                     _PLAIN_COMMON + r' "([^"]*+)" "([^"]*+)"(?: "([^"]*+)")?')

FORMATS = {
    "apache": _COMBINED,
    "combined": _COMBINED,
    "nginx": _NGINX,
    "common": RegexFormat(_COMMON, tuple(range(1, 10)), _PLAIN_COMMON),
}

# How many quoted fields follow the status and byte count: combined has the
# referer and agent (or, as Apache allows, neither), nginx's `main` adds one.
_QUOTED_AFTER = {"apache": (0, 2), "combined": (0, 2), "nginx": (0, 2, 3), "common": (0,)}
_MISMATCH = re.compile(r"does not match the (apache|combined|nginx|common) format")
_WORD = r'[^ ]+'
_STEPS = (
    (re.compile(rf'{_WORD} {_WORD} {_WORD} '), "address, ident and user fields"),
    (re.compile(r'\[[^\]]+\] '), "[date]"),
    (re.compile(_REQUEST), "quoted request"),
    (re.compile(r' [0-9]{3} (?:[0-9]+|-)'), "3-digit status and byte count"),
)
_STEP_AFTER = ("", "the user field", "the [date]", "the request")
_QUOTED_RE = re.compile(' ' + _QUOTED)


def explain_mismatch(reason: str, line: str) -> str:
    """`reason` with what part of `line` did not fit, where `reason` says a
    line does not match one of this module's formats and the line indeed does
    not: called only for a rejected line, never per line read.

    >>> explain_mismatch("does not match the combined format", '1.2.3.4 - - [x] "GET / HTTP/1.1" 200 5 "-" "a" "-"')
    'does not match the combined format: the line has 1 more quoted field than combined'
    """
    m = _MISMATCH.fullmatch(reason)
    if m is None or re.fullmatch(FORMATS[m[1]].regex, line):
        return reason
    why = _what_did_not_fit(m[1], line)
    return reason if why is None else f"{reason}: {why}"


def _what_did_not_fit(fmt: str, line: str) -> str | None:
    at = 0
    for (step, what), after in zip(_STEPS, _STEP_AFTER):
        found = step.match(line, at)
        if found is None:
            if line.startswith('"'):
                return "the line starts with a quoted field, not the client address"
            if after in ("", "the user field") and " [" in line:
                words = len(line[:line.index(" [")].split(" "))
                if words != 3:
                    return f"{words} fields before the [date], not 3 (address, ident, user)"
            return f"no {what} after {after}" if after else f"no {what} at the start"
        at = found.end()
    quoted = 0
    while (q := _QUOTED_RE.match(line, at)) is not None:
        quoted, at = quoted + 1, q.end()
    wanted = _QUOTED_AFTER[fmt]
    if line.startswith(' "', at):
        return "a quoted field is not closed (is the line cut short?)"
    if at < len(line):
        where = "the quoted fields" if quoted else "the byte count"
        return f"unexpected text after {where}: {line[at:at + 20]!r}"
    if quoted > max(wanted):
        extra = quoted - max(wanted)
        return f"the line has {extra} more quoted field{'s' if extra > 1 else ''} than {_name(fmt)}"
    if quoted not in wanted:
        return f"the line has {quoted} quoted field{'s' if quoted != 1 else ''} after the byte count, " \
               f"not {' or '.join(map(str, wanted))}"
    return None


def _name(fmt: str) -> str:
    return {"apache": "combined", "nginx": "nginx's main format"}.get(fmt, fmt)

