"""One run of a compiled program: output, rejections and their report (SPEC §7)."""
from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator

from ..formats.regex_formats import explain_mismatch
from .core import Reject, short
from .inputs import Input, whole_lines, whole_text

_json_text = json.encoder.encode_basestring  # what `json.dumps(..., ensure_ascii=False)` does to a str

# `typing` costs 20 ms to import; a one-liner's start-up goes without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO

MAX_EXAMPLES = 3
# Characters of output held after a sort or grouping before they are written.
OUTPUT_BATCH = 1 << 18


class StrictFailure(Exception):
    """`--strict` and a rejection: the run stops with this message (status 1)."""


class RunFailed(Exception):
    """The run could not finish (a worker or a task failed): this message, status 1."""


class RunError(Exception):
    """A run stopped by an error outside any element: a value computed once,
    before or after the input (a `let` that reads `now()`, a stage's argument),
    that failed. An element that fails is a rejection instead.

    `message` says why; `location` (`NAME:LINE:COL`) and `span` (character
    offsets `(start, end)` into the program text) say where, when known.
    A value that fails whatever the input is found at compile time instead.
    """

    def __init__(self, message: str, location: str | None = None, span: tuple[int, int] | None = None):
        super().__init__(message, location, span)
        self.message, self.location, self.span = message, location, span

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class Site:
    """What the report says about a stage: its name, location and source text,
    and its span (character offsets) in the program."""

    __slots__ = ("name", "location", "text", "span")

    def __init__(self, name: str, location: str, text: str, span: tuple[int, int] | list[int] | None = None):
        self.name, self.location, self.text = name, location, text
        # A list when read back from the cache's JSON.
        self.span = (span[0], span[1]) if span is not None else None


def why_line(file: str | None, line: int | None, stage: Site | None, reason: str) -> str:
    """A line of the `.why` file: `json.dumps` of {file, line, stage, at, reason}
    (not ASCII-escaped), written out piece by piece, as `json.dumps` sets
    up an encoder for every call: it was most of what a rejected line cost."""
    where = "null, \"at\": null" if stage is None else f"{_json_text(stage.name)}, \"at\": {_json_text(stage.location)}"
    if file is None or line is None:  # an element after grouping: no line of any file
        return f"{{\"file\": null, \"line\": null, \"stage\": {where}, \"reason\": {_json_text(reason)}}}\n"
    return (f"{{\"file\": {_json_text(file)}, \"line\": {line}, \"stage\": {where}, "
            f"\"reason\": {_json_text(reason)}}}\n")


class SiteRejections:
    """One stage's rejections: how many elements, how many input lines they were
    read from (a `join`ed element is several), and the first few."""

    __slots__ = ("count", "lines", "examples")

    def __init__(self) -> None:
        self.count = 0
        self.lines = 0
        self.examples: list[str] = []


def _converting(to: str) -> Callable[[re.Match[str]], str]:
    """Python's own message for a bad int("x") or float("x") shows the text as a
    Python repr; the reason shows it as StreamLang writes it."""
    def reason(m: re.Match[str]) -> str:
        text = m[1]
        if len(text) >= 2 and text[0] == text[-1] in "'\"" and "\\" not in text:
            return f"cannot convert {short(text[1:-1])} to {to}"  # most texts: no escapes to undo
        import ast
        try:
            shown = short(ast.literal_eval(text))
        except (ValueError, SyntaxError):  # Python cut a long text short: keep its form
            shown = text
        return f"cannot convert {shown} to {to}"
    return reason


_PY_MESSAGES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"invalid literal for int\(\) with base 10: (.*)"), _converting("int")),
    (re.compile(r"could not convert string to float: (.*)"), _converting("float")),
    (re.compile(r".*(?:NoneType|'None').*"), "null where a value is needed"),
    (re.compile(r"(list|string) index out of range"), "index out of range"),
    (re.compile(r".*division.* by zero|.*modulo by zero"), "division by zero"),
]


def reason_of(e: BaseException) -> str:
    if isinstance(e, Reject):
        return e.reason
    text = str(e) if not isinstance(e, KeyError) else f"no key {e}"
    for rx, repl in _PY_MESSAGES:
        if rx.fullmatch(text):
            return rx.sub(repl, text)
    return text or type(e).__name__


