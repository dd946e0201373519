"""Reading input: files in order, `-` for stdin, directories, compressed files.

Input is read in large binary chunks and cut at the last newline, so a
multi-byte character is never split, and decoded with `surrogateescape`, so
bytes that are not UTF-8 come out unchanged. Before every read the output
is flushed: whatever the program has found is shown while it waits for more
(`tail -f log | sl ...`).
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from typing import BinaryIO

CHUNK = 1 << 20


def expand(paths: list[str]) -> Iterator[str]:
    """Files in the order named; a directory is every file under it, sorted,
    except hidden ones and Hive's markers (`_SUCCESS`, names starting with `_` or `.`)."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
                for name in sorted(files):
                    if not name.startswith((".", "_")):
                        yield os.path.join(root, name)
        else:
            yield path


def open_binary(path: str) -> BinaryIO:
    if path.endswith(".gz"):
        import gzip
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if path.endswith(".bz2"):
        import bz2
        return bz2.open(path, "rb")  # type: ignore[return-value]
    if path.endswith(".xz"):
        import lzma
        return lzma.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb", buffering=0)


class Input:
    """Chunks of lines (lists of str, without line ends) from files or stdin.

    While a chunk is being processed, `name` is its file and `start` the
    number of its first line in that file.
    """

    def __init__(self, paths: list[str], flush: Callable[[], None], report: Callable[[str], None]):
        self.paths = paths or ["-"]
        self.flush = flush
        self.report = report
        self.name = "-"
        self.start = 1
        self.lines_read = 0
        self.file_no = 0  # counts the files begun, so readers with a header notice a new one
        self.mtime: float | None = None
        self.failed = False
        self._raw: str | None = None

    def __iter__(self) -> Iterator[list[str]]:
        for path in expand(self.paths):
            try:
                stream = self._open(path)
            except OSError as e:
                self.failed = True
                self.report(f"cannot read {path}: {e.strerror or e}")
                continue
            self.name = "-" if path == "-" else path
            self.file_no += 1
            try:
                self.mtime = None if path == "-" else os.stat(path).st_mtime
            except OSError:
                self.mtime = None
            try:
                yield from self._chunks(stream, path)
            finally:
                if path != "-":
                    stream.close()

    def _open(self, path: str) -> BinaryIO:
        if path == "-":
            return sys.stdin.buffer.raw if hasattr(sys.stdin.buffer, "raw") else sys.stdin.buffer  # type: ignore[return-value]
        return open_binary(path)

    def _read(self, stream: BinaryIO, path: str) -> bytes:
        self.flush()
        try:
            return stream.read(CHUNK)
        except (OSError, EOFError) as e:
            # A file that vanished, a corrupt archive: say so, and go on with the rest.
            self.failed = True
            self.report(f"error reading {path}: {getattr(e, 'strerror', None) or e}")
            return b""

    def _chunks(self, stream: BinaryIO, path: str) -> Iterator[list[str]]:
        line_no = 1
        rest = b""
        first = True
        while True:
            data = self._read(stream, path)
            if not data:
                break
            data = rest + data
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                continue
            rest = data[cut + 1:]
            lines = self._lines(data[:cut + 1].decode("utf-8", "surrogateescape"), first)
            first = False
            self.start = line_no
            line_no += len(lines)
            self.lines_read += len(lines)
            yield lines
        if rest:
            lines = self._lines(rest.decode("utf-8", "surrogateescape") + "\n", first)
            self.start = line_no
            self.lines_read += len(lines)
            yield lines

    def _lines(self, text: str, first: bool) -> list[str]:
        if first and text.startswith("\ufeff"):
            text = text[1:]
        if "\r" in text:
            self._raw = text
            text = text.replace("\r\n", "\n")
        else:
            self._raw = None
        lines = text.split("\n")
        lines.pop()
        return lines

    def raw_line(self, n: int, line: str) -> bytes:
        """Line `n` of the current chunk exactly as it was read (with its CR, if any)."""
        if self._raw is not None:
            raw = self._raw.split("\n")[n - self.start]
        else:
            raw = line
        return raw.encode("utf-8", "surrogateescape")
