"""`sort` in bounded memory: past a budget, sorted runs go to temporary files
and are merged at the end, so inputs larger than memory sort correctly.

The budget is in bytes: each row's size is estimated from its values (a text's
length, a record's fields) as it is added. The merge reads every run a row at a
time and hands rows on as it goes; at most FAN_IN runs are open at once, more
runs being merged first in passes of FAN_IN into longer ones.

The sort is stable and puts nulls last in either direction (SPEC §2); runs
are merged in the order they were written (a pass merges consecutive runs),
so equal keys keep input order.
"""
from __future__ import annotations

import heapq
import os
import pickle
import sys
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from .core import asc_key, desc_key

DEFAULT_MEMORY = 256 * 1024 * 1024
# What a row costs besides its key's and value's own objects: its tuple, the key's
# tuple, its slot in the list, and the sort key made for it while it is sorted.
ROW_OVERHEAD = 180
# Runs open at once in a merge, and so files open at once (`ulimit -n` is often 1024).
FAN_IN = 64
# Set in a `-j` worker: its runs are named files here, for the main process to merge.
SPILL_DIR: str | None = None


def size_of(value: Any) -> int:
    """About how many bytes `value` holds, its parts included (an estimate on the safe side)."""
    t = type(value)
    if t is str:
        return 49 + len(value) if value.isascii() else 76 + 4 * len(value)
    if value is None or t is bool:
        return 0  # shared objects
    if t is tuple or t is list:
        return 56 + 8 * len(value) + sum(map(size_of, value))
    if t is dict:
        return sys.getsizeof(value) + sum(size_of(k) + size_of(v) for k, v in value.items())
    return sys.getsizeof(value)


class _RunFiles:
    """Where a sort's runs go: SPILL_DIR in a `-j` worker, else a directory of
    its own (private to the user), removed when the sort is done or sl exits."""

    def __init__(self, directory: str | None) -> None:
        self.dir = directory
        self._remove: Callable[[], Any] | None = None

    def new(self) -> tuple[str, BinaryIO]:
        if self.dir is None:
            import shutil
            self.dir = tempfile.mkdtemp(prefix="sl-sort-")
            self._remove = weakref.finalize(self, shutil.rmtree, self.dir, True)
        fd, path = tempfile.mkstemp(prefix="sl-sort-", dir=self.dir)
        return path, os.fdopen(fd, "wb")

    def write(self, rows: Iterable[tuple[Any, Any]]) -> str:
        """A run of `rows` (sorted) as a closed file: open files stay few however many runs there are."""
        path, f = self.new()
        with f:
            pickler = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
            # No memo: with one, the reader would keep every row it has read until the run ends.
            pickler.fast = True
            dump = pickler.dump
            for row in rows:
                dump(row)
        return path

    def passes(self, runs: list[str], desc: tuple[bool, ...], at_most: int) -> list[str]:
        """`runs` merged, FAN_IN consecutive ones at a time, until at most `at_most` are left."""
        while len(runs) > at_most:
            merged = []
            for i in range(0, len(runs), FAN_IN):
                group = runs[i:i + FAN_IN]
                merged.append(group[0] if len(group) == 1 else self.write(
                    _merged_rows([_read(path) for path in group], desc)))
            runs = merged
        return runs

    def done(self) -> None:
        if self._remove is not None:
            self._remove()


class _Composite:
    """A key of several parts with their own directions, comparable as one."""

    __slots__ = ("parts", "desc")

    def __init__(self, parts: tuple, desc: tuple[bool, ...]):
        self.parts = parts
        self.desc = desc

    def _cmp(self, other: _Composite) -> int:
        for a, b, d in zip(self.parts, other.parts, self.desc):
            ka, kb = (desc_key(a), desc_key(b)) if d else (asc_key(a), asc_key(b))
            if ka != kb:
                return (-1 if ka > kb else 1) if d else (-1 if ka < kb else 1)
        return 0

    def __lt__(self, other: _Composite) -> bool:
        return self._cmp(other) < 0

    # heapq compares lists of [key, run number, ...], which asks `==` first:
    # equal keys must be equal so that the run number keeps the sort stable.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Composite) and self._cmp(other) == 0

    __hash__ = None  # type: ignore[assignment]


