"""The schema-less and multi-line input formats, as the generated code uses them.

The parsers themselves live in `streamlang.formats`; this module adds what
depends on the run: the current file (a CSV header per file, the syslog
year from the file's date) and reporting a quoted CSV field left open at
the end of a file.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..formats.delimited import CsvReader, header_fields, parse_tsv
from ..formats.jsonl import SKIP, parse_json
from ..formats.logfmt import parse_logfmt
from ..formats.syslog import parse_syslog, syslog_year_for
from .core import Reject
from .inputs import whole_text

if TYPE_CHECKING:
    from .inputs import Whole

__all__ = ["SKIP", "parse_json", "parse_logfmt", "Syslog", "Delimited", "field", "join_lines"]


def _reject_value_error(fn: Any, line: str) -> Any:
    try:
        return fn(line)
    except ValueError as e:
        raise Reject(str(e)) from None


def json_line(line: str) -> object:
    try:
        return parse_json(line)
    except ValueError as e:
        raise Reject(f"not JSON: {e}") from None


def logfmt_line(line: str) -> dict[str, Any]:
    try:
        return parse_logfmt(line)
    except ValueError as e:
        raise Reject(f"not logfmt: {e}") from None


class Syslog:
    """Syslog lines of the current file; a year-less time takes the file's year
    (rolled back a year for lines dated after the file was last written)."""

    def __init__(self, src: Any):
        self.src = src
        self.file_no = -1
        self.year = 0
        self.limit: datetime | None = None

    def __call__(self, line: str) -> tuple:
        if self.src.file_no != self.file_no:
            self.file_no = self.src.file_no
            mtime = self.src.mtime
            now = datetime.now(UTC) if mtime is None else datetime.fromtimestamp(mtime, UTC)
            self.year = now.year if mtime is None else syslog_year_for(mtime)
            self.limit = now + timedelta(days=1)
        try:
            rec = parse_syslog(line, self.year)
        except ValueError as e:
            raise Reject(f"not syslog: {e}") from None
        if self.limit is not None and rec[0] > self.limit and rec[0].year == self.year:
            rec = (rec[0].replace(year=self.year - 1),) + rec[1:]
        return rec


class _Elements:
    """What `parse csv|tsv` reads after a `sort`, a `tail` or a grouping: elements
    that come from no file, one stream whose first record is the header."""

    file_no = 0
    name = "-"

    def __init__(self) -> None:
        self.whole: tuple | None = None

    def raw_line(self, n: int, line: str) -> bytes:
        return line.encode("utf-8", "surrogateescape")


# A header with a CR in it is a file whose lines end with CR alone, read as one line.
CR_ONLY = ("bad header: it holds a carriage return (\\r): this file's lines end with CR alone "
           "(an old Mac or Excel export), so it reads as one line; make them LF first, "
           "e.g. `tr '\\r' '\\n' < FILE`")


class Delimited:
    """CSV or TSV records as dicts keyed by the header (the first record of each file).

    A CSV record may span several lines (a quoted field with newlines in it):
    `feed` returns None until the record is complete, and `start_line` is the
    line it began on. Such a record's lines as read go to the source's `whole`,
    so that a rejection reports its first line and keeps all of it.
    """

    def __init__(self, rt: Any, src: Any, kind: str, site: int = 0):
        self.rt = rt
        self.site = site
        self.src = src if src is not None else _Elements()
        self.kind = kind
        self.file_no = -1
        self.header: list[str] | None = None
        self.reader = CsvReader(",") if kind == "csv" else None
        self.start_line = 0
        self.open_at: tuple[str, int, str] | None = None
        self.held: list[str] = []  # the lines of a record still open, as read

    def feed(self, n: int, line: str) -> dict[str, str] | None:
        if self.src.file_no != self.file_no:
            self.close()
            self.file_no = self.src.file_no
            self.header = self._resumed_header()
        if self.reader is None:
            fields = parse_tsv(line)
            self.start_line = n
        else:
            if self.open_at is None:
                self.open_at = (self.src.name, n, line)
            fields = self.reader.feed(line, self.line_end(n, line))  # type: ignore[assignment]
            if fields is None:
                # Kept now: by the time the record ends, this line's chunk may be gone.
                self.held.append(raw_text(self.src, n, line))
                return None
            self.start_line = self.open_at[1]
            if self.held:
                self.held.append(raw_text(self.src, n, line))
                self._hold(n)
            self.open_at = None
            if not fields:
                return None  # an empty line is no record
        if self.header is None:
            try:
                self.header = header_fields(fields)
            except ValueError as e:
                raise Reject(f"bad header: {e}") from None
            if any("\r" in name for name in self.header):
                self.header = None
                raise Reject(CR_ONLY) from None
            return None
        if len(fields) != len(self.header):
            raise Reject(f"expected {len(self.header)} fields (as in the header), got {len(fields)}")
        return dict(zip(self.header, fields))

    def _resumed_header(self) -> list[str] | None:
        """`--state` goes on in a file after its first line: that line is still its header."""
        line = getattr(self.src, "header_line", None)
        if line is None:
            return None
        fields = parse_tsv(line) if self.reader is None else CsvReader(",").feed(line)
        try:
            return header_fields(fields) if fields else None
        except ValueError:
            return None

    def line_end(self, n: int, line: str) -> str:
        """The line end that followed line `n`, where a quoted field may keep it: `\r\n` or `\n`."""
        assert self.reader is not None
        if '"' not in line and not self.reader.in_field:
            return "\n"  # no quoted field holds this line's end
        return "\r\n" if raw_text(self.src, n, line).endswith("\r") else "\n"

    def _hold(self, n: int) -> None:
        """The record read so far, known to a rejection by line `n`, as the source's `whole`."""
        assert self.open_at is not None
        name, first, _ = self.open_at
        self.src.whole = (n, name, first, self.held, None, 0, 0)
        self.held = []

    def close(self) -> None:
        """A quoted field still open when its file ends: that record is rejected, all its lines."""
        if self.reader is not None and self.open_at is not None:
            n, line = self.open_at[1], self.open_at[2]
            self._hold(n)
            self.open_at = None
            self.reader = CsvReader(",")
            self.rt.reject(Reject(f"unterminated quoted field (the record starts at line {n})"), n, line,
                           self.site)


