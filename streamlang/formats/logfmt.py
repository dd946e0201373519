r"""The `logfmt` input format: ``key=value`` pairs separated by whitespace.

    >>> parse_logfmt('at=info method=GET path=/ fwd="1.2.3.4, 5.6.7.8" dyno=web.1')
    {'at': 'info', 'method': 'GET', 'path': '/', 'fwd': '1.2.3.4, 5.6.7.8', 'dyno': 'web.1'}
    >>> parse_logfmt(r'level=debug q=a=b empty= verbose msg="say \"hi\"\n"')
    {'level': 'debug', 'q': 'a=b', 'empty': '', 'verbose': True, 'msg': 'say "hi"\n'}

Rules:

- A key is a run of characters other than whitespace, ``=`` and ``"``.
- An unquoted value runs to the next whitespace and may contain ``=`` (and
  quotes after its first character, taken literally); ``key=`` is ``""``.
- A quoted value ends at the next unescaped ``"``, which must be followed by
  whitespace or the end of the line. Its escapes are JSON's, which is what Go
  and other logfmt writers produce: ``\" \\ \/ \n \t \r \b \f \uXXXX``
  (a surrogate pair makes one character). Any other backslash is kept as is,
  so a Windows path in quotes survives.
- A bare key (no ``=``) is ``True``.
- When a key repeats, the last value wins, as when the pairs are assigned to
  a map one after another.
- Whitespace is ASCII whitespace: a no-break space inside a value is part of
  the value.
- A line with no pairs is ``{}``. No value is ever ``None``: the empty
  string and ``-`` stay strings, and a schema decides whether they are null.
"""

from __future__ import annotations

import re

_SPACE = " \t\n\r\f\v"  # what \s means under re.ASCII
_PAIR = re.compile(
    r"""([^\s="]++)                            # key
        (?:(=)(?:"((?:[^"\\]++|\\.)*+)"         # quoted value
               |([^\s"]\S*+))?)?                # unquoted value
        (?:\s++|\Z)""",
    re.ASCII | re.DOTALL | re.VERBOSE)
_PAIRS = re.compile(f"(?:{_PAIR.pattern}\n)*+", re.ASCII | re.DOTALL | re.VERBOSE)
_QUOTED = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_KEY = re.compile(r'[^\s="]++', re.ASCII)
_UNICODE_ESCAPE = re.compile(
    r"\\u(?:([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|([0-9a-fA-F]{4}))")
_SIMPLE_ESCAPES = [('\\"', '"'), ("\\/", "/"), ("\\n", "\n"), ("\\t", "\t"), ("\\r", "\r"),
                   ("\\b", "\b"), ("\\f", "\f")]


def parse_logfmt(line: str) -> dict[str, str | None | bool]:
    """Parse one logfmt line into a dict of its pairs, in line order.

    Raises ValueError with a short reason (and a 1-based column) when the line
    is not logfmt.
    """
    # Most lines have only spaces for whitespace and no escapes; str.split
    # reads those about twice as fast as a regex match per pair.
    if _is_plain(line):
        pairs = _parse_plain(line)
        if pairs is not None:
            return pairs
    return _parse_any(line)


def _is_plain(line: str) -> bool:
    """No whitespace but ' ' and no escape; six `in` scans cost a fraction of one regex class search."""
    return ("\\" not in line and "\t" not in line and "\n" not in line and "\r" not in line
            and "\f" not in line and "\v" not in line)


def _parse_plain(line: str) -> dict[str, str | None | bool] | None:
    """Parse a line whose only whitespace is ' ' and that has no backslash; None for anything unusual.

    Splitting on '"' alternates text outside quotes with quoted values.
    """
    parts = line.split('"')
    if len(parts) % 2 == 0:
        return None
    pairs: dict[str, str | None | bool] = {}
    last = len(parts) - 1
    for i in range(0, last + 1, 2):
        tokens = parts[i].split(" ")
        if i > 0 and tokens[0]:
            return None  # no space after a closing quote
        if i < last:
            quoted_key, equals, rest = tokens.pop().partition("=")
            if not quoted_key or not equals or rest:
                return None  # the quote does not open the value of `key=`
        for token in tokens:
            if token:
                key, equals, value = token.partition("=")
                if not key:
                    return None
                pairs[key] = value if equals else True
        if i < last:
            pairs[quoted_key] = parts[i + 1]
    return pairs


def _parse_any(line: str) -> dict[str, str | None | bool]:
    start = len(line) - len(line.lstrip(_SPACE))
    # One anchored, possessive match over all pairs finds where parsing stops;
    # then findall, which only ever finds the same pairs again, collects them.
    m = _PAIRS.match(line, start)
    assert m is not None  # `*+` can match no pair at all, so it never fails
    if m.end() != len(line):
        raise ValueError(_reason(line, m.end()))
    pairs: dict[str, str | None | bool] = {}
    for key, equals, quoted, bare in _PAIR.findall(line, start):
        # findall gives "" for a group that did not take part, so test truth, not None.
        if quoted:
            pairs[key] = _unescape(quoted) if "\\" in quoted else quoted
        elif bare:
            pairs[key] = bare
        else:
            pairs[key] = "" if equals else True
    return pairs


def _unescape(text: str) -> str:
    # Splitting on escaped backslashes first leaves every remaining backslash
    # the start of an escape, so plain str.replace can undo the rest: that
    # keeps a value of a million escapes to a few C-level passes.
    return "\\".join(_unescape_chunk(chunk) for chunk in text.split("\\\\"))


def _unescape_chunk(chunk: str) -> str:
    if "\\" not in chunk:
        return chunk
    for escape, char in _SIMPLE_ESCAPES:
        if escape in chunk:
            chunk = chunk.replace(escape, char)
    if "\\u" in chunk:
        chunk = _UNICODE_ESCAPE.sub(_code_point, chunk)
    return chunk


def _code_point(m: re.Match[str]) -> str:
    high, low, single = m.groups()
    if single is not None:
        return chr(int(single, 16))
    return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00))


def _reason(line: str, pos: int) -> str:
    """Why no pair starts at `pos`: only called on the error path, so it may look again."""
    if line[pos] == "=":
        return f"expected key before '=' at column {pos + 1}"
    key = _KEY.match(line, pos)
    if key is None:
        return f"expected key, found '\"' at column {pos + 1}"
    end = key.end()
    if line[end] == '"':
        return f"unexpected '\"' after key at column {end + 1}"
    quoted = _QUOTED.match(line, end + 1)
    if quoted is None:
        return f"unterminated quoted value at column {end + 2}"
    return f"expected whitespace after quoted value at column {quoted.end() + 1}"
