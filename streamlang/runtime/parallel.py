"""`-j N`: N worker processes over byte ranges of the input (SPEC §9).

The input files are cut into ranges at line boundaries. A streaming program
runs on each range and the outputs are written in input order; a program
that groups (`count by`, `summarize`) has each worker return its groups,
which are merged in input order — so groups keep their first-appearance
order — before the rest of the program runs once. `sort` and `top` are cut
the same way: each worker returns its sorted runs (as files) or its top
rows, and the merge is stable, so equal keys keep input order. A
`distinct` followed only by streaming stages has each worker note where
each of its first appearances' output begins; the merge keeps the output
of keys no earlier range saw. Either way the output is byte for byte what
one process writes. Programs whose result depends on an element's position
(`take`, `uniq`, `enumerate`, `lineno()`, a CSV header per file...), whose
merge would round differently (float sums) or whose sort keys have no total
order (floats, `dyn`) run in one process; so do stdin and compressed files,
which cannot be cut.
"""
from __future__ import annotations

import io
import os
from typing import Any

from .core import MISSING
from .dynamic import compare
from .inputs import Input, expand, is_url, text_stream

# Smaller ranges cost more in process start-up than they save (tunable, for tests).
MIN_RANGE = int(os.environ.get("SL_JOBS_MIN_RANGE", 1 << 20))


def ranges(paths: list[str], n: int) -> list[tuple[str, int, int]] | None:
    """(path, start, end) byte ranges, each starting at a line, about total/n long."""
    files = list(expand(paths))
    if not files or "-" in files:
        return None
    whole = [p for p in files if p.endswith((".gz", ".bz2", ".xz")) or is_url(p)]
    if whole:
        # Compressed files and URLs cannot be cut: each is one part, whole.
        return [(p, 0, -1) for p in files] if len(files) > 1 else None
    sizes = {}
    for p in files:
        try:
            sizes[p] = os.path.getsize(p)
        except OSError:
            return None
    target = max(MIN_RANGE, sum(sizes.values()) // n + 1)
    out = []
    for p in files:
        start = 0
        with open(p, "rb") as f:
            while start < sizes[p]:
                end = min(start + target, sizes[p])
                if end < sizes[p]:
                    f.seek(end)
                    f.readline()  # to the start of the next line
                    end = f.tell()
                out.append((p, start, end))
                start = end
    return out


class RangeInput(Input):
    """The lines of one byte range of a file."""

    def __init__(self, path: str, start: int, end: int, flush: Any, report: Any):
        super().__init__([path], flush, report)
        self.range = (start, end)

    def __iter__(self) -> Any:
        path = self.paths[0]
        start, end = self.range
        if end < 0:
            yield from super().__iter__()  # a whole file
            return
        self.name = path
        self.file_no = 1
        self.mtime = os.path.getmtime(path)
        stream, decoder = text_stream(io.BufferedReader(_Range(path, start, end), 1 << 16))
        with stream:
            yield from self._file_chunks(stream, decoder, path, first=start == 0)


class _Range(io.RawIOBase):
    """A file read from `start` to `end` only, streamed (a range is too big to hold)."""

    def __init__(self, path: str, start: int, end: int):
        self.f = open(path, "rb", buffering=0)
        self.f.seek(start)
        self.left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.left <= 0:
            return 0
        view = memoryview(buffer)[:self.left]
        n = self.f.readinto(view) or 0
        self.left -= n
        return n

    def close(self) -> None:
        self.f.close()
        super().close()


def merge_groups(parts: list[Any], ops: list[str], memory: int | None = None) -> Any:
    kind, slot_ops = ops[0], ops[1:]
    if kind == "top":
        # Concatenated in input order; the program's own trim (a stable sort) then
        # keeps exactly the rows one pass keeps, ties in input order.
        return [row for part in parts for row in part]
    if kind == "sort":
        from .sorting import MergedRuns
        return MergedRuns(parts, tuple(d == "desc" for d in slot_ops), memory)
    if kind == "sum":
        return sum(parts)
    if kind == "counts":
        merged: dict = {}
        for part in parts:
            for k, c in part.items():
                merged[k] = merged.get(k, 0) + c
        return merged
    if kind == "single":
        state = parts[0]
        for part in parts[1:]:
            _merge_state(state, part, slot_ops)
        return state
    groups: dict = {}
    for part in parts:
        for k, st in part.items():
            if k in groups:
                _merge_state(groups[k], st, slot_ops)
            else:
                groups[k] = st
    return groups


def _merge_state(into: list, other: list, ops: list[str]) -> None:
    for i, op in enumerate(ops):
        a, b = into[i], other[i]
        if op == "add":
            into[i] = a + b
        elif op == "addnull":
            into[i] = b if a is None else a if b is None else a + b
        elif op == "min":
            if b is not None and (a is None or b < a):
                into[i] = b
        elif op == "max":
            if b is not None and (a is None or b > a):
                into[i] = b
        elif op in ("dynmin", "dynmax"):
            # The order `min` and `max` of a schema-less field use in one pass.
            if b is not None and (a is None or compare("<" if op == "dynmin" else ">", b, a)):
                into[i] = b
        elif op == "first":
            if a is MISSING:
                into[i] = b
        elif op == "last":
            into[i] = b
        elif op == "union":
            a |= b
        elif op == "extend":
            a.extend(b)


# The compiled program, inherited by the forked workers.
_JOB: dict[str, Any] = {}


def _work(job: tuple[int, str, int, int]) -> dict[str, Any]:
    from . import sorting
    from .run import Run
    index, path, start, end = job
    run, sites, mode, strict = _JOB["run"], _JOB["sites"], _JOB["mode"], _JOB["strict"]
    out = io.BytesIO()
    messages: list[str] = []
    rt = Run(sites, strict=strict, out=out, err=messages.append)
    rt.memory = _JOB.get("memory")
    rt.partial = mode == "groups"
    flush = rt.flush
    if mode == "distinct":
        # The writes are kept apart, each first appearance's own, for the merge to pick from.
        rt.first_seen_at = []
        flush = _no_flush
    sorting.SPILL_DIR = _JOB.get("spill_dir")
    src = RangeInput(path, start, end, flush, rt.report_io)
    src.keep_newlines = getattr(run, "keep_newlines", False)  # as the command line's own input
    rt.inputs.append(src)
    rt.current = src
    result = run(src, rt)
    if isinstance(result, sorting.Sorter):
        result = result.export()
    if mode == "distinct":
        result = {"writes": list(rt.pending), "firsts": rt.first_seen_at}
    else:
        rt.flush()
    return {"index": index, "path": path, "output": out.getvalue(), "groups": result, "lines": src.lines_read,
            "rejected": {site: (s.count, s.lines, s.examples) for site, s in rt.rejected.items()},
            "total": rt.total_rejected, "io": messages}


def _no_flush() -> None:
    pass


def run_parallel(run: Any, sites: Any, info: dict[str, Any], rt: Any, jobs: list[tuple[str, int, int]],
                 workers: int) -> None:
    """Run the workers, then put their results together on `rt` (output, rejections)."""
    import multiprocessing
    import shutil
    import tempfile
    # Sorted runs go from the workers to the main process as files in here.
    spill_dir = tempfile.mkdtemp(prefix="sl-jobs-")
    _JOB.update(run=run, sites=sites, mode=info["mode"], strict=False, memory=rt.memory, spill_dir=spill_dir)
    try:
        ctx = multiprocessing.get_context("fork")
        pool = ctx.Pool(workers, initializer=_worker_signals)
        try:
            results = pool.map(_work, [(i, p, s, e) for i, (p, s, e) in enumerate(jobs)], chunksize=1)
            pool.close()  # let the workers end on their own, quietly
        finally:
            pool.terminate()
            pool.join()
        finish_parallel(run, info, rt, results)
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)


