"""How the toplevel shows values and rows.

A bound value is shown as it would be written in StreamLang (`"GET"`,
`[1, 2]`, `{a = 1, b = null}`, `1h30m`), as OCaml's toplevel does; rows of a
stream are shown as a table whose cells read like plain output, fitted to
the terminal's width.
"""
from __future__ import annotations

from typing import Any

from ..runtime.values import nested, table
from ..typesys import DYN, FLOAT, INT, ListT, Record, Type, strip


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(1, width - 1)] + "…"


def wrap_type(shown: str, width: int, tail: int = 0) -> list[str]:
    """A type cut into lines of at most `width` characters, only after a `, `, never inside
    a name; `tail` more characters (`= value`, `· first 1,000 ...`) follow the last line."""
    import re

    pieces = re.split(r"(?<=, )", shown)
    lines = [""]
    for i, piece in enumerate(pieces):
        need = len(piece.rstrip()) + (tail if i == len(pieces) - 1 else 0)
        if lines[-1] and len(lines[-1]) + need > width:
            lines[-1] = lines[-1].rstrip()
            lines.append("")
        lines[-1] += piece
    return lines


def columns(elem: Type, rows: list[Any]) -> tuple[list[str] | None, list[list[str]], list[bool]]:
    """Header, cells and right-alignment for rows of this element type
    (values as the generated code yields them: records are tuples)."""
    t = strip(elem)
    if isinstance(t, Record):
        numeric = [strip(ft) in (INT, FLOAT) for _, ft in t.fields]
        return t.names, [[_cell(x) for x in row] for row in rows], numeric
    if t == DYN and rows and all(isinstance(r, dict) for r in rows):
        names: dict[str, None] = {}
        for r in rows:
            names.update(dict.fromkeys(r))
        header = list(names)
        cells = [[_cell(r.get(n)) for n in header] for r in rows]
        numeric = [all(isinstance(r.get(n), (int, float)) and not isinstance(r.get(n), bool)
                       for r in rows if r.get(n) is not None) for n in header]
        return header, cells, numeric
    if isinstance(t, ListT):
        right = strip(t.elem) in (INT, FLOAT)
        cells = [[_cell(x) for x in row] if isinstance(row, (list, tuple)) else [_cell(row)] for row in rows]
        width = max((len(c) for c in cells), default=0)
        return None, cells, [right] * width
    return None, [[_cell(r)] for r in rows], [t in (INT, FLOAT)]


def _cell(v: Any) -> str:
    text = nested(v)
    return text.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def fit(header: list[str] | None, cells: list[list[str]], width: int) -> tuple[list[str] | None, list[list[str]]]:
    """Shorten the widest columns until a row fits in `width` characters."""
    all_rows = ([header] if header else []) + cells
    if not all_rows:
        return header, cells
    ncols = max(len(r) for r in all_rows)
    widths = [max((len(r[i]) for r in all_rows if i < len(r)), default=0) for i in range(ncols)]
    floor = 6
    while sum(widths) + 2 * (ncols - 1) > width and max(widths) > floor:
        i = widths.index(max(widths))
        widths[i] -= 1

    def cut(row: list[str]) -> list[str]:
        return [clip(c, widths[i]) for i, c in enumerate(row)]

    return (cut(header) if header else None), [cut(r) for r in cells]


def render_table(elem: Type, rows: list[Any], width: int) -> tuple[list[str], bool]:
    """The rows as table lines no wider than `width`, and whether the first line is a header."""
    header, cells, numeric = columns(elem, rows)
    header, cells = fit(header, cells, width)
    return [clip(line, width) for line in table(header, cells, numeric)], header is not None


def render_record(elem: Type, row: Any, width: int) -> list[str]:
    """One row as `name  value` lines: a record too wide for a table, readable whole."""
    header, cells, _ = columns(elem, [row])
    values = cells[0] if cells else []
    names = header or [f"[{i}]" for i in range(len(values))]
    pad = max((len(n) for n in names), default=0)
    return [clip(f"{n:<{pad}}  {v}".rstrip(), width) for n, v in zip(names, values)]


def cuts_every_column(elem: Type, rows: list[Any], width: int) -> bool:
    """Whether a table of these rows, fitted to `width`, would cut every one of its columns."""
    header, cells, _ = columns(elem, rows)
    if header is None or len(header) < 2 or not cells:
        return False
    _, fitted = fit(header, cells, width)
    return all(any(f[i] != c[i] for f, c in zip(fitted, cells)) for i in range(len(header)))
