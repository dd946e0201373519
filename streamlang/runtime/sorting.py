"""`sort` in bounded memory: past a budget, sorted runs go to temporary files
and are merged at the end, so inputs larger than memory sort correctly.

The sort is stable and puts nulls last in either direction (SPEC §2); runs
are merged in the order they were written, so equal keys keep input order.
"""
from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Iterator
from typing import Any

from .core import asc_key, desc_key

# About what one row (its key and value, with Python's overheads) costs.
BYTES_PER_ROW = 200
DEFAULT_MEMORY = 256 * 1024 * 1024
# Set in a `-j` worker: its runs are named files here, for the main process to merge.
SPILL_DIR: str | None = None


def _limit(memory: int | None) -> int:
    return max(1000, (memory or DEFAULT_MEMORY) // BYTES_PER_ROW)


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
        self.limit = _limit(memory)
        self.rows: list[tuple[Any, Any]] = []
        self.runs: list[Any] = []
        self.spilled = 0

    def add(self, key: Any, value: Any) -> None:
        self.rows.append((key if len(self.desc) > 1 else (key,), value))
        if len(self.rows) >= self.limit:
            self._spill()

    def _spill(self) -> None:
        _sort(self.rows, self.desc)
        self.spilled += len(self.rows)
        if SPILL_DIR is not None:
            f: Any = tempfile.NamedTemporaryFile(prefix="sl-sort-", dir=SPILL_DIR, delete=False)
        else:
            f = tempfile.TemporaryFile(prefix="sl-sort-")
        pickler = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
        for row in self.rows:
            pickler.dump(row)
        f.seek(0)
        self.runs.append(f)
        self.rows = []

    def __iter__(self) -> Iterator[Any]:
        _sort(self.rows, self.desc)
        if not self.runs:
            return (value for _, value in self.rows)
        streams = [_read(f) for f in self.runs] + [iter(self.rows)]
        return _merge(streams, self.desc)

    def export(self) -> tuple[list[str], int, list[tuple[Any, Any]] | None]:
        """A `-j` worker's part: its sorted runs as files in SPILL_DIR, in input
        order, and how many rows they hold. Without SPILL_DIR (a Dask worker,
        perhaps on another machine) the rows themselves, sorted."""
        count = self.spilled + len(self.rows)
        if SPILL_DIR is None:
            _sort(self.rows, self.desc)
            streams = [_read(f) for f in self.runs] + [iter(self.rows)]
            return [], count, list(_merged_rows(streams, self.desc))
        if self.rows or not self.runs:
            self._spill()
        for f in self.runs:
            f.close()
        return [f.name for f in self.runs], count, None


class MergedRuns:
    """The workers' sorted runs as one sort (`-j`): runs listed in input order, so
    that equal keys come out in input order. Within the memory budget the rows are
    read and sorted once more (quick on sorted runs); beyond it they are merged
    from the files, a row at a time."""

    def __init__(self, parts: list[tuple[list[str], int, list[tuple[Any, Any]] | None]], desc: tuple[bool, ...],
                 memory: int | None):
        self.parts = parts
        self.rows = sum(count for _, count, _ in parts)
        self.desc = desc
        self.memory = memory

    def __iter__(self) -> Iterator[Any]:
        streams: list[Iterator[tuple[Any, Any]]] = []
        for paths, _, rows in self.parts:
            streams.extend(_read(open(path, "rb")) for path in paths)
            if rows is not None:
                streams.append(iter(rows))
        if self.rows <= _limit(self.memory):
            rows = [row for stream in streams for row in stream]
            _sort(rows, self.desc)
            return (value for _, value in rows)
        return _merge(streams, self.desc)


def _sort(rows: list[tuple[Any, Any]], desc: tuple[bool, ...]) -> None:
    # Stable sorts from the last key to the first give the combined order.
    for j in reversed(range(len(desc))):
        if desc[j]:
            rows.sort(key=lambda r: desc_key(r[0][j]), reverse=True)
        else:
            rows.sort(key=lambda r: asc_key(r[0][j]))


def _read(f: Any) -> Iterator[tuple[Any, Any]]:
    unpickler = pickle.Unpickler(f)
    try:
        while True:
            yield unpickler.load()
    except EOFError:
        f.close()


def _merged_rows(streams: list[Iterator[tuple[Any, Any]]], desc: tuple[bool, ...]) -> Iterator[tuple[Any, Any]]:
    # heapq.merge takes equal keys from the earlier stream first: runs in input order stay stable.
    return heapq.merge(*streams, key=lambda r: _Composite(r[0], desc))


def _merge(streams: list[Iterator[tuple[Any, Any]]], desc: tuple[bool, ...]) -> Iterator[Any]:
    return (value for _, value in _merged_rows(streams, desc))