def shorten(text: str, limit: int = 80) -> str:
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = repr(text)[1:-1]
    return text if len(text) <= limit else text[:limit - 1] + "…"


def stdout_bytes() -> BinaryIO:
    """Where output bytes go: stdout's buffer, or, where `sys.stdout` has been
    replaced by a text stream (`contextlib.redirect_stdout`, a doctest), that
    stream, as text."""
    buffer = getattr(sys.stdout, "buffer", None)
    return buffer if buffer is not None else _TextOutput(sys.stdout)  # type: ignore[return-value]


class _TextOutput:
    """Bytes written to a text stream, decoded as they were encoded."""

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, data: bytes) -> int:
        self.stream.write(data.decode("utf-8", "surrogateescape"))
        return len(data)

    def flush(self) -> None:
        self.stream.flush()


class Run:
    def __init__(self, sites: list[Site], *, strict: bool = False, rejects: str | None = None,
                 out: BinaryIO | None = None, err: Callable[[str], None] | None = None):
        self.sites = sites
        self.strict = strict
        self.out = out if out is not None else stdout_bytes()
        self.err = err or (lambda text: print(text, file=sys.stderr))
        self.pending: list[str] = []
        self.write = self.pending.append
        self.rejected: dict[int, SiteRejections] = {}
        self.total_rejected = 0
        self.elements_rejected = 0  # after grouping: elements, not input lines
        self.unkept = 0  # rejected elements after grouping with no text to write to --rejects
        self.inputs: list[Input] = []
        self.current: Input | None = None
        self.io_failed = False
        self.ascii = False  # `--ascii`: charts in plain ASCII even on a terminal
        self.memory: int | None = None  # `--memory`: bytes `sort` may hold before it spills to disk
        self.skip_existing = False  # `--skip-existing`: `write` leaves finished partitions alone
        self.merged = None  # `-j`: the workers' groups, merged; the program then skips its input
        self.partial = False  # `-j` worker: return the groups instead of finishing
        self.parallel_lines: int | None = None
        # `-j` part of a `distinct`: (key, number of writes so far) per first appearance.
        self.first_seen_at: list[tuple[object, int]] | None = None
        self.cleanups: list = []
        self.rejects_file: BinaryIO | None = None
        self.why_file = None
        if rejects is not None:
            self.rejects_file = open(rejects, "wb")
            self.why_file = open(rejects + ".why", "w", encoding="utf-8", errors="surrogateescape")

    # input and output ----------------------------------------------------

    def open(self, path: str | list[str]) -> Input:
        paths = [path] if isinstance(path, str) else path
        src = Input(paths, self.flush, self.report_io)
        if self._draw is not None:
            src.idle = self._redraw_now
        self.inputs.append(src)
        self.current = src
        return src

    def live(self, draw: Callable[[Callable[[str], None]], None] | None) -> None:
        """`--live`: `draw(write)` writes the table as it stands; it is redrawn on the
        terminal a few times a second while the input pauses, and cleared at the end."""
        self._draw = draw
        for src in self.inputs:
            src.idle = self._redraw_now if draw is not None else None
        if draw is None:
            self._clear_live()

    _draw: Callable[[Callable[[str], None]], None] | None = None
    _drawn = 0
    _last_draw = 0.0

    def _redraw_now(self) -> None:
        self._last_draw = 0.0
        self._redraw()

    def _redraw(self) -> None:
        import shutil
        import time
        now = time.monotonic()
        if self._draw is None or now - self._last_draw < 0.25:
            return
        self._last_draw = now
        lines: list[str] = []
        self._drawing = True  # a rejection while drawing is counted by the final run, not here
        try:
            self._draw(lines.append)
        finally:
            self._drawing = False
        width = shutil.get_terminal_size().columns
        height = shutil.get_terminal_size().lines - 1
        shown = [line[:width] for line in lines[:max(1, height)]]
        text = self._clear_text() + "".join(line + "\x1b[K\n" for line in shown)
        self._drawn = len(shown)
        self.put(text.encode("utf-8", "replace"))

    def _clear_text(self) -> str:
        return f"\x1b[{self._drawn}F\x1b[J" if self._drawn else ""

    def _clear_live(self) -> None:
        if self._drawn:
            self.put(self._clear_text().encode())
            self._drawn = 0

    def report_io(self, message: str) -> None:
        self.io_failed = True
        self.err(f"sl: {message}")

    progress: Callable[[str], None] | None = None  # where the progress line goes (a terminal)
    _progress_at = 0.0
    _started = 0.0

    def _show_progress(self) -> None:
        """Every half second of a long run: how much has been read, how fast, what was rejected."""
        import time
        now = time.monotonic()
        if not self._started:
            self._started = now
        if now - self._progress_at < 0.5 or now - self._started < 1.0 or self.progress is None:
            return
        self._progress_at = now
        lines = sum(i.lines_read for i in self.inputs)
        mb = sum(getattr(i, "bytes_read", 0) for i in self.inputs) / 1e6
        rate = lines / (now - self._started)
        self.progress(f"\r\x1b[Ksl: {mb:,.0f} MB, {lines:,} lines read ({rate:,.0f}/s), "
                      f"{self.total_rejected:,} rejected")

    def end_progress(self) -> None:
        if self.progress is not None and self._progress_at:
            self.progress("\r\x1b[K")

    def flush(self) -> None:
        if self.progress is not None:
            self._show_progress()
        if self._draw is not None:
            self._redraw()
        self.write_pending()

    def drained(self, items: Iterable[Any]) -> Iterator[Any]:
        """The results of a sort or grouping, the output they make written as it
        grows instead of held until the end (a sort of more than `--memory` holds)."""
        pending = self.pending
        counted = size = 0  # the characters of pending[:counted]
        for item in items:
            yield item
            if len(pending) < counted:
                counted = size = 0  # written meanwhile
            if len(pending) - counted >= 64 and self.first_seen_at is None:
                size += sum(map(len, pending[counted:]))
                counted = len(pending)
                if size >= OUTPUT_BATCH:
                    self.write_pending()
                    counted = size = 0

    def write_pending(self) -> None:
        if not self.pending:
            return
        text = "\n".join(self.pending) + "\n"
        self.pending.clear()
        try:
            data = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            data = text.encode("utf-8", "replace")
        self.put(data)

    def put(self, data: bytes) -> None:
        """Write `data` to the output, all of it: every byte of output goes through here.

        With PYTHONUNBUFFERED (or `python -u`) stdout is a raw file, whose write
        may take only part of the data and say so, instead of raising: a pipe
        whose reader goes away in the middle of a large write (an aggregate's
        output, written at the end) takes what fits. The rest is written until
        all is, or the write fails — BrokenPipeError, which ends the run quietly
        (SPEC §6) wherever it happens.
        """
        while data:
            written = self.out.write(data)
            if written is None:
                if not isinstance(self.out, io.RawIOBase):
                    break  # a file-like object that does not count what it takes
                import select
                select.select([], [self.out], [])  # a raw, non-blocking stdout that is full
                continue
            data = data[written:]  # a copy, but only after a short write
        self.out.flush()

    # rejections ----------------------------------------------------------

    _drawing = False

    def reject(self, e: BaseException, n: int | None, line: str | None, site: int | None = None) -> None:
        if self._drawing:
            return
        if line is not None and line.endswith("\n"):
            line = line[:-1]  # read with `keep_newlines`: an element's text never ends with one
        if site is None:
            site = self.site_of(e)
        reason = reason_of(e)
        if line is not None and isinstance(e, Reject):
            reason = explain_mismatch(reason, line)  # which part of the line did not fit
        src = self.current
        name = src.name if src is not None else "-"
        raw: bytes | None = None
        whole = getattr(src, "whole", None) if n is not None else None
        folded = 1  # the input lines the element was read from
        if whole is not None and whole[0] == n:
            folded = whole_lines(whole)
            # An element read as several lines: reported at its first, kept whole.
            _, name, n = whole[:3]
            text = whole_text(whole)
            raw = text.encode("utf-8", "surrogateescape")
            line = (text + "\n").replace("\r\n", "\n")[:-1]  # shown as one-line elements are, without CRs
        where = f"{name if name != '-' else '<stdin>'}:{n}" if n is not None else "(after grouping)"
        self.total_rejected += folded
        if n is None:
            self.elements_rejected += 1
        stats = self.rejected.setdefault(site, SiteRejections())
        stats.count += 1
        stats.lines += folded
        stage = self.sites[site - 1] if 0 < site <= len(self.sites) else None
        if self.strict:
            at = f" in `{stage.name}` ({stage.location})" if stage else ""
            shown = f": {shorten(line)}" if line is not None else ""
            raise StrictFailure(f"{where}: {reason}{at}{shown}")
        if len(stats.examples) < MAX_EXAMPLES:
            shown = f": {shorten(line)}" if line is not None and n is not None else ""
            stats.examples.append(f"{where}: {reason}{shown}")
        if self.rejects_file is None:
            return
        if line is None or src is None:
            self.unkept += 1  # an element after grouping that is not a line of text (a record, a number)
        elif n is None:
            # A line after `sort` or `tail`: kept as the text it is (a BOM in it too).
            self.rejects_file.write(line.encode("utf-8", "surrogateescape") + b"\n")
            self.why_file.write(why_line(None, None, stage, reason))  # type: ignore[union-attr]
        else:
            self.rejects_file.write((src.raw_line(n, line) if raw is None else raw) + b"\n")
            self.why_file.write(why_line(name, n, stage, reason))  # type: ignore[union-attr]

    def failure(self, e: BaseException) -> RunError:
        """`e`, raised outside any element, as the error the run stops with."""
        site = self.site_of(e)
        stage = self.sites[site - 1] if 0 < site <= len(self.sites) else None
        if stage is None:
            return RunError(reason_of(e))
        return RunError(reason_of(e), stage.location, stage.span)

    def first_seen(self, key: object) -> None:
        """`distinct` let `key` through for the first time (noted only in a `-j` part)."""
        if self.first_seen_at is not None:
            self.first_seen_at.append((key, len(self.pending)))

    def site_of(self, e: BaseException) -> int:
        """The stage that failed: generated statements carry its number as their line."""
        tb = e.__traceback__
        site = 0
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "<streamlang>":
                site = tb.tb_lineno
            tb = tb.tb_next
        return site

    def summary(self) -> str | None:
        if not self.total_rejected:
            return None
        read = sum(i.lines_read for i in self.inputs) if self.parallel_lines is None else self.parallel_lines
        lines = self.total_rejected - self.elements_rejected
        parts = []
        if lines:
            parts.append(f"{lines} of {read} input line{'s' if read != 1 else ''}")
        if self.elements_rejected:
            n = self.elements_rejected
            parts.append(f"{n} element{'s' if n != 1 else ''} after grouping")
        out = ["sl: " + " and ".join(parts) + " rejected"]
        for site, stats in sorted(self.rejected.items()):
            stage = self.sites[site - 1] if 0 < site <= len(self.sites) else None
            label = f"`{stage.text}` ({stage.location})" if stage else "a stage"
            joined = f" lines ({stats.count} element{'s' if stats.count != 1 else ''})" \
                if stats.lines != stats.count else ""
            out.append(f"  {stats.lines}{joined} by {label}")
            out.extend(f"    {ex}" for ex in stats.examples)
            if stats.count > len(stats.examples):
                out.append(f"    ... and {stats.count - len(stats.examples)} more")
        if self.rejects_file is not None:
            out.append(f"  rejected lines were written to {self.rejects_file.name}")
            if self.unkept:
                out.append(f"  ({self.unkept} rejected element{'s' if self.unkept != 1 else ''} after grouping "
                           f"{'were not lines' if self.unkept != 1 else 'was not a line'} of text: not written there)")
        return "\n".join(out)

    def on_failure(self, cleanup) -> None:  # type: ignore[no-untyped-def]
        """Something to undo if the run does not finish (half-written partitions)."""
        self.cleanups.append(cleanup)

    def abandon(self) -> None:
        for cleanup in self.cleanups:
            cleanup()

    def close(self) -> None:
        if self.rejects_file is not None:
            self.rejects_file.close()
            self.why_file.close()  # type: ignore[union-attr]
