"""Writing values: plain text, CSV, TSV, JSON and tables (SPEC §4, "Writing").

Codegen writes most formatting inline from static types; these helpers are
for what it cannot know statically (`dyn` values) and for the writers'
quoting and layout.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from .core import Reject
from .timefns import format_duration


def plain(v: object) -> str:
    """A value of any type as plain output writes it."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, timedelta):
        return format_duration(v)
    if isinstance(v, (list, tuple)):
        return "\t".join(nested(x) for x in v)
    if isinstance(v, dict):
        return "\t".join(nested(x) for x in v.values())
    return str(v)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# Other control characters, and the lone surrogates undecodable input bytes
# become, as `\u{...}`: a shown value never moves the terminal's cursor.
_UNSHOWABLE = re.compile(r'[\x00-\x1f\x7f\\"\ud800-\udfff]')


def _escape(c: str) -> str:
    return _ESCAPES.get(c) or f"\\u{{{ord(c):x}}}"


def literal(v: object) -> str:
    """A value as it is written in StreamLang (`"GET"`, `[1, null]`, `{a = 1}`, `1h30m`):
    how the toplevel shows a bound value and a rejection's reason shows a bad one."""
    if v is None:
        return "null"
    if isinstance(v, str):
        return '"' + _UNSHOWABLE.sub(lambda m: _escape(m[0]), v) + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {literal(x)}" for k, x in v.items()) + "}"
    return plain(v)  # numbers, booleans, times and durations read the same either way


def nested(v: object) -> str:
    """A value inside a list or record: scalars as plain, collections as JSON."""
    if isinstance(v, (list, tuple, dict)):
        return dumps(jsonable(v))
    return plain(v)


def jsonable(v: object) -> object:
    """A value as json.dumps can write it (times as ISO strings, durations as `1h30m`)."""
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, timedelta):
        return format_duration(v)
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    return v


dumps = json.JSONEncoder(ensure_ascii=False).encode

_CSV_SPECIAL = re.compile(r'[,"\r\n]').search


def csv_field(s: str) -> str:
    """RFC 4180: quote only where needed, doubling quotes."""
    if _CSV_SPECIAL(s) is None:
        return s
    return '"' + s.replace('"', '""') + '"'


def csv_row(fields: list[str]) -> str:
    # A row of one empty field would read back as no fields at all.
    if len(fields) == 1 and fields[0] == "":
        return '""'
    return ",".join(fields)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_TSV_SPECIAL = re.compile(r"[\\\t\n\r]").search


def tsv_field(s: str) -> str:
    if _TSV_SPECIAL(s) is None:
        return s
    return s.translate(_TSV_ESCAPES)


def table(header: list[str] | None, rows: list[list[str]], numeric: list[bool]) -> list[str]:
    """Aligned columns, numbers to the right, a rule under the header; floats
    without arithmetic noise (`table_number`)."""
    if any(numeric):
        rows = [[table_number(c) if i < len(numeric) and numeric[i] else c for i, c in enumerate(r)]
                for r in rows]
    all_rows = ([header] if header else []) + rows
    if not all_rows:
        return []
    ncols = max(len(r) for r in all_rows)
    widths = [max((len(r[i]) for r in all_rows if i < len(r)), default=0) for i in range(ncols)]
    out = []

    def line(cells: list[str], align: bool) -> str:
        parts = []
        for i, cell in enumerate(cells):
            right = align and i < len(numeric) and numeric[i]
            parts.append(cell.rjust(widths[i]) if right else cell.ljust(widths[i]))
        return "  ".join(parts).rstrip()

    if header:
        out.append(line(header, True))
        out.append("  ".join("-" * w for w in widths))
    out.extend(line(r, True) for r in rows)
    return out


def table_number(cell: str) -> str:
    """A number as `table` shows it: a float rounded to 15 significant digits,
    all that a double holds exactly in decimal, then in its shortest form, so
    the noise of float arithmetic does not show; an int as it is. The other
    outputs write every digit.

    >>> table_number("0.30000000000000004"), table_number("2.0"), table_number("12345678901234567890")
    ('0.3', '2.0', '12345678901234567890')
    """
    if "." not in cell and "e" not in cell:
        return cell  # an int, null (""), inf or nan
    try:
        return repr(float(format(float(cell), ".15g")))
    except ValueError:
        return cell


class DynLines:
    """CSV or TSV lines for `dyn` values (schema-less json, logfmt, csv).

    The header is the first record's keys, written before its row; it cannot
    change once written, so no field is dropped for want of a column: a later
    record missing one of its keys writes that cell empty (null), and a record
    with a key outside it is rejected, the reason naming the key and the fix."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.sep = "," if fmt == "csv" else "\t"
        self.quote = csv_field if fmt == "csv" else tsv_field
        self.header: list[str] | None = None
        self.columns: set[str] = set()

    def __call__(self, v: object) -> str:
        prefix = ""
        if isinstance(v, dict):
            if self.header is None:
                self.header = list(v.keys())
                self.columns = set(self.header)
                prefix = self.join(self.header) + "\n"
            elif not self.columns.issuperset(v):
                raise Reject(self.outside(next(k for k in v if k not in self.columns)))
            return prefix + self.join([nested(v.get(k)) for k in self.header])
        if isinstance(v, (list, tuple)):
            return self.join([nested(x) for x in v])
        return self.join([plain(v)])

    def outside(self, key: str) -> str:
        assert self.header is not None
        shown = ", ".join(self.header)
        columns = ", ".join("." + k for k in [*self.header, key])
        return (f"field `{key}` is not a column of the {self.fmt} header ({shown}), which the first "
                f"record set; name every column first (`select {columns}`) or write json")

    def join(self, cells: list[str]) -> str:
        row = [self.quote(c) for c in cells]
        return csv_row(row) if self.sep == "," else "\t".join(row)


def dyn_table(values: list[object]) -> list[str]:
    """`table` of `dyn` values: records (dicts) under a header of every key they have, in
    the order first seen (a record without a key has an empty cell there); other values
    one row each, a list's items in columns. Columns of numbers only are right-aligned."""
    header: dict[str, None] = {}
    for v in values:
        if isinstance(v, dict):
            header.update(dict.fromkeys(v))
    names = list(header)
    rows: list[list[object]] = []
    for v in values:
        if isinstance(v, dict):
            rows.append([v.get(k) for k in names])
        elif isinstance(v, (list, tuple)):
            rows.append(list(v))
        else:
            rows.append([v])
    ncols = max((len(r) for r in rows), default=0)
    numeric = [all(_is_number(r[i]) for r in rows if i < len(r) and r[i] is not None)
               for i in range(ncols)]
    return table(names or None, [[nested(x) for x in r] for r in rows], numeric)


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
