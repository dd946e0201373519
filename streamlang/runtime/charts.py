"""Terminal charts: what the `chart`, `hist` and `spark` writers draw.

Pure functions from values to lines of text; the caller decides the width
(`terminal_width()`), whether to draw in ASCII (not a terminal, `--ascii`) and
when to redraw (`--live`). No line is ever wider than the width asked for, so
a chart never wraps, whatever its labels hold.

    >>> print("\\n".join(bar_chart([("200", 9126), ("304", 445), ("404", 213)], 30)))
    200 █████████████████████ 9126
    304 █ 445
    404 ▌ 213

Rendering rules, so that charts stay honest and readable:

- Bars are scaled so that the largest absolute value fills the room left
  after the labels and values; a non-zero value always gets at least the
  thinnest bar, so it never looks like a zero. Zero and null get no bar.
- When any value is negative, a zero axis `│` (`|` in ASCII) is drawn on every
  line: negative bars grow leftwards from it, positive ones rightwards, on one
  common scale. Terminals only have left-aligned eighth blocks, so a leftward
  bar ends in a half block `▐` (half-cell resolution) instead of an eighth.
- The value follows its bar. Labels take at most two fifths of the width; a
  longer one is shortened with `…` (a histogram's time labels only when
  nothing else would fit). Widths are counted in terminal cells: East Asian wide characters count
  two, combining marks none. Control characters in labels are drawn as `�`
  (tabs as spaces), so a label can neither break a line nor reach the terminal
  as an escape sequence.
"""
from __future__ import annotations

import math
import shutil
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from .values import plain

Number = int | float

EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")  # EIGHTHS[n]: a cell filled n eighths from the left
FULL = "█"
HALF_RIGHT = "▐"  # the far end of a bar that grows leftwards
AXIS, ASCII_AXIS = "│", "|"
SPARKS = "▁▂▃▄▅▆▇█"
ASCII_SPARKS = " .:-=+*#"
ELLIPSIS = "…"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_DAY = timedelta(days=1)


# --- Display width -----------------------------------------------------------

def _char_width(c: str) -> int:
    """Cells a terminal gives one character (the wcwidth conventions)."""
    if unicodedata.east_asian_width(c) in "WF":
        return 2
    category = unicodedata.category(c)
    if category in ("Mn", "Me") or (category == "Cf" and c != "\xad"):
        return 0
    if "\u1160" <= c <= "\u11ff":  # Hangul medial vowels and final consonants join the syllable before
        return 0
    return 1


def _cells(s: str) -> Iterator[tuple[str, int]]:
    """Each character with the cells it adds to the line."""
    previous = 0
    for c in s:
        width = _char_width(c)
        if c == "\ufe0f" and previous == 1:
            width = 1  # VS16 turns a text-style character (❤) into a two-cell emoji
        previous = width
        yield c, width


def display_width(s: str) -> int:
    """The number of terminal cells `s` takes.

    >>> display_width("abc"), display_width("日本"), display_width("e\\u0301")
    (3, 4, 1)
    """
    return sum(width for _, width in _cells(s))


def shorten(s: str, width: int) -> str:
    """`s` cut to at most `width` cells, ending in `…` when something was cut.

    >>> shorten("/presentations/logstash", 10)
    '/presenta…'
    """
    if display_width(s) <= width:
        return s
    if width <= 0:
        return ""
    kept, used = [], 0
    for c, w in _cells(s):
        if used + w > width - 1:
            break
        kept.append(c)
        used += w
    return "".join(kept) + ELLIPSIS


def _label(s: str) -> str:
    # One line per row, and no escape sequences from the data reach the terminal.
    return "".join(" " if c == "\t" else "\ufffd" if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - display_width(s))


# --- Numbers -----------------------------------------------------------------

