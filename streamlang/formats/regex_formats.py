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


@dataclass(frozen=True)
class RegexFormat:
    regex: str
    groups: tuple[int, ...]
    fast: str | None = None


_COMBINED = RegexFormat(_COMMON + r'(?: ' + _QUOTED + ' ' + _QUOTED + r')?', tuple(range(1, 12)),
                        _PLAIN_COMMON + r' "([^"]*+)" "([^"]*+)"')

FORMATS = {
    "apache": _COMBINED,
    "combined": _COMBINED,
    "nginx": _COMBINED,
    "common": RegexFormat(_COMMON, tuple(range(1, 10)), _PLAIN_COMMON),
}
