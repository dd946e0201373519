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
        except OSError:
            raise
        except Exception as e:  # noqa: BLE001 - a protocol's package may raise anything (BadZipFile)
            raise OSError(str(e) or type(e).__name__) from None
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


class _Counted(list):
    """A chunk under `--state`: counts the lines taken from it, so that a run
    stopped in the middle (`take`) records exactly how far it got."""
    used = 0

    def __iter__(self) -> Iterator[str]:
        for i, line in enumerate(list.__iter__(self)):
            self.used = i + 1
            yield line


def _after_lines(raw: bytes, k: int) -> int:
    """The length of the first `k` lines of `raw`, newlines included."""
    end = 0
    for _ in range(k):
        end = raw.index(b"\n", end) + 1
    return end


def header_text(raw: bytes) -> str:
    """A file's first line as its header: without its line end or byte order mark.
    The one rule for reading a header ahead (`hints`) and again on resuming (`--state`)."""
    return raw.decode("utf-8", "surrogateescape").rstrip("\r\n").lstrip("\ufeff")


def _first_line(f: Any) -> str:
    """A file's first line (its header), its position kept."""
    at = f.tell()
    f.seek(0)
    line = f.read(CHUNK).split(b"\n", 1)[0]
    f.seek(at)
    return header_text(line)


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

    def tracked(self, plan: list[Any]) -> None:
        """Read these (path, byte offset, first line number, state key) segments
        instead, and record in `positions` how far the program consumed each
        keyed one (for `--state`)."""
        self.plan = plan
        self.positions: dict[str, dict[str, Any]] = {}
        # The line a stage holding an unfinished element (a `join`) began it at:
        # the next run goes on from there. The files whose last element is so held.
        self.held_from: int | None = None
        self.held_files: set[int] = set()
        # A file resumed after its first line: that line, its CSV/TSV header.
        self.header_line: str | None = None
        # A file renamed or removed between planning and reading (a rotation
        # just then): what this run read is not certain, so it saves no state.
        self.unsure = False

    def hold(self, line_no: int) -> None:
        """A stage has begun an element at `line_no` of the current file and not
        yet let it through: if the run ends here, the next one starts there."""
        self.held_from = line_no

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
        # What was read after the last newline, in pieces: joined once its line ends,
        # so a line of many reads costs its length, not its length times the reads.
        rest: list[str] = []
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
            piece = decode(data, not data)
            if not data:
                text = "".join(rest) + piece
                break
            cut = piece.rfind("\n")
            if cut < 0:
                rest.append(piece)
                continue
            if rest:
                rest.append(piece[:cut + 1])
                text = "".join(rest)  # one copy of the line: no `+` after the join
            else:
                text = piece[:cut + 1]
            rest = [piece[cut + 1:]]
            lines = self._lines(text, first)
            first = False
            line_no = self._number(lines, line_no)
            yield lines
        if text:
            lines = self._lines(text + "\n", first)
            self._number(lines, line_no)
            yield lines

    def _tracked(self) -> Iterator[list[str]]:
        from .state import Edges, entry_for
        for path, offset, line_no, key, identity in self.plan:
            try:
                f = open_binary(path)
            except OSError as e:
                self._vanished(path, identity, e)
                continue
            try:
                st = os.fstat(f.fileno())
                if identity is not None and (st.st_dev, st.st_ino) != identity:
                    f.close()
                    self._vanished(path, identity, None)
                    continue
                edges = Edges(f, offset) if key is not None else None
                f.seek(offset)
                header = _first_line(f) if offset > 0 else None
            except (OSError, EOFError, ValueError) as e:
                f.close()
                self._failed(path, e)
                self.unsure = True
                continue
            self.name = path
            self.file_no += 1
            self.whole = None
            self.header_line = header
            self.held_from = None
            self.mtime = st.st_mtime
            with f:
                done: list[int] = [offset, line_no]
                try:
                    yield from self._segment(f, path, done, edges)
                finally:
                    if key is not None:
                        self._held_back(f, done)
                        self.positions[key] = entry_for(f, done[0], done[1], edges)

    def _vanished(self, path: str, identity: Any, e: OSError | None) -> None:
        """A file could not be opened, or was another by then."""
        self.failed = True
        if identity is None:
            # Named but absent: reported; the other files' state is still saved.
            self.report(f"cannot read {path}: {getattr(e, 'strerror', None) or e}")
            return
        self.unsure = True
        self.report(f"{path} was renamed or removed as this run began (a rotation?): the state is not "
                    f"saved, and the next run reads again what this one read")

    def _segment(self, f: Any, path: str, done: list[int], edges: Any) -> Iterator[list[str]]:
        """The lines of a file from `done` = [byte offset, line number], which is
        kept at the end of what the program consumed (`_Counted` tells how much of
        a chunk it was stopped in, by `take`), the bytes consumed added to `edges`."""
        offset, line_no = done
        self.starts = [(line_no, offset)]  # where each chunk began, to find a held line's offset
        rest: list[bytes] = []  # as in `_stream_chunks`: joined once, when the line ends
        while True:
            self.flush()
            try:
                data = f.read(CHUNK)
            except (OSError, EOFError, ValueError) as e:
                self._failed(path, e)
                return
            if not data:
                return  # a last line without its newline waits for the next run
            self.bytes_read += len(data)
            cut = data.rfind(b"\n")
            if cut < 0:
                rest.append(data)
                continue
            if rest:
                rest.append(data)
                data = b"".join(rest)
                cut = len(data) - len(rest[-1]) + cut
            rest = [data[cut + 1:]]
            raw = data[:cut + 1]
            lines = _Counted(self._lines(raw.decode("utf-8", "surrogateescape"), offset == 0))
            self.starts.append((line_no, offset))
            first_line = line_no
            line_no = self._number(lines, line_no)
            try:
                yield lines
            except GeneratorExit:
                # Stopped inside this chunk: its first `used` lines were consumed.
                used = _after_lines(raw, lines.used)
                done[:] = [offset + used, first_line + lines.used]
                if edges is not None:
                    edges.add(raw[:used])
                raise
            offset += cut + 1
            done[:] = [offset, line_no]
            if edges is not None:
                edges.add(raw)

    def _held_back(self, f: Any, done: list[int]) -> None:
        """Move `done` back to the line a stage still holds an element from."""
        held = self.held_from
        if held is None or held >= done[1]:
            return
        start_line, start_offset = max(s for s in self.starts if s[0] <= held)
        f.seek(start_offset)
        done[:] = [start_offset + _after_lines(f.read(done[0] - start_offset), held - start_line), held]
        self.held_files.add(self.file_no)

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
