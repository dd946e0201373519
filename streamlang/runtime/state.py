"""`--state FILE`: incremental runs for cron and monitoring jobs (SPEC §9).

The state records, per input file, its identity (device, inode, the size it
had, and a fingerprint of its first and last bytes before the offset) and
the byte offset and line number after the last line this run consumed. The
next run reads only what follows; a last line without its newline waits for
the next run.

A file whose identity changed was rotated, truncated or rewritten: its old
contents are looked for beside it under logrotate's names (`app.log.1`,
`app.log.1.gz`, `app.log-20260102`), by inode or by content (a copy made by
copytruncate), and the unread rest of the old file is read first, then any
newer rotated file, then the new file from its start. Where the old file
cannot be found, the run says so (`lost`) and the caller reports it.

The state file carries a marker and a version; anything else at its path is
an error and is never overwritten. It is written to a new temporary file
(mkstemp: O_EXCL, never through a symlink) beside it, then renamed over it,
only after the output was written. A lock file beside it (`FILE.lock`, held
with flock) makes a second run on the same state wait for the first.
See docs/guarantees.md, "Incremental runs (--state)".
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from typing import Any

MARKER = "streamlang-state"
VERSION = 2
# A state holds a few hundred bytes per file; anything bigger is not ours.
MAX_STATE_BYTES = 16 << 20
# The fingerprint covers this much at the start of what was read and this
# much just before the offset: a file rewritten in place with the same first
# bytes (a long CSV header, a constant JSON prefix) differs there.
EDGE_BYTES = 4096
COMPRESSED = (".gz", ".bz2", ".xz")
ENTRY_FIELDS = ("dev", "ino", "offset", "line", "size")


Segment = tuple[str, int, int, "str | None", "tuple[int, int] | None"]


class StateError(ValueError):
    """A state file that cannot be used: the run stops before reading anything."""


def fingerprint(f: Any, offset: int) -> str:
    """sha1 of the first and the last `EDGE_BYTES` of a file's first `offset` bytes.
    `f` is an open binary file (plain or decompressing); its position is not kept."""
    h = hashlib.sha1()
    f.seek(0)
    h.update(f.read(min(offset, EDGE_BYTES)))
    tail_from = max(EDGE_BYTES, offset - EDGE_BYTES)
    if tail_from < offset:
        f.seek(tail_from)
        h.update(f.read(offset - tail_from))
    return h.hexdigest()


class Edges:
    """The bytes a fingerprint covers, kept as a file is read from `offset`: a
    file truncated while it is read (copytruncate) still gets the fingerprint
    of the bytes that were read."""

    def __init__(self, f: Any, offset: int):
        f.seek(0)
        self.head = f.read(min(offset, EDGE_BYTES))
        f.seek(max(0, offset - EDGE_BYTES))
        self.tail = f.read(offset - max(0, offset - EDGE_BYTES))
        self.offset = offset

    def add(self, data: bytes) -> None:
        """`data`, the bytes just after the offset, were consumed."""
        if len(self.head) < EDGE_BYTES:
            self.head += data[:EDGE_BYTES - len(self.head)]
        self.tail = data[-EDGE_BYTES:] if len(data) >= EDGE_BYTES else (self.tail + data)[-EDGE_BYTES:]
        self.offset += len(data)

    def fingerprint(self) -> str:
        """What `fingerprint` would give for the file's first `self.offset` bytes."""
        h = hashlib.sha1(self.head[:min(self.offset, EDGE_BYTES)])
        tail_from = max(EDGE_BYTES, self.offset - EDGE_BYTES)
        if tail_from < self.offset:
            h.update(self.tail[tail_from - self.offset:])
        return h.hexdigest()


def entry_for(f: Any, offset: int, line: int, edges: Edges | None = None) -> dict[str, Any]:
    """What the state records of an open plain file consumed up to `offset`
    (fingerprinted from `edges` if they end there, else from the file)."""
    st = os.fstat(f.fileno())
    fp = edges.fingerprint() if edges is not None and edges.offset == offset else fingerprint(f, offset)
    # A file truncated while it was read is smaller now than what was read of it.
    return {"dev": st.st_dev, "ino": st.st_ino, "offset": offset, "line": line,
            "size": max(st.st_size, offset), "fingerprint": fp}


