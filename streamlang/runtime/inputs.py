"""Reading input: files in order, `-` for stdin, directories, compressed files.

Input is read in chunks, decoded with `surrogateescape` (so bytes that are
not UTF-8 come out unchanged) and cut at the last newline of each chunk. Before every read the output
is flushed: whatever the program has found is shown while it waits for more
(`tail -f log | sl ...`).
"""
from __future__ import annotations

import _thread
import codecs
import io
import os
import stat
import sys
from collections.abc import Callable, Iterator

# `typing` costs 20 ms to import; a one-liner's start-up goes without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO

# Small enough that a chunk, its text and its lines stay in the CPU cache
# (1 MiB chunks ran the reading loop four times slower).
CHUNK = 1 << 16
# What the text layer decodes at a time. Its default, 8 KiB, costs a sixth
# of the reading (each piece is a decoder call, a snapshot, and a line cut in
# two and joined again). At 64 KiB, a chunk's lines joined into one text
# (when it has CRs) make glibc return freed memory to the kernel and fault it
# back in, a page fault every 8 KiB.
DECODE_SIZE = 1 << 15


class WatchingDecoder(codecs.BufferedIncrementalDecoder):
    """UTF-8, as Python decodes it, noting whether a CR went by and how many
    bytes did. One test per 32 KiB read: looking for CRs in the lines instead
    meant joining every chunk's lines into one text."""
    def _buffer_decode(self, input: Any, errors: str, final: bool) -> tuple[str, int]:
        return codecs.utf_8_decode(input, errors, final)

    def __init__(self, errors: str = "strict"):
        super().__init__(errors)
        self.saw_cr = False
        self.bytes_seen = 0

    def decode(self, input: Any, final: bool = False) -> str:  # the text layer's bytes
        self.bytes_seen += len(input)
        if b"\r" in input:
            self.saw_cr = True
        return super().decode(input, final)


_CODEC = "streamlang-utf-8"
# The text layer makes its decoder itself; `text_stream` takes it from here,
# holding the lock so that no other thread's stream makes one in between.
_making = _thread.allocate_lock()
_just_made: list[WatchingDecoder] = []


def _watching_decoder(errors: str = "strict") -> WatchingDecoder:
    decoder = WatchingDecoder(errors)
    _just_made.append(decoder)
    return decoder


def _find_codec(name: str) -> codecs.CodecInfo | None:
    if name != _CODEC.replace("-", "_"):
        return None
    utf8 = codecs.lookup("utf-8")
    return codecs.CodecInfo(utf8.encode, utf8.decode, incrementalencoder=utf8.incrementalencoder,
                            incrementaldecoder=_watching_decoder, name=_CODEC)


codecs.register(_find_codec)


def text_stream(binary: Any) -> tuple[io.TextIOWrapper, WatchingDecoder]:
    """`binary` read as text (UTF-8, with surrogateescape; lines end at `\n`
    only, CRs kept), and the decoder that tells whether it has had a CR."""
    with _making:
        stream = io.TextIOWrapper(binary, encoding=_CODEC, errors="surrogateescape", newline="\n")
        decoder = _just_made.pop()
    stream._CHUNK_SIZE = DECODE_SIZE  # type: ignore[attr-defined]
    return stream, decoder


def expand(paths: list[str]) -> Iterator[str]:
    """Files in the order named; a directory is every file under it, sorted,
    except hidden ones and Hive's markers (`_SUCCESS`, names starting with `_` or `.`)."""
    for path in paths:
        if is_url(path):
            yield from _expand_url(path)
            continue
        if path != "-" and not os.path.exists(path) and any(c in path for c in "*?["):
            import glob
            matches = sorted(glob.glob(path))
            if matches:
                yield from expand(matches)
                continue
        if path != "-" and os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
                for name in sorted(files):
                    if not name.startswith((".", "_")):
                        yield os.path.join(root, name)
        else:
            yield path


def _expand_url(url: str) -> Iterator[str]:
    """A URL naming a directory (a table's location) or a glob: its files, sorted."""
    try:
        import fsspec
        fs, _, paths = fsspec.get_fs_token_paths(url)
        protocol = url.split("://")[0]
        found: list[str] = []
        for p in paths:
            if fs.isdir(p):
                found.extend(f for f in fs.find(p) if not os.path.basename(f).startswith((".", "_")))
            else:
                found.append(p)
        if found:
            yield from (f"{protocol}://{f}" if "://" not in f else f for f in sorted(found))
            return
    except Exception:  # noqa: BLE001 - the reader reports the URL it cannot open
        pass
    yield url


def is_url(path: str) -> bool:
    return "://" in path and not os.path.exists(path)


