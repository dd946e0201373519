"""`--memory` for groupings. `count by`, `distinct`, `summarize ... by` and the
aggregates that keep every value (`count_distinct`, `list`, percentiles) hold
what they have seen in memory, one entry per key or value. Every CHECK_EVERY
new entries the process's resident size is read; once the grouping has grown it
by more than the budget, the run stops with an error that names the limit and
the way out, instead of growing until the machine kills it.

Without `--memory` the budget is three quarters of the machine's memory: a
grouping that fits in memory runs as it always has.
"""
from __future__ import annotations

import os

from .run import StrictFailure

# New entries between two looks at the process's size: the look costs a few
# microseconds, a new entry (a dict or set insertion) some tenths of one.
CHECK_EVERY = 4096


class GroupMemoryExceeded(StrictFailure):
    """A grouping past its memory budget: the run stops (status 1)."""


def resident_bytes() -> int:
    """The process's resident memory now (Linux), or at its peak (elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource
        import sys
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def machine_bytes() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


class GroupLimit:
    """The budget of one grouping stage (`what`, as the error names it)."""

    def __init__(self, what: str, memory: int | None):
        self.what = what
        self.memory = memory
        machine = machine_bytes()
        self.limit = memory if memory is not None else None if machine is None else machine * 3 // 4
        self.base = resident_bytes()

    def check(self) -> int:
        """Stop the run if the grouping has grown past its budget; the entries until the next look."""
        if self.limit is not None and resident_bytes() - self.base > self.limit:
            raise GroupMemoryExceeded(self.message())
        return CHECK_EVERY

    def message(self) -> str:
        assert self.limit is not None
        mb = _mb(self.limit)
        given = f"--memory {mb}" if self.memory is not None else \
            "without --memory, three quarters of this machine's memory"
        return f"`{self.what}` holds more than {mb} MB of groups ({given}); raise --memory, or {_WAY_OUT[self.what]}"


_WAY_OUT = {
    "count by": "count by a key with fewer distinct values",
    "summarize": "summarize by a key with fewer distinct values",
    # Sorted runs go to disk past --memory, and `uniq` holds one element.
    "distinct": "use `sort by ... | uniq by ...` (sorted, not in first-appearance order)",
}


def _mb(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:,.0f}" if mb >= 1000 or mb == int(mb) else f"{mb:.6g}"
