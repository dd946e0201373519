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
        self.limit = max(1000, (memory or DEFAULT_MEMORY) // BYTES_PER_ROW)
        self.rows: list[tuple[Any, Any]] = []
        self.runs: list[Any] = []

    def add(self, key: Any, value: Any) -> None:
        self.rows.append((key if len(self.desc) > 1 else (key,), value))
        if len(self.rows) >= self.limit:
            self._spill()

    def _sort(self, rows: list[tuple[Any, Any]]) -> None:
        # Stable sorts from the last key to the first give the combined order.
        for j in reversed(range(len(self.desc))):
            if self.desc[j]:
                rows.sort(key=lambda r: desc_key(r[0][j]), reverse=True)
            else:
                rows.sort(key=lambda r: asc_key(r[0][j]))

    def _spill(self) -> None:
        self._sort(self.rows)
        f = tempfile.TemporaryFile(prefix="sl-sort-")
        pickler = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
        for row in self.rows:
            pickler.dump(row)
        f.seek(0)
        self.runs.append(f)
        self.rows = []

    def _read(self, f: Any) -> Iterator[tuple[Any, Any]]:
        unpickler = pickle.Unpickler(f)
        try:
            while True:
                yield unpickler.load()
        except EOFError:
            f.close()

    def __iter__(self) -> Iterator[Any]:
        self._sort(self.rows)
        if not self.runs:
            return (value for _, value in self.rows)
        streams = [self._read(f) for f in self.runs] + [iter(self.rows)]
        merged = heapq.merge(*streams, key=lambda r: _Composite(r[0], self.desc))
        return (value for _, value in merged)


