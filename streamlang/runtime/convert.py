"""Text to typed values: schema fields (`split ... as`, patterns) and `-v` values."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from .core import to_bool
from .timefns import parse_duration, parse_time


def opt_str(s: str) -> str | None:
    return None if s == "-" or s == "" else s


def opt_int(s: str) -> int | None:
    return None if s == "-" or s == "" else int(s)


def opt_float(s: str) -> float | None:
    return None if s == "-" or s == "" else float(s)


def opt_bool(s: str) -> bool | None:
    return None if s == "-" or s == "" else to_bool(s)


def opt_time(s: str) -> datetime | None:
    return None if s == "-" or s == "" else parse_time(s)


def opt_duration(s: str) -> timedelta | None:
    return None if s == "-" or s == "" else parse_duration(s)


def from_text(text: str, type_: object) -> object:
    """A `-v NAME=VALUE` value converted to the binding's type."""
    name = str(type_)
    optional = name.endswith("?")
    base = name.rstrip("?")
    if optional and text in ("", "-", "null"):
        return None
    converters: dict[str, Callable[[str], object]] = {
        "str": str, "int": int, "float": float, "bool": to_bool, "time": parse_time, "duration": parse_duration}
    convert = converters.get(base)
    if convert is None:
        raise ValueError(f"a value of type {name} cannot be set from the command line")
    try:
        return convert(text)
    except ValueError:
        article = "an" if base[0] in "aeiou" else "a"
        raise ValueError(f"`{text}` is not {article} {base}") from None
