"""Helpers the generated code calls. Imports nothing from the compiler."""
from __future__ import annotations

import math
import re
import sys
from collections import deque
from functools import lru_cache

# `typing` costs 20 ms to import; a one-liner's start-up goes without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

# Integers are of any size (SPEC §2), in text too: Python's 4300-digit limit on
# converting text to int is raised far enough for any real number, but kept,
# because the conversion is quadratic: a hostile line of a million digits is
# rejected at once instead of taking minutes.
MAX_INT_DIGITS = 100_000
if hasattr(sys, "set_int_max_str_digits") and sys.get_int_max_str_digits() < MAX_INT_DIGITS:
    sys.set_int_max_str_digits(MAX_INT_DIGITS)

MISSING = object()


class Stop(Exception):
    """Raised by `take` once it has let its last element through."""


class Reject(Exception):
    """A line or element that a stage cannot use (SPEC §7)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# What an element-wise failure can raise; each is a rejection, not a crash.
ELEMENT_ERRORS = (Reject, ValueError, TypeError, IndexError, KeyError, ZeroDivisionError, OverflowError,
                  AttributeError, re.error, UnicodeError)


@lru_cache(maxsize=256)
def regex(pattern: str) -> re.Pattern[str]:
    """A regex given as a value rather than a literal (taken from the input, say),
    compiled once. Python's `re` backtracks, and a match cannot be interrupted, so
    a pattern whose matching can take exponential time is refused before it runs
    (`backtracking_risk`): a rejection, where it could have stalled the run."""
    try:
        compiled = re.compile(pattern)
        risk = backtracking_risk(re._parser.parse(pattern))  # type: ignore[attr-defined]
    except RecursionError:
        # Python's regex parser recurses once or twice a group.
        raise Reject("regex groups nested too deeply") from None
    if risk:
        raise Reject(f"a regex from the input with {risk} could run for ever: not run")
    return compiled


def backtracking_risk(items: list, in_repeat: bool = False) -> str | None:  # type: ignore[type-arg]
    """What in a parsed regex can make a backtracking match take exponential time,
    or None: a repeat inside a repeat, repeated alternatives that can begin alike,
    a back-reference. (Repeats side by side, `\\d*\\d*$`, cost polynomial time: allowed.)"""
    from re import _constants as C  # type: ignore[attr-defined]
    for op, av in items:
        found = None
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, body = av
            repeats = high > 1
            if repeats and in_repeat:
                return "a repeat inside a repeat (like `(a+)+`)"
            if repeats and _alternatives_overlap(body):
                return "repeated alternatives that can begin alike (like `(a|ab)*`)"
            found = backtracking_risk(body, in_repeat or repeats)
        elif op in (C.GROUPREF, C.GROUPREF_EXISTS):
            return "a back-reference (like `\\1`)"
        elif op == C.SUBPATTERN:
            found = backtracking_risk(av[-1], in_repeat)
        elif op == C.BRANCH:
            found = next((r for b in av[1] if (r := backtracking_risk(b, in_repeat))), None)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            found = backtracking_risk(av[1], in_repeat)
        elif op == C.ATOMIC_GROUP:
            found = backtracking_risk(av, in_repeat)
        if found:
            return found
    return None


def _alternatives_overlap(items: list) -> bool:  # type: ignore[type-arg]
    """Whether some alternatives in `items` (outside any repeat) can begin with the same
    character. `re` takes a common prefix out (`a|aa` is `a(?:|a)`): an empty one begins with anything."""
    from re import _constants as C  # type: ignore[attr-defined]
    for op, av in items:
        if op == C.SUBPATTERN and _alternatives_overlap(av[-1]):
            return True
        if op == C.BRANCH:
            firsts = [_first_chars(b) for b in av[1]]
            for i, a in enumerate(firsts):
                for b in firsts[i + 1:]:
                    if a is None or b is None or a & b:
                        return True
    return False


def _first_chars(items: list) -> set[int] | None:  # type: ignore[type-arg]
    """The characters a match of `items` can begin with; None for any or unknown."""
    from re import _constants as C  # type: ignore[attr-defined]
    if not items:
        return None
    op, av = items[0]
    if op == C.LITERAL:
        return {av}
    if op == C.SUBPATTERN:
        return _first_chars(av[-1])
    if op == C.IN and all(o == C.LITERAL for o, _ in av):
        return {v for _, v in av}
    return None


def find(rx: re.Pattern[str], s: str) -> str | None:
    m = rx.search(s)
    if m is None:
        return None
    return m.group(1) if rx.groups else m.group(0)


def matches(rx: re.Pattern[str], s: str) -> list[str]:
    if rx.groups:
        return [m.group(1) for m in rx.finditer(s)]
    return [m.group(0) for m in rx.finditer(s)]


def substr(s: str, start: int, n: int) -> str:
    if n < 0:
        raise ValueError(f"substr: negative length {n}")
    return s[start:start + n] if start >= 0 else s[start:][:n]


def round_half_away(x: float | int, digits: int | None = None) -> float | int:
    if digits is None:
        if isinstance(x, int):
            return x
        return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)
    if digits > 330:
        return float(x)  # beyond a float's precision: nothing to round (and 10**digits would never end)
    if digits < -330:
        return 0.0
    scale = 10 ** digits
    return math.floor(abs(x) * scale + 0.5) / scale * (1 if x >= 0 else -1)


def to_bool(v: object) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    if isinstance(v, str):
        s = v.strip().lower()
        if s in ("true", "1", "yes"):
            return True
        if s in ("false", "0", "no"):
            return False
    raise ValueError(f"cannot convert {short(v)} to bool")


def to_int(v: object) -> int:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"cannot convert {v} to int")
        return int(v)
    if isinstance(v, str):
        return int(v)
    raise ValueError(f"cannot convert {short(v)} to int")


def to_float(v: object) -> float:
    if isinstance(v, (int, float, str)) and not isinstance(v, bool):
        return float(v)
    raise ValueError(f"cannot convert {short(v)} to float")


def hashable(v: object) -> object:
    """Lists become tuples so a value can be a group key or a set member."""
    if isinstance(v, list):
        return tuple(hashable(x) for x in v)
    if isinstance(v, tuple):
        return tuple(hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple((k, hashable(x)) for k, x in v.items())
    return v


def asc_key(k: object) -> tuple[bool, object]:
    # Nulls sort last, and are never compared with values.
    return (False, k) if k is not None else (True, 0)


def desc_key(k: object) -> tuple[bool, object]:
    # Used with reverse=True: values first (descending), then nulls.
    return (True, k) if k is not None else (False, 0)


def percentile(values: list, p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is not between 0 and 100")
    values.sort()
    pos = (len(values) - 1) * p / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(values) - 1)
    return float(values[lo] + (values[hi] - values[lo]) * (pos - lo))


_literal: Callable[[object], str] | None = None


def _load_literal() -> Callable[[object], str]:
    # Imported once a line is rejected, not at start-up; then kept, as an import
    # statement run for every rejection would cost more than the rest of it.
    global _literal
    from .values import literal
    _literal = literal
    return literal


def short(v: object, limit: int = 40) -> str:
    """A value in a rejection's reason, written as in StreamLang, cut to `limit`."""
    text = (_literal or _load_literal())(v)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def last_n(n: int) -> deque:
    """The buffer of `tail n`: nothing for n <= 0, everything for an n past what
    a deque can hold (which no input can reach anyway)."""
    return deque(maxlen=None if n > sys.maxsize else max(n, 0))


def top_trim(rows: list, n: int, desc: bool) -> None:
    """Cut `rows` of (key, value) to the first n of a stable sort by key."""
    key = desc_key if desc else asc_key
    rows.sort(key=lambda r: key(r[0]), reverse=desc)
    del rows[max(n, 0):]