def _exact(v: Number | None) -> Fraction | None:
    """The value as an exact fraction, or None for null, NaN and infinities (drawn as no bar)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return Fraction(v)


def _round(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))  # half up, not Python's half to even


# --- Bar charts --------------------------------------------------------------

def bar_chart(rows: Sequence[tuple[str, Number | None]], width: int, ascii: bool = False) -> list[str]:
    """One line per row, in the given order: label, bar, value.

    Values are written as plain output writes them (null as nothing); see the
    module doc for scaling, negative values and label shortening.

    >>> for line in bar_chart([("up", 3), ("flat", 0), ("down", -1.5)], 20, ascii=True):
    ...     print(line)
    up      |###### 3
    flat    | 0
    down ###| -1.5
    """
    return _bars(rows, width, ascii, label_room=width * 2 // 5)


def _bars(rows: Sequence[tuple[str, Number | None]], width: int, ascii: bool, label_room: int) -> list[str]:
    if not rows:
        return []
    width = max(width, 0)
    labels = [_label(label) for label, _ in rows]
    values = [_exact(v) for _, v in rows]
    texts = [plain(v) for _, v in rows]
    value_w = max(len(t) for t in texts)
    negative = any(v is not None and v < 0 for v in values)
    axis = (ASCII_AXIS if ascii else AXIS) if negative else ""

    widest = max(display_width(label) for label in labels)
    label_w = min(widest, max(1, label_room), max(1, width - value_w - 2 - len(axis))) if widest else 0
    cells = max(0, width - (label_w + 1 if label_w else 0) - len(axis) - 1 - value_w)
    left, scale = _layout(values, cells)
    right = cells - left

    lines = []
    for label, v, text in zip(labels, values, texts):
        neg = _left_bar(-v * scale, left, ascii) if v is not None and v < 0 else ""
        pos = _right_bar(v * scale, right, ascii) if v is not None and v > 0 else ""
        head = _pad(shorten(label, label_w), label_w) + " " if label_w else ""
        bar = (neg.rjust(left) + axis if axis else "") + pos
        lines.append(shorten(f"{head}{bar} {text}".rstrip(), width))
    return lines


def _layout(values: list[Fraction | None], cells: int) -> tuple[int, Fraction]:
    """Cells left of the zero axis, and the scale (cells per unit) shared by both sides."""
    pos = max((v for v in values if v is not None and v > 0), default=Fraction(0))
    neg = max((-v for v in values if v is not None and v < 0), default=Fraction(0))
    if cells == 0 or pos == neg == 0:
        return 0, Fraction(0)
    if neg == 0:
        return 0, cells / pos
    if pos == 0:
        return cells, cells / neg
    left = min(max(_round(cells * neg / (neg + pos)), 1), cells - 1) if cells > 1 else cells
    return left, min(left / neg, (cells - left) / pos) if cells - left else left / neg


def _right_bar(length: Fraction, room: int, ascii: bool) -> str:
    if room <= 0:
        return ""
    if ascii:
        return "#" * min(max(_round(length), 1), room)
    eighths = min(max(_round(length * 8), 1), room * 8)
    return FULL * (eighths // 8) + EIGHTHS[eighths % 8]


def _left_bar(length: Fraction, room: int, ascii: bool) -> str:
    if room <= 0:
        return ""
    if ascii:
        return "#" * min(max(_round(length), 1), room)
    halves = min(max(_round(length * 2), 1), room * 2)
    return HALF_RIGHT * (halves % 2) + FULL * (halves // 2)


# --- Time histograms ---------------------------------------------------------

def histogram(times: Sequence[datetime], bucket: timedelta, width: int, ascii: bool = False) -> list[str]:
    """Counts per time bucket as a bar chart, from the first bucket to the last, gaps as zeros.

    Buckets are counted as `bucket(t, d)` counts them, in the offset of the
    first time (naive times count as UTC): an hour starts at that offset's
    hour. Labels are the bucket starts in that offset, as precise as needed:
    `2015-05-17` for whole-day buckets, `2015-05-17 10:00`, then seconds.

    >>> t = datetime(2015, 5, 17, 10, 5, tzinfo=UTC)
    >>> for line in histogram([t, t, t + timedelta(hours=2)], timedelta(hours=1), 26, ascii=True):
    ...     print(line)
    2015-05-17 10:00 ####### 2
    2015-05-17 11:00  0
    2015-05-17 12:00 #### 1
    """
    if bucket <= timedelta(0):
        raise ValueError(f"a histogram bucket must be positive, not {bucket}")
    if not times:
        return []
    zone = _aware(times[0]).tzinfo
    origin = _EPOCH - (_aware(times[0]).utcoffset() or timedelta(0))  # 1970-01-01 00:00 in that offset
    counts = Counter((_aware(t) - origin) // bucket for t in times)
    first, last = min(counts), max(counts)
    starts = [(origin + i * bucket).astimezone(zone) for i in range(first, last + 1)]
    label = _time_label(bucket, starts)
    rows = [(label(s), counts.get(i, 0)) for i, s in zip(range(first, last + 1), starts)]
    return _bars(rows, width, ascii, label_room=width)  # a time label shortened is no label at all


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _time_label(bucket: timedelta, starts: list[datetime]) -> Callable[[datetime], str]:
    """The shortest readable format that tells every bucket start apart."""
    if bucket.microseconds or any(s.microsecond for s in starts):
        if bucket.microseconds % 1000 or any(s.microsecond % 1000 for s in starts):
            return lambda s: f"{s.date().isoformat()} {s:%H:%M:%S}.{s.microsecond:06d}"
        return lambda s: f"{s.date().isoformat()} {s:%H:%M:%S}.{s.microsecond // 1000:03d}"
    if bucket % timedelta(minutes=1) or any(s.second for s in starts):
        return lambda s: f"{s.date().isoformat()} {s:%H:%M:%S}"
    if bucket % _ONE_DAY or any(s.hour or s.minute for s in starts):
        return lambda s: f"{s.date().isoformat()} {s:%H:%M}"
    return lambda s: s.date().isoformat()


# --- Sparklines --------------------------------------------------------------

def sparkline(values: Sequence[Number | None], ascii: bool = False) -> str:
    """One character per value, heights from zero (or the smallest negative value) to the largest.

    Null, NaN and infinities are blanks. Any value above the bottom of the scale
    gets at least the second step, so a gap of zeros stands out.

    >>> sparkline([0, 1, 4, 8, None, 2])
    '▁▂▄█ ▂'
    >>> sparkline([0, 1, 4, 8, None, 2], ascii=True)
    ' .=# :'
    """
    exact = [_exact(v) for v in values]
    present = [v for v in exact if v is not None]
    if not present:
        return " " * len(values)
    low, high = min(min(present), Fraction(0)), max(max(present), Fraction(0))
    out = []
    for v in exact:
        if v is None:
            out.append(" ")
        elif v == low:
            out.append((ASCII_SPARKS if ascii else SPARKS)[0])
        else:
            out.append(_spark((v - low) / (high - low), ascii))
    return "".join(out)


def _spark(share: Fraction, ascii: bool) -> str:
    # `▁` is already an eighth high, so block n (from 0) stands for (n + 1) / 8;
    # the ASCII ramp starts from a blank, so its step n stands for n / 7.
    step = _round(share * 7) if ascii else _round(share * 8) - 1
    return (ASCII_SPARKS if ascii else SPARKS)[max(step, 1)]


# --- The terminal ------------------------------------------------------------

def terminal_width(default: int = 80) -> int:
    """Columns of the terminal on stdout; `COLUMNS` wins, `default` when stdout is not a terminal."""
    return shutil.get_terminal_size((default, 24)).columns


def draw(kind: str, rt: object, values: list, bucket: timedelta | None = None) -> list[str]:
    """What the `chart`, `spark` and `hist` stages write: sized to the terminal,
    in ASCII when the output is not a terminal or `--ascii` was given."""
    import sys
    ascii = bool(getattr(rt, "ascii", False)) or not sys.stdout.isatty()
    width = terminal_width() - 1  # the last column free: no terminal wraps, and the toplevel fits
    if kind == "spark":
        return [sparkline(values, ascii)] if values else []
    if kind == "hist":
        assert bucket is not None
        return histogram([t for t in values if t is not None], bucket, width, ascii)
    return bar_chart(values, width, ascii)
