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
  than converted slowly; so is nesting deeper than the interpreter's recursion limit.
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


def parse_json(line: str) -> object:
    """Parse one line holding one JSON value; `SKIP` for a blank line.

    Raises ValueError with a short reason and a 1-based column for invalid JSON.
    """
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
        raise ValueError("JSON nested too deeply") from None
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