def open_binary(path: str) -> BinaryIO:
    if is_url(path):
        # s3://, gs://, http(s)://...: through fsspec, where it (and the protocol's
        # package, s3fs say) is installed.
        try:
            import fsspec
        except ImportError:
            raise OSError(f"reading {path.split('://')[0]}:// URLs needs fsspec (pip install fsspec)") from None
        try:
            return fsspec.open(path, "rb", compression="infer").open()  # type: ignore[no-any-return]
        except (ImportError, ValueError) as e:
            raise OSError(str(e)) from None
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


def _ready(stream: Any) -> bool:
    import select
    try:
        return bool(select.select([stream], [], [], 0)[0])
    except (OSError, ValueError):
        return True


# An element that was read as several lines (a `join`, a CSV record with a line
# break in a quoted field), as its rejection must report and keep it:
# (at, name, first, before, raw, lo, hi). `at` is the line number the rejection
# handler knows the element by (for CSV, the record's last line), `name` the
# file it came from, `first` its first line. Its lines exactly as read, CRs
# kept, are `before`, then lines lo..hi-1 of `raw`, the text of the chunk it
# ended in as read (None when `before` is all of it): they are cut from that
# text only if the element is rejected.
# The stage that assembles such an element sets it as its source's `whole`;
# `Run.reject` looks at it only when an element is rejected, so one-line
# elements cost nothing. A tuple: one is made for every such element, and a
# class instance costs ten times as much to make.
if TYPE_CHECKING:
    Whole = tuple[int, str, int, list[str], str | None, int, int]


def whole_text(whole: Whole) -> str:
    """The lines of a `Whole` element as read, joined by newlines."""
    _, _, _, before, raw, lo, hi = whole
    return "\n".join(before if raw is None else before + split_lines(raw)[lo:hi])


def whole_lines(whole: Whole) -> int:
    """How many input lines a `Whole` element was read from."""
    _, _, _, before, raw, lo, hi = whole
    return len(before) + (hi - lo if raw is not None else 0)


_split: tuple[str, list[str]] = ("", [""])


def split_lines(text: str) -> list[str]:
    """`text.split("\\n")`, kept for the next call with the same text: the rejected
    lines of a chunk are all cut from one split of it."""
    global _split
    if _split[0] is not text:
        _split = (text, text.split("\n"))
    return _split[1]