def read_state(path: str) -> dict[str, dict[str, Any]]:
    """The files recorded in the state at `path` ({} if there is none yet)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise StateError(f"cannot read the state file {path}: {e.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StateError(f"the state file {path} is not a regular file")
        data = f.read(MAX_STATE_BYTES + 1)
    if len(data) > MAX_STATE_BYTES:
        raise StateError(f"the state file {path} is larger than {MAX_STATE_BYTES >> 20} MiB: not a state file")
    if not data:
        return {}  # made empty by `touch` or by hand: no file read yet
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        doc = None
    if isinstance(doc, dict) and "format" not in doc and doc.get("version") == 1 and isinstance(doc.get("files"), dict):
        return _from_version_1(doc["files"])
    if not isinstance(doc, dict) or doc.get("format") != MARKER:
        raise StateError(f"{path} is not a StreamLang state file (left as it is; name another file)")
    if doc.get("version") != VERSION:
        raise StateError(f"the state file {path} has version {doc.get('version')!r}, this sl reads version "
                         f"{VERSION} (left as it is; move it away to start over)")
    files = doc.get("files")
    if not isinstance(files, dict) or not all(_valid_entry(e) for e in files.values()):
        raise StateError(f"the state file {path} is damaged (left as it is; move it away to start over)")
    return files


def _from_version_1(files: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The entries of a state an earlier StreamLang wrote (no marker, version 1:
    the sha1 of a file's first 64 bytes as its fingerprint), as this version
    keeps them: an entry whose file is still the one it describes goes on where
    it stopped; any other is left out, so that file is read again from its start
    (or found rotated, by its inode) — a repeat, never a loss. The file is
    rewritten in this version's form when the run saves its state."""
    upgraded: dict[str, dict[str, Any]] = {}
    for path, entry in files.items():
        try:
            offset, line = entry["offset"], entry["line"]
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                if (st.st_dev, st.st_ino) != (entry["dev"], entry["ino"]) or st.st_size < offset:
                    continue
                if hashlib.sha1(f.read(min(offset, 64))).hexdigest() != entry["fingerprint"]:
                    continue
                upgraded[path] = {"dev": st.st_dev, "ino": st.st_ino, "offset": offset, "line": line,
                                  "size": st.st_size, "fingerprint": fingerprint(f, offset)}
        except (OSError, KeyError, TypeError):
            continue
    return {p: e for p, e in upgraded.items() if _valid_entry(e)}


def _valid_entry(entry: Any) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
        return False
    if not all(type(entry.get(k)) is int and entry[k] >= 0 for k in ENTRY_FIELDS):
        return False
    return entry["line"] >= 1 and entry["size"] >= entry["offset"]