class Sorter:
    def __init__(self, desc: tuple[bool, ...], memory: int | None = None):
        self.desc = desc
        self.budget = memory or DEFAULT_MEMORY
        self.used = 0  # bytes, estimated, of `rows`
        self.rows: list[tuple[Any, Any]] = []
        self.runs: list[str] = []
        self.files = _RunFiles(SPILL_DIR)
        self.spilled = 0  # bytes, estimated, of the rows in `runs`

    def add(self, key: Any, value: Any) -> None:
        if len(self.desc) == 1:
            key = (key,)
        self.rows.append((key, value))
        self.used += ROW_OVERHEAD + size_of(key) + size_of(value)
        if self.used >= self.budget:
            self._spill()

    def _spill(self) -> None:
        _sort(self.rows, self.desc)
        self.runs.append(self.files.write(self.rows))
        self.spilled += self.used
        self.rows = []
        self.used = 0

    def __iter__(self) -> Iterator[Any]:
        _sort(self.rows, self.desc)
        if not self.runs:
            return (value for _, value in self.rows)
        runs = self.files.passes(self.runs, self.desc, FAN_IN - 1)
        streams = [_read(path) for path in runs] + [iter(self.rows)]
        self.rows = []
        return _values(_merged_rows(streams, self.desc), self.files)

    def export(self) -> tuple[list[str], int, list[tuple[Any, Any]] | None]:
        """A `-j` worker's part: its sorted runs as files in SPILL_DIR, in input
        order, and about how many bytes their rows hold. Without SPILL_DIR (a Dask
        worker, perhaps on another machine) the rows themselves, sorted."""
        size = self.spilled + self.used
        if SPILL_DIR is None:
            _sort(self.rows, self.desc)
            streams = [_read(path) for path in self.files.passes(self.runs, self.desc, FAN_IN - 1)]
            rows = list(_merged_rows(streams + [iter(self.rows)], self.desc))
            self.files.done()
            return [], size, rows
        if self.rows or not self.runs:
            self._spill()
        return self.runs, size, None


class MergedRuns:
    """The workers' sorted runs as one sort (`-j`): runs listed in input order, so
    that equal keys come out in input order. Within the memory budget the rows are
    read and sorted once more (quick on sorted runs); beyond it they are merged
    from the files, a row at a time."""

    def __init__(self, parts: list[tuple[list[str], int, list[tuple[Any, Any]] | None]], desc: tuple[bool, ...],
                 memory: int | None):
        self.parts = parts
        self.size = sum(size for _, size, _ in parts)
        self.desc = desc
        self.memory = memory

    def __iter__(self) -> Iterator[Any]:
        # Each part's runs, then its rows kept in memory (a Dask worker's), in input order.
        sources: list[str | list[tuple[Any, Any]]] = []
        for paths, _, rows in self.parts:
            sources.extend(paths)
            if rows:
                sources.append(rows)
        if self.size <= (self.memory or DEFAULT_MEMORY):
            everything = [row for source in sources for row in (_read(source) if isinstance(source, str) else source)]
            _sort(everything, self.desc)
            return (value for _, value in everything)
        # Passes of its own go to a private directory, not the workers'.
        files = _RunFiles(None)
        runs = [source if isinstance(source, str) else files.write(source) for source in sources]
        runs = files.passes(runs, self.desc, FAN_IN)
        return _values(_merged_rows([_read(path) for path in runs], self.desc), files)


def _sort(rows: list[tuple[Any, Any]], desc: tuple[bool, ...]) -> None:
    # Stable sorts from the last key to the first give the combined order.
    for j in reversed(range(len(desc))):
        if desc[j]:
            rows.sort(key=lambda r: desc_key(r[0][j]), reverse=True)
        else:
            rows.sort(key=lambda r: asc_key(r[0][j]))


def _read(path: str) -> Iterator[tuple[Any, Any]]:
    """The rows of a run, a row at a time; the file is removed once read to its end."""
    f = open(path, "rb")
    load = pickle.Unpickler(f).load
    try:
        while True:
            yield load()
    except EOFError:
        pass
    finally:
        f.close()
    os.unlink(path)


def _merged_rows(streams: list[Iterator[tuple[Any, Any]]], desc: tuple[bool, ...]) -> Iterator[tuple[Any, Any]]:
    # heapq.merge takes equal keys from the earlier stream first: runs in input order stay stable.
    return heapq.merge(*streams, key=lambda r: _Composite(r[0], desc))


def _values(rows: Iterator[tuple[Any, Any]], files: _RunFiles) -> Iterator[Any]:
    for _, value in rows:
        yield value
    files.done()