class Input:
    """Chunks of lines (lists of str, without line ends) from files or stdin.
    With `keep_newlines`, lines may end with their `\n` (not a `\r\n`).

    While a chunk is being processed, `name` is its file and `start` the
    number of its first line in that file; `whole` is set by a stage that
    makes one element of several lines (see `Whole` above).
    """

    def __init__(self, paths: list[str], flush: Callable[[], None], report: Callable[[str], None]):
        self.paths = paths or ["-"]
        self.flush = flush
        self.report = report
        self.name = "-"
        self.start = 1
        self.lines_read = 0
        self.file_no = 0  # counts the files begun, so readers with a header notice a new one
        self.bytes_read = 0  # for the progress line
        self.mtime: float | None = None
        self.failed = False
        self._raw: str | None = None
        self.whole: Whole | None = None
        # Called when stdin has nothing ready, just before the read that waits for it.
        self.idle: Callable[[], None] | None = None
        # Set for a program that reads each line only through `re.fullmatch`
        # with an optional final `\n`, or `str.split()`: lines of a file may
        # then keep their newline, which saves copying every line.
        self.keep_newlines = False

    def tracked(self, plan: list[tuple[str, int, int]]) -> None:
        """Read these (path, byte offset, first line number) segments instead, and
        record in `positions` how far each got (for `--state`)."""
        self.plan = plan
        self.positions: dict[str, tuple[int, int]] = {}

    def __iter__(self) -> Iterator[list[str]]:
        if getattr(self, "plan", None) is not None:
            yield from self._tracked()
            return
        for path in expand(self.paths):
            try:
                stream, decoder = self._open(path)
            except OSError as e:
                self.failed = True
                self.report(f"cannot read {path}: {e.strerror or e}")
                continue
            self.name = "-" if path == "-" else path
            self.file_no += 1
            self.whole = None
            try:
                self.mtime = None if path == "-" else os.stat(path).st_mtime
            except OSError:
                self.mtime = None
            try:
                if decoder is None:
                    yield from self._stream_chunks(stream, path)
                else:
                    yield from self._file_chunks(stream, decoder, path)
            finally:
                if path != "-":
                    stream.close()

    def _open(self, path: str) -> tuple[Any, WatchingDecoder | None]:
        """A file as a text stream and its decoder; a pipe or terminal as a raw
        binary stream, which `_stream_chunks` decodes itself, and None."""
        if path == "-":
            if not stat.S_ISREG(os.fstat(0).st_mode):
                # A pipe or terminal: raw reads return whatever has arrived, so
                # a live stream is never waited on for a full chunk.
                return (sys.stdin.buffer.raw if hasattr(sys.stdin.buffer, "raw") else sys.stdin.buffer), None
            binary: BinaryIO = os.fdopen(os.dup(0), "rb")
        else:
            binary = open_binary(path)
        return text_stream(binary)

    def _failed(self, path: str, e: BaseException) -> None:
        # A file that vanished, a corrupt archive: say so, and go on with the rest.
        self.failed = True
        self.report(f"error reading {path}: {getattr(e, 'strerror', None) or e}")

    def _file_chunks(self, stream: io.TextIOWrapper, decoder: WatchingDecoder, path: str,
                     first: bool = True) -> Iterator[list[str]]:
        """A file's lines, a chunk at a time. `readlines` finds line ends with
        memchr, several times quicker than `str.split` on the decoded text."""
        line_no = 1
        read_before = self.bytes_read
        while True:
            self.flush()
            try:
                lines = stream.readlines(CHUNK)
            except (OSError, EOFError, ValueError) as e:
                self._failed(path, e)
                return
            if not lines:
                return
            self.bytes_read = read_before + decoder.bytes_seen
            if not lines[-1].endswith("\n"):
                lines[-1] += "\n"  # the file's last line, without its newline
            # The text layer decodes ahead of the lines it hands over, so from
            # the first CR decoded on, every chunk takes the careful way.
            if decoder.saw_cr or (first and lines[0].startswith("\ufeff")):
                lines = self._lines("".join(lines), first)
            else:
                self._raw = None
                if not self.keep_newlines:
                    lines = [line[:-1] for line in lines]
            first = False
            line_no = self._number(lines, line_no)
            yield lines

    def _stream_chunks(self, stream: Any, path: str) -> Iterator[list[str]]:
        decode = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode
        line_no = 1
        rest = ""
        first = True
        while True:
            self.flush()
            if self.idle is not None and not _ready(stream):
                self.idle()
            try:
                data = stream.read(CHUNK)
            except (OSError, EOFError, ValueError) as e:
                self._failed(path, e)
                return
            self.bytes_read += len(data)
            text = rest + decode(data, not data)
            if not data:
                break
            cut = text.rfind("\n")
            if cut < 0:
                rest = text
                continue
            rest = text[cut + 1:]
            lines = self._lines(text[:cut + 1], first)
            first = False
            line_no = self._number(lines, line_no)
            yield lines
        if text:
            lines = self._lines(text + "\n", first)
            self._number(lines, line_no)
            yield lines

    def _tracked(self) -> Iterator[list[str]]:
        for path, offset, line_no in self.plan:
            try:
                f = open(path, "rb")
                f.seek(offset)
            except OSError as e:
                self.failed = True
                self.report(f"cannot read {path}: {e.strerror or e}")
                continue
            self.name = path
            self.file_no += 1
            self.whole = None
            self.mtime = None
            self.positions[path] = (offset, line_no)
            rest = b""
            with f:
                while True:
                    self.flush()
                    try:
                        data = f.read(CHUNK)
                    except OSError as e:
                        self._failed(path, e)
                        break
                    if not data:
                        break  # a last line without its newline waits for the next run
                    self.bytes_read += len(data)
                    data = rest + data
                    cut = data.rfind(b"\n")
                    if cut < 0:
                        rest = data
                        continue
                    rest = data[cut + 1:]
                    lines = self._lines(data[:cut + 1].decode("utf-8", "surrogateescape"), offset == 0)
                    line_no = self._number(lines, line_no)
                    offset += cut + 1
                    yield lines
                    # Only once the chunk's lines have gone through the whole program.
                    self.positions[path] = (offset, line_no)

    def _number(self, lines: list[str], line_no: int) -> int:
        """Make `lines` the current chunk, its first line numbered `line_no`;
        the number of the line after it."""
        self.start = line_no
        self.lines_read += len(lines)
        return line_no + len(lines)

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

    def raw_lines(self) -> list[str] | None:
        """The current chunk's lines exactly as read (CRs kept), then an empty string
        (what follows the last newline); None when the chunk had no CR, its lines being
        that already. Split once per chunk, when first asked for."""
        return None if self._raw is None else split_lines(self._raw)

    def raw_chunk(self) -> str | None:
        """The current chunk's text as read, or None when it had no CR (it is its lines)."""
        return self._raw

    def raw_tail(self, k: int) -> list[str] | None:
        """The current chunk's last `k` lines as read, or None as for `raw_lines`;
        costs what those lines are long, not what the chunk is."""
        if self._raw is None:
            return None
        if k <= 0:
            return []
        return self._raw.rsplit("\n", k + 1)[-k - 1:-1]

    def raw_line(self, n: int, line: str) -> bytes:
        """Line `n` of the current chunk exactly as it was read (with its CR, if any)."""
        raws = self.raw_lines()
        raw = line if raws is None else raws[n - self.start]
        return raw.encode("utf-8", "surrogateescape")
