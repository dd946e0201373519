"""The toplevel's input: the sample every phrase runs on, and the whole input for `:run`.

The sample is the first N lines (1,000 by default) of the files given to
`sl -i` or `:load`, read once, on first use. In the toplevel `stdin` means
those files (the terminal is busy being the keyboard), and `lines "PATH"`
in a preview reads only the first N lines of PATH too, so a preview is
bounded by the sample size whatever the pipeline's sources.

A preview may be cancelled: `check` is called before every batch of lines
and every read, and raises `Cancelled` (a BaseException, so the generated
code's rejection handlers cannot swallow it).
"""
from __future__ import annotations

import glob
import io
import os
import threading
from typing import Callable, Iterator

from ..runtime.inputs import Input
from ..runtime.run import Run, Site

BATCH = 64  # lines between two cancellation checks


class Cancelled(BaseException):
    """A preview was overtaken by a keystroke, or ran out of time."""


def no_check() -> None:
    pass


def expand_globs(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in paths:
        if p != "-" and not os.path.exists(p) and any(c in p for c in "*?["):
            out.extend(sorted(glob.glob(p)) or [p])
        else:
            out.append(p)
    return out


Segment = tuple[str, int, list[str]]  # file name, number of its first line, lines


def read_head(paths: list[str], limit: int) -> tuple[list[Segment], list[str]]:
    """The first `limit` lines of these files, by file, and what went wrong reading them."""
    errors: list[str] = []
    segments: list[Segment] = []
    if not paths or limit <= 0:
        return segments, errors
    src = Input(expand_globs(paths), lambda: None, errors.append)
    count = 0
    chunks = iter(src)
    try:
        for chunk in chunks:
            take = chunk[:limit - count]
            if segments and segments[-1][0] == src.name:
                segments[-1][2].extend(take)
            else:
                segments.append((src.name, src.start, list(take)))
            count += len(take)
            if count >= limit:
                break
    finally:
        chunks.close()  # type: ignore[attr-defined]
    return segments, errors


class Sample:
    """The first `size` lines of `files`, read on first use (thread-safe)."""

    def __init__(self, files: list[str], size: int = 1000):
        self.files = list(files)
        self.size = size
        self._segments: list[Segment] | None = None
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def segments(self) -> list[Segment]:
        with self._lock:
            if self._segments is None:
                self._segments, self.errors = read_head(self.files, self.size)
            return self._segments

    @property
    def loaded(self) -> bool:
        return self._segments is not None

    def count(self) -> int:
        return sum(len(lines) for _, _, lines in self.segments())


class SegmentsInput:
    """Lines already in memory, with the interface of `runtime.inputs.Input`."""

    def __init__(self, segments: Callable[[], list[Segment]], check: Callable[[], None]):
        self.segments = segments
        self.check = check
        self.name = "-"
        self.start = 1
        self.lines_read = 0

    def __iter__(self) -> Iterator[list[str]]:
        for name, first, lines in self.segments():
            self.name = name
            for i in range(0, len(lines), BATCH):
                self.check()
                batch = lines[i:i + BATCH]
                self.start = first + i
                self.lines_read += len(batch)
                yield batch

    def raw_line(self, n: int, line: str) -> bytes:
        return line.encode("utf-8", "surrogateescape")


class ToplevelRun(Run):
    """A run whose `stdin` is the session's input, on the sample or on everything.

    `sample` set: every source reads at most the sample's size of lines.
    """

    def __init__(self, sites: list[Site], files: list[str], sample: Sample | None,
                 check: Callable[[], None] = no_check, out: io.RawIOBase | io.BufferedIOBase | None = None):
        self.messages: list[str] = []
        super().__init__(sites, out=out if out is not None else io.BytesIO(),  # type: ignore[arg-type]
                         err=self.messages.append)
        self.files = files
        self.sample = sample
        self.check = check

    def open(self, path: str | list[str]) -> Input:
        paths = [path] if isinstance(path, str) else list(path)
        src: object
        if self.sample is not None:
            src = SegmentsInput(self._sample if paths == ["-"] else lambda: self._head(paths), self.check)
        else:
            paths = [p for q in paths for p in (self.files if q == "-" else [q])]
            src = Input(expand_globs(paths), self._flush_and_check, self.report_io)
        self.inputs.append(src)  # type: ignore[arg-type]
        self.current = src  # type: ignore[assignment]
        return src  # type: ignore[return-value]

    def _sample(self) -> list[Segment]:
        assert self.sample is not None
        segments = self.sample.segments()
        self.messages.extend(self.sample.errors)
        return segments

    def _head(self, paths: list[str]) -> list[Segment]:
        assert self.sample is not None
        segments, errors = read_head(paths, self.sample.size)
        self.messages.extend(errors)
        return segments

    def _flush_and_check(self) -> None:
        self.check()
        self.flush()