def field(record: Any, name: str, optional: bool, text: bool) -> Any:
    """A schema field of a parsed record: missing is null if optional, else a rejection.
    For text formats `-` and the empty string are null too, as in `split ... as`."""
    value = record.get(name) if isinstance(record, dict) else None
    if value is None or (text and optional and value in ("-", "")):
        if optional:
            return None
        raise Reject(f"no field `{name}`")
    return value


_CONTINUATION_CACHE: dict[str, re.Pattern[str]] = {}


class JoinedInput:
    """Input whose continuation lines (those matching a regex) are joined to the
    line before them with a newline: a stack trace becomes one element. Each
    element's line number is that of its first line. An element that `raw_line`
    cannot find in the current chunk (of several lines, or begun in an earlier
    chunk) has its lines as read (a CRLF file's CRs kept) in the source's
    `whole`, for `--rejects`."""

    def __init__(self, src: Any, pattern: str):
        self.src = src
        self.rx = re.compile(pattern)
        self.start = 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.src, name)

    # What `Run.reject` reads is the underlying input's, whoever sets it (`parse csv` after `join`).
    @property
    def whole(self) -> Whole | None:
        return self.src.whole  # type: ignore[no-any-return]

    @whole.setter
    def whole(self, value: Whole | None) -> None:
        self.src.whole = value

    def __iter__(self) -> Any:
        pending: list[str] = []
        # The lines of `pending` read in earlier chunks, as read: its raw text, should it be
        # rejected, once those chunks are gone.
        carried: list[str] = []
        first = 1
        name = self.src.name
        file_no = None
        search = self.rx.search
        # An `Input` keeps its chunk as read; an in-memory source's lines are that already.
        raw_chunk = getattr(self.src, "raw_chunk", None)
        raw_tail = getattr(self.src, "raw_tail", None)
        # `--state`: the last element of a file may go on in lines not yet written;
        # it is held, and the next run begins with it.
        hold = getattr(self.src, "hold", None) if getattr(self.src, "plan", None) is not None else None
        for chunk in self.src:
            base = self.src.start
            if file_no != self.src.file_no:
                if pending and not (hold is not None and file_no in self.src.held_files):
                    yield self._whole(pending, carried, name, first)
                    pending, carried = [], []
                file_no = self.src.file_no
                name = self.src.name
            for i, line in enumerate(chunk):
                if pending and search(line):
                    pending.append(line)
                    continue
                if hold is not None:
                    hold(base + i)
                if pending:
                    if len(pending) == 1 and not carried:
                        # One line of this chunk: `raw_line` finds it as it is.
                        self.start = first
                        yield pending
                    else:
                        lo = first - base if first > base else 0
                        raw = None if raw_chunk is None else raw_chunk()
                        if raw is None:
                            # No CR in this chunk: its lines are as read.
                            carried = pending if not carried else carried + chunk[lo:i]
                        self.start = first
                        self.src.whole = (first, name, first, carried, raw, lo, i)
                        yield ["\n".join(pending)]
                        carried = []
                pending = [line]
                first = base + i
            if pending:
                # Before the next read replaces this chunk (its last lines only: no split of it).
                lo = max(first - base, 0)
                tail = None if raw_tail is None else raw_tail(len(chunk) - lo)
                carried += chunk[lo:] if tail is None else tail
        if pending and not (hold is not None and file_no in self.src.held_files):
            yield self._whole(pending, carried, name, first)

    def _whole(self, pending: list[str], as_read: list[str], name: str, first: int) -> list[str]:
        """The one-element chunk of `pending` joined, its lines as read set as the source's `whole`."""
        self.start = first
        self.src.whole = (first, name, first, as_read, None, 0, 0)
        return ["\n".join(pending)]


def raw_text(src: Any, n: int, line: str) -> str:
    """Element `line`, numbered `n`, of the chunk being read, as it was read."""
    whole = getattr(src, "whole", None)
    if whole is not None and whole[0] == n:
        return whole_text(whole)
    return src.raw_line(n, line).decode("utf-8", "surrogateescape")  # type: ignore[no-any-return]


def join_lines(src: Any, pattern: str) -> JoinedInput:
    return JoinedInput(src, pattern)
