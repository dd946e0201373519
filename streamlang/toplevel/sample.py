"""The toplevel's input: the sample every phrase runs on, and the whole input for `:run`.

The sample is the first N lines (1,000 by default) of the files given to
`sl -i` or `:load`, read once, on first use. In the toplevel `stdin` means
those files (the terminal is busy being the keyboard), and `lines "PATH"`
in a preview reads only the first N lines of PATH too, so a preview is
bounded by the sample size whatever the pipeline's sources.

`ToplevelRun` (in toprun.py) is the run that reads them. A preview may be cancelled: `check` is called before every batch of lines
and every read, and raises `Cancelled` (a BaseException, so the generated
code's rejection handlers cannot swallow it).
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator

BATCH = 64  # lines between two cancellation checks


class Cancelled(BaseException):
    """A preview was overtaken by a keystroke, or ran out of time."""


def no_check() -> None:
    pass


def expand_globs(paths: list[str]) -> list[str]:
    import glob

    out: list[str] = []
    for p in paths:
        if p != "-" and not os.path.exists(p) and any(c in p for c in "*?["):
            out.extend(sorted(glob.glob(p)) or [p])
        else:
            out.append(p)
    return out


Segment = tuple[str, int, list[str]]  # file name, number of its first line, lines


def read_head(paths: list[str], limit: int, check: Callable[[], None] = no_check
              ) -> tuple[list[Segment], list[str]]:
    """The first `limit` lines of these files, by file, and what went wrong reading them.
    `check` is called before every read."""
    from ..runtime.inputs import Input

    errors: list[str] = []
    segments: list[Segment] = []
    if not paths or limit <= 0:
        return segments, errors
    src = Input(expand_globs(paths), check, errors.append)
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


COUNT_LIMIT = 256 << 20  # bytes of plain files counted to say "first 1,000 of N lines"


def count_lines(paths: list[str]) -> int:
    """The lines in these plain files (as the reader counts them: a last line without its
    newline is one), or -1 when they are not all plain files or are too big to count at once."""
    import stat

    from ..runtime.inputs import expand, is_url

    files = list(expand(expand_globs(paths)))
    sizes = []
    for path in files:
        if path == "-" or is_url(path) or path.endswith((".gz", ".bz2", ".xz")):
            return -1
        try:
            st = os.stat(path)
        except OSError:
            return -1
        if not stat.S_ISREG(st.st_mode):
            return -1
        sizes.append(st.st_size)
    if sum(sizes) > COUNT_LIMIT:
        return -1
    total = 0
    for path in files:
        last = b"\n"
        try:
            with open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    total += chunk.count(b"\n")
                    last = chunk[-1:]
        except OSError:
            return -1
        total += last != b"\n"
    return total


class Sample:
    """The first `size` lines of `files`, read on first use (thread-safe)."""

    def __init__(self, files: list[str], size: int = 1000):
        self.files = list(files)
        self.size = size
        self._segments: list[Segment] | None = None
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._total: int | None = None  # -1: cannot be counted cheaply

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

    def total(self) -> int | None:
        """The lines in the whole input when that is cheap to know (read once): the
        sample's count when it is the whole input, else counted in plain files up to
        `COUNT_LIMIT` bytes; None for compressed files, pipes, URLs and bigger inputs."""
        count = self.count()
        if count < self.size:
            return count
        if self._total is None:
            self._total = count_lines(self.files)
        return self._total if self._total >= 0 else None


class SegmentsInput:
    """Lines already in memory, with the interface of `runtime.inputs.Input`."""

    def __init__(self, segments: Callable[[], list[Segment]], check: Callable[[], None]):
        self.segments = segments
        self.check = check
        self.name = "-"
        self.start = 1
        self.lines_read = 0
        self.file_no = 0  # as Input has them: readers with a header notice a new file
        self.mtime: float | None = None
        self.idle = None

    def __iter__(self) -> Iterator[list[str]]:
        for name, first, lines in self.segments():
            self.name = name
            self.file_no += 1
            for i in range(0, len(lines), BATCH):
                self.check()
                batch = lines[i:i + BATCH]
                self.start = first + i
                self.lines_read += len(batch)
                yield batch

    def raw_line(self, n: int, line: str) -> bytes:
        return line.encode("utf-8", "surrogateescape")
