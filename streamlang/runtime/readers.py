"""The schema-less and multi-line input formats, as the generated code uses them.

The parsers themselves live in `streamlang.formats`; this module adds what
depends on the run: the current file (a CSV header per file, the syslog
year from the file's date) and reporting a quoted CSV field left open at
the end of a file.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from ..formats.delimited import CsvReader, header_fields, parse_tsv
from ..formats.jsonl import SKIP, parse_json
from ..formats.logfmt import parse_logfmt
from ..formats.syslog import parse_syslog, syslog_year_for
from .core import Reject

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


class Delimited:
    """CSV or TSV records as dicts keyed by the header (the first record of each file).

    A CSV record may span several lines (a quoted field with newlines in it):
    `feed` returns None until the record is complete, and `start_line` is the
    line it began on.
    """

    def __init__(self, rt: Any, src: Any, kind: str, site: int = 0):
        self.rt = rt
        self.site = site
        self.src = src
        self.kind = kind
        self.file_no = -1
        self.header: list[str] | None = None
        self.reader = CsvReader(",") if kind == "csv" else None
        self.start_line = 0
        self.open_at: tuple[str, int, str] | None = None

    def feed(self, n: int, line: str) -> dict[str, str] | None:
        if self.src.file_no != self.file_no:
            self.close()
            self.file_no = self.src.file_no
            self.header = None
        if self.reader is None:
            fields = parse_tsv(line)
            self.start_line = n
        else:
            if self.open_at is None:
                self.open_at = (self.src.name, n, line)
            fields = self.reader.feed(line)  # type: ignore[assignment]
            if fields is None:
                return None
            self.start_line = self.open_at[1]
            self.open_at = None
            if not fields:
                return None  # an empty line is no record
        if self.header is None:
            try:
                self.header = header_fields(fields)
            except ValueError as e:
                raise Reject(f"bad header: {e}") from None
            return None
        if len(fields) != len(self.header):
            raise Reject(f"expected {len(self.header)} fields (as in the header), got {len(fields)}")
        return dict(zip(self.header, fields))

    def close(self) -> None:
        """A quoted field still open when its file ends: that record is rejected."""
        if self.reader is not None and self.open_at is not None:
            name, n, line = self.open_at
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
    element's line number is that of its first line."""

    def __init__(self, src: Any, pattern: str):
        self.src = src
        self.rx = re.compile(pattern)
        self.start = 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.src, name)

    def __iter__(self) -> Any:
        pending: list[str] = []
        first = 1
        file_no = None
        search = self.rx.search
        for chunk in self.src:
            base = self.src.start
            if file_no != self.src.file_no:
                if pending:
                    self.start = first
                    yield ["\n".join(pending)]
                    pending = []
                file_no = self.src.file_no
            for i, line in enumerate(chunk):
                if pending and search(line):
                    pending.append(line)
                    continue
                if pending:
                    self.start = first
                    yield ["\n".join(pending)]
                pending = [line]
                first = base + i
        if pending:
            self.start = first
            yield ["\n".join(pending)]


def join_lines(src: Any, pattern: str) -> JoinedInput:
    return JoinedInput(src, pattern)
