"""Operations on `dyn` values (schema-less json, logfmt, csv, tsv fields).

A dyn value is whatever the format's reader produced (str, int, float,
bool, None, list, dict); it is converted where it is used, and a failed
conversion rejects the element like any other bad input.
"""
from __future__ import annotations

import json
import math
import operator
from datetime import datetime, timedelta

from .core import Reject, short
from .core import to_bool as _bool
from .timefns import parse_duration, parse_time, time_from_number


def get(obj: object, name: str) -> object:
    if isinstance(obj, dict):
        return obj.get(name)
    if obj is None:
        return None
    raise Reject(f"`.{name}`: {short(obj)} is not a record")


def to_int(v: object) -> int | None:
    if v is None or isinstance(v, int) and not isinstance(v, bool):
        return v  # type: ignore[return-value]
    if isinstance(v, str):
        try:
            return int(v)
        except ValueError:
            pass
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, float) or isinstance(v, str) and _float_of(v) is not None:
        # Used with an int (`.ms * 2`), a field is read as one; the fix is the user's.
        raise Reject(f"{short(v)} is not an int (read a field that may hold a fraction with float(...))")
    raise Reject(f"{short(v)} is not an int")


def _float_of(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def to_float(v: object) -> float | None:
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            pass
    raise Reject(f"{short(v)} is not a number")


def to_number(v: object) -> int | float | None:
    if v is None or isinstance(v, (int, float)) and not isinstance(v, bool):
        return v  # type: ignore[return-value]
    if isinstance(v, str) and (n := _number_of(v)) is not None:
        return n
    raise Reject(f"{short(v)} is not a number")


def _number_of(text: str) -> int | float | None:
    """The number a text reads as: an int where it is one, exactly ("10"), else a float."""
    try:
        return int(text)
    except ValueError:
        return _float_of(text)


def to_str(v: object) -> str | None:
    if v is None or isinstance(v, str):
        return v
    from .values import plain
    return plain(v)


def to_bool(v: object) -> bool | None:
    if v is None:
        return None
    try:
        return _bool(v)
    except ValueError:
        raise Reject(f"{short(v)} is not a bool") from None


def to_time(v: object) -> datetime | None:
    if v is None or isinstance(v, datetime):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return time_from_number(v)
    if isinstance(v, str):
        return parse_time(v)
    raise Reject(f"{short(v)} is not a time")


def to_duration(v: object) -> timedelta | None:
    if v is None or isinstance(v, timedelta):
        return v
    if isinstance(v, str):
        return parse_duration(v)
    raise Reject(f"{short(v)} is not a duration")


_CMP = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
        ">=": operator.ge}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "//": operator.floordiv, "%": operator.mod}


def _coerce(a: object, b: object) -> tuple[object, object]:
    """Make two dyn values comparable: numbers with numbers, else text with text."""
    if isinstance(a, str) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return to_number(a), b
    if isinstance(b, str) and isinstance(a, (int, float)) and not isinstance(a, bool):
        return a, to_number(b)
    return a, b


def derive(rec: object, names: tuple[str, ...], values: tuple[object, ...]) -> dict:
    """`derive` on a schema-less record: new names appended, existing ones replaced in place."""
    if not isinstance(rec, dict):
        raise Reject(f"`derive`: {short(rec)} is not a record")
    out = dict(rec)
    out.update(zip(names, values))
    return out


def sort_key(v: object) -> object:
    """A schema-less value as a key every other one orders against (`sort by .n`
    on JSON): numbers, and text that reads as one, by value; then other text;
    then booleans; then lists and records by their JSON. Null stays null, for
    the sort to put last. `min`, `max`, `top` and comparisons of two schema-less
    values use this one order too."""
    if v is None:
        return None
    if isinstance(v, str):
        n = _number_of(v)
        return (0, n) if n is not None and _finite(n) else (1, v)
    if isinstance(v, bool):
        return (2, v)
    if isinstance(v, (int, float)):
        return (0, v) if _finite(v) else (1, repr(v))
    return (3, json.dumps(v, sort_keys=True, default=str))


def _finite(n: int | float) -> bool:
    # An int is exact at any size (math.isfinite of a 400-digit int overflows).
    return isinstance(n, int) or math.isfinite(n)


def compare(op: str, a: object, b: object) -> bool:
    """Two schema-less values compared (`.a < .b`), in the order `sort` gives them;
    a null makes any comparison false (SPEC §4; `== null` is a test of its own)."""
    if a is None or b is None:
        return False
    return bool(_CMP[op](sort_key(a), sort_key(b)))  # type: ignore[arg-type]


# The tag of a boolean group key: a JSON value is never a tuple, so no value is mistaken for it.
_BOOL = "\0bool"


def group_key(v: object) -> object:
    """A schema-less value as a group key (`count by`, `distinct`, `count_distinct`):
    equal only to the same JSON value, so `true`, `1` and `"1"` are three keys
    (Python has `True == 1`), while `1` and `1.0` are one number, as JSON says.
    Text, numbers and null are keys as they are (the common case costs nothing);
    `key_value` gives back the value, to be written as it came."""
    if v is True or v is False:
        return (_BOOL, v)
    if isinstance(v, (list, dict)):
        return GroupKey(v)
    return v


def key_value(k: object) -> object:
    """The value a `group_key` was made from."""
    if type(k) is tuple and len(k) == 2 and k[0] == _BOOL:
        return k[1]
    return k.value if isinstance(k, GroupKey) else k


class GroupKey:
    """A list or record as a group key: equal to another with the same JSON (an
    object's key order aside), so `[1, true]` and `[1, 1]` are two keys."""

    __slots__ = ("value", "identity")

    def __init__(self, value: object):
        self.value = value
        self.identity = json.dumps(value, sort_keys=True, default=str)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GroupKey) and self.identity == other.identity

    def __hash__(self) -> int:
        return hash(self.identity)

    def __reduce__(self) -> tuple:
        return (GroupKey, (self.value,))


def arith(op: str, a: object, b: object) -> object:
    if a is None or b is None:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        # A JSON `true` is no number, though Python counts it as 1.
        raise Reject(f"cannot apply `{op}` to {short(a)} and {short(b)}")
    if isinstance(a, str) and isinstance(b, str) and op == "+":
        try:
            return to_number(a) + to_number(b)  # type: ignore[operator]
        except Reject:
            return a + b
    a, b = _coerce(a, b)
    if isinstance(a, str):
        a = to_number(a)
    if isinstance(b, str):
        b = to_number(b)
    try:
        return _ARITH[op](a, b)
    except TypeError:
        raise Reject(f"cannot apply `{op}` to {short(a)} and {short(b)}") from None