def _worker_signals() -> None:
    # The command's SIGTERM handler (end like Ctrl-C, with a summary) is for the
    # main process; a worker the pool ends should just end, without a word.
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def finish_parallel(run: Any, info: dict[str, Any], rt: Any, results: list[dict[str, Any]]) -> None:
    """The parts' results, in input order, as one run's output and report."""
    if info["mode"] == "distinct":
        writes = _distinct_writes(info, results)
        if writes is None:
            # Something after `distinct` rejected an element: whether that counts depends
            # on whether an earlier part saw its key first. One pass settles it.
            run(rt.current, rt)
            return
        _collect_rejections(rt, results)
        if info.get("header") is not None:
            rt.write(info["header"])
        for text in writes:
            rt.write(text)
        rt.flush()
        return
    _collect_rejections(rt, results)
    if info["mode"] == "stream":
        header = info.get("header")
        for r in results:
            data = r["output"]
            if header is not None and r["index"] > 0 and data.startswith(header.encode() + b"\n"):
                data = data[len(header) + 1:]  # the header is written once, by the first part
            rt.flush()
            rt.put(data)
        return
    rt.merged = merge_groups([r["groups"] for r in results], info["ops"], rt.memory)
    run(None, rt)


def _distinct_writes(info: dict[str, Any], results: list[dict[str, Any]]) -> list[str] | None:
    """What the parts wrote for keys no earlier part had seen, in input order; None
    where that cannot be told apart (a rejection after `distinct`)."""
    site = info["site"]
    seen: set = set()
    kept: list[str] = []
    for r in results:
        if any(s > site for s in r["rejected"]):
            return None
        writes, firsts = r["groups"]["writes"], r["groups"]["firsts"]
        skip = 1 if info.get("header") is not None and writes and writes[0] == info["header"] else 0
        if firsts and firsts[0][1] != skip or not firsts and len(writes) > skip:
            return None  # a write before any first appearance: not a shape this merge knows
        ends = [at for _, at in firsts[1:]] + [len(writes)]
        for (key, at), end in zip(firsts, ends):
            if key not in seen:
                seen.add(key)
                kept.extend(writes[at:end])
    return kept


def _collect_rejections(rt: Any, results: list[dict[str, Any]]) -> None:
    """Rejection counts and examples in input order, with line numbers made absolute."""
    from .run import SiteRejections
    lines_before: dict[str, int] = {}
    total_lines = 0
    for r in results:
        offset = lines_before.get(r["path"], 0)
        for site, (count, lines, examples) in r["rejected"].items():
            stats = rt.rejected.setdefault(site, SiteRejections())
            stats.count += count
            stats.lines += lines
            for ex in examples:
                if len(stats.examples) < 3:
                    stats.examples.append(_shift(ex, r["path"], offset))
        rt.total_rejected += r["total"]
        lines_before[r["path"]] = offset + r["lines"]
        total_lines += r["lines"]
        for message in r["io"]:
            rt.err(message)
    rt.parallel_lines = total_lines


def _shift(example: str, path: str, offset: int) -> str:
    prefix = f"{path}:"
    if example.startswith(prefix):
        rest = example[len(prefix):]
        number, sep, tail = rest.partition(":")
        if number.isdigit():
            return f"{prefix}{int(number) + offset}{sep}{tail}"
    return example