class State:
    def __init__(self, path: str):
        self.path = path
        self.lock_fd = -1
        self.files: dict[str, dict[str, Any]] = {}
        self.lost: list[str] = []  # one message per rotated file whose rest was not found

    def lock(self, waiting: Any) -> None:
        """Hold `FILE.lock` until the process ends; if another run holds it,
        call `waiting()` once and wait for it. Then read the state."""
        import fcntl
        lock_path = self.path + ".lock"
        try:
            self.lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as e:
            raise StateError(f"cannot open the lock file {lock_path}: {e.strerror}") from None
        try:
            fcntl.flock(self.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(self.lock_fd, fcntl.LOCK_EX)
        self.files = read_state(self.path)

    # what to read ---------------------------------------------------------

    def plan(self, paths: list[str]) -> list[Segment]:
        """(path, byte offset, first line number, key, identity) of what this run
        reads, in order; `key` is the name the state keeps the file under (None for
        a rotated file that is read but not named on the command line), `identity`
        the (device, inode) the file had when planned (None: it did not exist)."""
        named = {os.path.abspath(p) for p in paths}
        out: list[Segment] = []
        planned: set[tuple[int, int]] = set()

        def add(path: str, offset: int, line: int, st: os.stat_result | None) -> None:
            if st is not None:
                if (st.st_dev, st.st_ino) in planned:
                    return  # already read as another file's rotated rest
                planned.add((st.st_dev, st.st_ino))
            key = os.path.abspath(path)
            identity = None if st is None else (st.st_dev, st.st_ino)
            out.append((path, offset, line, key if key in named else None, identity))

        for path in paths:
            try:
                st = os.stat(path)
            except OSError:
                out.append((path, 0, 1, None, None))  # the reader reports it
                continue
            saved = self.files.get(os.path.abspath(path))
            if saved is not None and _same_file(path, st, saved):
                add(path, saved["offset"], saved["line"], st)
                continue
            if saved is None:
                moved = self._moved_here(path, st)
                add(path, *(moved or (0, 1)), st)
                continue
            rotated = _rotated_files(path)
            found = _find_old(rotated, saved)
            if found is None:
                rewritten = (st.st_dev, st.st_ino) == (saved["dev"], saved["ino"]) and \
                    saved["size"] == saved["offset"]
                if not rewritten:  # in place, with nothing known to be unread: nothing to say
                    self.lost.append(f"{path} was rotated or truncated since the last run and its old file "
                                     f"is not beside it: what followed byte {saved['offset']} (line "
                                     f"{saved['line']}) of it is not read, at least "
                                     f"{saved['size'] - saved['offset']} bytes")
            else:
                # The old file's unread rest, then every newer rotated file, then the new file.
                for i in range(found, -1, -1):
                    name, rst = rotated[i]
                    if i == found:
                        add(name, saved["offset"], saved["line"], rst)
                    else:
                        add(name, *(self._moved_here(name, rst) or (0, 1)), rst)
            add(path, 0, 1, st)
        return out

    def _moved_here(self, path: str, st: os.stat_result) -> tuple[int, int] | None:
        """Where to go on in a file the state knows under another name (a
        rotated file named in a directory or glob): its offset and line, if any."""
        if path.endswith(COMPRESSED):
            return None
        for saved in self.files.values():
            if (saved["dev"], saved["ino"]) == (st.st_dev, st.st_ino) and _same_file(path, st, saved):
                return saved["offset"], saved["line"]
        return None

    # writing it back ------------------------------------------------------

    def save(self, entries: dict[str, dict[str, Any]]) -> None:
        """Record `entries` (key -> what `entry_for` made) and write the state:
        a new file made with mkstemp beside it, synced, renamed over it."""
        import tempfile
        self.files.update(entries)
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(self.path)}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"format": MARKER, "version": VERSION, "files": self.files}, f, indent=1,
                          sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        _sync_directory(directory)


def _sync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _same_file(path: str, st: os.stat_result, saved: dict[str, Any]) -> bool:
    """`path` is the file `saved` describes, grown or not: same inode, never
    smaller than it was, same bytes at the start and just before the offset."""
    if (st.st_dev, st.st_ino) != (saved["dev"], saved["ino"]) or st.st_size < saved["size"]:
        return False
    return _content_matches(path, saved)


def _content_matches(path: str, saved: dict[str, Any]) -> bool:
    from .inputs import open_binary
    try:
        with open_binary(path) as f:
            return fingerprint(f, saved["offset"]) == saved["fingerprint"]
    except (OSError, EOFError, ValueError):
        return False


# `app.log.1`, `app.log.2.gz`, `app.log-20260102`, `app.log.2026-01-02.gz`
_ROTATED = re.compile(r"[.-]([0-9][0-9_-]*)(\.(?:gz|bz2|xz))?")


def _rotated_files(path: str) -> list[tuple[str, os.stat_result]]:
    """The files beside `path` named as logrotate names its old copies, newest
    first: `.1` before `.2`; a date suffix, the latest date first."""
    directory = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    found: list[tuple[int, str, os.stat_result]] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    for name in names:
        m = _ROTATED.fullmatch(name[len(base):]) if name.startswith(base) else None
        if m is None:
            continue
        digits = re.sub(r"[^0-9]", "", m.group(1))
        full = os.path.join(directory, name)
        try:
            st = os.stat(full)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            # A rotation count is small and grows with age; a date grows with recency.
            age = int(digits) if len(digits) < 6 else -int(digits)
            found.append((age, name, st))
    found.sort(key=lambda t: (t[0], t[1]))
    return [(os.path.join(directory, name), st) for _, name, st in found]


def _find_old(rotated: list[tuple[str, os.stat_result]], saved: dict[str, Any]) -> int | None:
    """The index in `rotated` of the file `saved` describes: the same inode
    (renamed), or, where something was read of it, the same bytes (a copy)."""
    for i, (name, st) in enumerate(rotated):
        if (st.st_dev, st.st_ino) == (saved["dev"], saved["ino"]) and _content_matches(name, saved):
            return i
    if saved["offset"] == 0:
        return None  # nothing read, nothing to recognise a copy by
    for i, (name, st) in enumerate(rotated):
        if (name.endswith(COMPRESSED) or st.st_size >= saved["offset"]) and _content_matches(name, saved):
            return i
    return None
