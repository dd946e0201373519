"""The `json` input format: JSON Lines, one JSON value per line.

    >>> parse_json('{"user": {"id": 1180591620717411303424, "tags": ["a", "ü"]}, "ms": 2.5}')
    {'user': {'id': 1180591620717411303424, 'tags': ['a', 'ü']}, 'ms': 2.5}
    >>> parse_json("   ") is SKIP
    True

Objects become dicts (a repeated key: the last wins), arrays lists, and
integers stay exact Python ints. Decisions:

- A blank line (empty or only whitespace) is not an error: `parse_json`
  returns the `SKIP` sentinel and the caller drops the line, as JSON Lines
  readers commonly do with a trailing empty line.
- The non-standard literals ``NaN``, ``Infinity`` and ``-Infinity``, and a
  number too large for a float (``1e400``), are rejected: no JSON writer
  could give them back, and written as ``null`` they would be lost quietly.

    >>> parse_json('{"x": NaN}')
    Traceback (most recent call last):
      ...
    ValueError: NaN is not a JSON number at column 7
    >>> parse_json('[1e400]')
    Traceback (most recent call last):
      ...
    ValueError: 1e400 is too large for a float at column 2

- An integer longer than the integer-conversion limit (100,000 digits, set by
  `streamlang.runtime.core`; `sys.get_int_max_str_digits`) is rejected rather
  than converted slowly; so is nesting more than `MAX_DEPTH` (256) levels deep:
  what is read is walked by functions that recurse (writing it back, showing it
  in a reason, grouping by it), and they must stay within Python's recursion
  limit wherever they run.
- A UTF-8 byte order mark before the value is ignored.
"""

from __future__ import annotations

import json
import sys
from json.scanner import make_scanner

from ..runtime import core as _core  # noqa: F401  (it sets the integer-conversion limit)

SKIP = object()

class _NotANumber(ValueError):
    """A number JSON cannot hold (`NaN`, `Infinity`, `1e400`), with its text."""


def _no_constant(text: str) -> float:
    raise _NotANumber(f"{text} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (_INF, -_INF):
        raise _NotANumber(f"{text} is too large for a float")
    return value


_INF = float("inf")
_decoder = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite)
_decode = _decoder.decode
# The C scanner under `decode`: calling it directly skips the whitespace
# checks around the value, which a line almost never needs.
_scan = make_scanner(_decoder)  # type: ignore[arg-type]  # typeshed has the wrong signature


MAX_DEPTH = 256
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


def parse_json(line: str) -> object:
    """Parse one line holding one JSON value; `SKIP` for a blank line.

    Raises ValueError with a short reason and a 1-based column for invalid JSON.

    >>> parse_json("[" * 257 + "]" * 257)
    Traceback (most recent call last):
    ValueError: nested more than 256 levels deep
    """
    value = _parse(line)
    # Only a line with that many brackets can be that deep: most lines are never walked.
    if line.count("[") + line.count("{") > MAX_DEPTH:
        _check_depth(value)
    return value


def _check_depth(value: object) -> None:
    """Raise ValueError if `value` nests more than `MAX_DEPTH` levels (a loop, not a recursion)."""
    todo = [(value, 0)]
    while todo:
        v, depth = todo.pop()
        if isinstance(v, (list, dict)):
            if depth == MAX_DEPTH:
                raise ValueError(TOO_DEEP)
            todo.extend((x, depth + 1) for x in (v.values() if isinstance(v, dict) else v))


def _parse(line: str) -> object:
    try:
        value, end = _scan(line, 0)
    except (StopIteration, ValueError, RecursionError):
        return _parse_slowly(line)
    return value if end == len(line) else _parse_slowly(line)


def _parse_slowly(line: str) -> object:
    """Surrounding whitespace, blank lines, a byte order mark, and the reasons for rejecting."""
    try:
        return _decode_checked(line)
    except ValueError:
        if not line or line.isspace():
            return SKIP
        if line.startswith("\ufeff"):
            return _decode_checked(line[1:])
        raise


def _decode_checked(text: str) -> object:
    try:
        return _decode(text)
    except json.JSONDecodeError as e:
        # json's messages are capitalised and some end in " at"; reasons here are lower case.
        message = e.msg.removesuffix(" at")
        raise ValueError(f"{message[:1].lower()}{message[1:]} at column {e.colno}") from None
    except RecursionError:
        raise ValueError(TOO_DEEP) from None
    except _NotANumber as e:
        raise ValueError(f"{e} at column {_column_of(text, str(e).split()[0])}") from None
    except ValueError:
        # json lets int() reject its digit string; no other ValueError escapes the decoder.
        limit = sys.get_int_max_str_digits()
        raise ValueError(f"integer longer than {limit} digits") from None


def _column_of(text: str, number: str) -> int:
    """The 1-based column of `number` in `text` (its first place outside a string is
    not worth a second parse: a line with the bad number inside a string as well is rare)."""
    return text.find(number) + 1
