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
from .run import RunFailed

# Smaller ranges cost more in process start-up than they save (tunable, for tests).
MIN_RANGE = int(os.environ.get("SL_JOBS_MIN_RANGE", 1 << 20))
# `-j auto` cuts an input of at least this many bytes (tunable, for tests).
AUTO_MIN = int(os.environ.get("SL_JOBS_AUTO_MIN", 32 << 20))


class Plan(list):
    """The ranges, and each file's identity (device, inode, size, mtime) when
    they were cut: a worker checks it before it reads (a file replaced or
    truncated mid-run must not be read short)."""

    identities: dict[str, tuple[int, int, int, int]]


def ranges(paths: list[str], n: int) -> Plan | None:
    """(path, start, end) byte ranges, each starting at a line, about total/n long."""
    files = list(expand(paths))
    if not files or "-" in files:
        return None
    whole = [p for p in files if p.endswith((".gz", ".bz2", ".xz")) or is_url(p)]
    if whole:
        # Compressed files and URLs cannot be cut: each is one part, whole.
        if len(files) == 1:
            return None
        plan = Plan((p, 0, -1) for p in files)
        plan.identities = {}
        return plan
    identities = {}
    for p in files:
        try:
            identities[p] = _identity(os.stat(p))
        except OSError:
            return None
    sizes = {p: identity[2] for p, identity in identities.items()}
    target = max(MIN_RANGE, sum(sizes.values()) // n + 1)
    plan = Plan()
    plan.identities = identities
    for p in files:
        start = 0
        with open(p, "rb") as f:
            while start < sizes[p]:
                end = min(start + target, sizes[p])
                if end < sizes[p]:
                    f.seek(end)
                    f.readline()  # to the start of the next line
                    end = min(f.tell(), sizes[p])
                plan.append((p, start, end))
                start = end
    return plan


def auto_jobs(paths: list[str]) -> int:
    """`-j auto`: the cores this process may use, when the input is plain files
    of at least AUTO_MIN bytes; else 1 (stdin, compressed files, a small input)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    if cores <= 1:
        return 1
    size = total_size(paths)
    return cores if size is not None and size >= AUTO_MIN else 1


def total_size(paths: list[str]) -> int | None:
    """The bytes of plain input files, or None where the input is not all plain
    files (stdin, compressed files, URLs): what `-j auto` weighs."""
    total = 0
    for p in expand(paths):
        if p == "-" or p.endswith((".gz", ".bz2", ".xz")) or is_url(p):
            return None
        try:
            total += os.stat(p).st_size
        except OSError:
            return None
    return total


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


class InputChanged(Exception):
    """A file changed between the cutting of the ranges and their reading."""


class RangeInput(Input):
    """The lines of one byte range of a file."""

    def __init__(self, path: str, start: int, end: int, flush: Any, report: Any,
                 identity: tuple[int, int, int, int] | None = None):
        super().__init__([path], flush, report)
        self.range = (start, end)
        self.identity = identity

    def __iter__(self) -> Any:
        path = self.paths[0]
        start, end = self.range
        if end < 0:
            yield from super().__iter__()  # a whole file
            return
        self.name = path
        self.file_no = 1
        self.mtime = os.path.getmtime(path)
        stream, decoder = text_stream(io.BufferedReader(_Range(path, start, end, self.identity), 1 << 16))
        with stream:
            yield from self._file_chunks(stream, decoder, path, first=start == 0)


class _Range(io.RawIOBase):
    """A file read from `start` to `end` only, streamed (a range is too big to hold).

    The file must be the one the ranges were cut from: a file replaced, cut
    short or rewritten since would give a range whose last line is cut off.
    A file appended to is read as it was (up to its size then), unless what
    was its last line was still being written."""

    def __init__(self, path: str, start: int, end: int, identity: tuple[int, int, int, int] | None):
        self.f = open(path, "rb", buffering=0)
        self.path, self.end, self.identity = path, end, identity
        if identity is not None:
            self._check(os.fstat(self.f.fileno()))
        self.f.seek(start)
        self.left = end - start
        self.last = b""

    def _check(self, st: os.stat_result) -> None:
        dev, ino, size, mtime = self.identity  # type: ignore[misc]
        if (st.st_dev, st.st_ino) != (dev, ino):
            self._changed("it was replaced by another file")
        if st.st_size < size:
            self._changed(f"it was cut from {size} to {st.st_size} bytes")
        if st.st_size == size and st.st_mtime_ns != mtime:
            self._changed("it was rewritten")

    def _changed(self, how: str) -> None:
        raise InputChanged(f"{self.path} changed while it was being read ({how}); "
                           f"run again once it stays the same, or with -j 1")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.left <= 0:
            return 0
        view = memoryview(buffer)[:self.left]
        n = self.f.readinto(view) or 0
        if n == 0:
            self._changed(f"it ended {self.left} bytes before byte {self.end}")
        self.left -= n
        self.last = bytes(view[n - 1:n])
        if self.left == 0 and self.identity is not None:
            self._at_end()
        return n

    def _at_end(self) -> None:
        st = os.fstat(self.f.fileno())
        self._check(st)
        if self.end == self.identity[2] and st.st_size > self.end and self.last != b"\n":  # type: ignore[index]
            # Its last line was still being written when the ranges were cut.
            self._changed("its last line grew")

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
    run, sites, plan, strict = _JOB["run"], _JOB["sites"], _JOB["plan"], _JOB["strict"]
    mode = plan.parallel["mode"]
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
    src = RangeInput(path, start, end, flush, rt.report_io, _JOB.get("identities", {}).get(path))
    src.keep_newlines = plan.keep_newlines  # as the command line's own input
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


class WorkerFailed(RunFailed):
    """A worker ended badly (killed, out of memory, an error): the run stops with
    this message (status 1) and writes nothing of the parts."""


def run_parallel(run: Any, sites: Any, plan: Any, rt: Any, jobs: list[tuple[str, int, int]],
                 workers: int) -> None:
    """Run the workers, then put their results together on `rt` (output, rejections).
    `plan` is the program's `plan.Plan`: its `parallel` says how the parts go together."""
    info = plan.parallel
    import shutil
    import tempfile
    # Sorted runs go from the workers to the main process as files in here.
    spill_dir = tempfile.mkdtemp(prefix="sl-jobs-")
    _JOB.update(run=run, sites=sites, plan=plan, strict=False, memory=rt.memory, spill_dir=spill_dir,
                identities=getattr(jobs, "identities", {}))
    # Every process started here reads the other end; none can write to it, so
    # it reads end-of-file the moment this process ends, however it ends.
    alive_r, alive_w = os.pipe()
    janitor = None
    try:
        janitor = _start(_janitor, alive_r, alive_w, spill_dir)
        results = _run_jobs(jobs, min(workers, len(jobs)), alive_r, alive_w)
        finish_parallel(run, info, rt, results)  # which may read the sorted runs in spill_dir
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)
        os.close(alive_w)
        os.close(alive_r)
        if janitor is not None:
            janitor.join()


def _start(target: Any, *args: Any) -> Any:
    import multiprocessing
    process = multiprocessing.get_context("fork").Process(target=target, args=args, daemon=True)
    process.start()
    return process


def _janitor(alive_r: int, alive_w: int, spill_dir: str) -> None:
    """Waits for the main process to end, then removes the workers' files —
    also when it was killed (SIGKILL) and could not."""
    import shutil
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.close(alive_w)
    _let_go_of_output()
    _wait_for_end_of_file(alive_r)
    shutil.rmtree(spill_dir, ignore_errors=True)
    os._exit(0)


def _wait_for_end_of_file(fd: int) -> None:
    """Block until the pipe's every writer is gone: the main process has ended."""
    while True:
        try:
            if not os.read(fd, 1):
                return
        except InterruptedError:
            continue


def _let_go_of_output() -> None:
    # Whoever reads our output waits for every holder of the pipe to close it.
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _run_jobs(jobs: list[tuple[str, int, int]], n: int, alive_r: int, alive_w: int) -> list[dict[str, Any]]:
    """Each job's result, in input order; any worker that ends badly ends the run
    (WorkerFailed), its fellows killed."""
    import multiprocessing.connection
    oom_kills = _oom_kills()
    results: list[Any] = [None] * len(jobs)
    todo = list(enumerate(jobs))
    todo.reverse()
    busy: dict[Any, tuple[Any, int]] = {}  # connection -> (process, index of its job)
    pool: list[tuple[Any, Any]] = []
    try:
        for _ in range(n):
            ours, theirs = multiprocessing.Pipe()
            others = [conn.fileno() for conn, _ in pool] + [ours.fileno()]
            process = _start(_worker, theirs, alive_r, alive_w, os.getpid(), others)
            theirs.close()
            pool.append((ours, process))
            index, job = todo.pop()
            ours.send((index, *job))
            busy[ours] = (process, index)
            if not todo:
                break
        while busy:
            ready = multiprocessing.connection.wait([*busy, *(p.sentinel for p, _ in busy.values())])
            for conn in [c for c in busy if c in ready or busy[c][0].sentinel in ready]:
                process, index = busy.pop(conn)
                outcome = _receive(conn)
                if outcome is None:  # it died: its exit status says how
                    process.join(5)
                    how = _how_it_ended(process.exitcode, oom_kills)
                    raise WorkerFailed(f"the -j worker reading {_describe(jobs[index])} {how}")
                if outcome[0] != "done":  # it said why
                    raise WorkerFailed(f"the -j worker reading {_describe(jobs[index])} {outcome[1]}")
                results[index] = outcome[1]
                if todo:
                    index, job = todo.pop()
                    busy[conn] = (process, index)
                    _give(conn, (index, *job))  # a worker dead by now shows at the next wait
                else:
                    _give(conn, None)  # no more: end
        return results
    finally:
        for conn, process in pool:
            if process.exitcode is None:
                process.kill()
            process.join()
            conn.close()


def _give(conn: Any, job: tuple[int, str, int, int] | None) -> None:
    try:
        conn.send(job)
    except OSError:
        pass  # it has died: its sentinel says so


def _receive(conn: Any) -> tuple[str, Any] | None:
    """A worker's message, or None when it died before it could send one whole."""
    try:
        if not conn.poll():
            return None
        return conn.recv()  # type: ignore[no-any-return]
    except (EOFError, OSError):
        return None


def _describe(job: tuple[str, int, int]) -> str:
    path, start, end = job
    return path if end < 0 else f"{path} (bytes {start} to {end})"


def _how_it_ended(code: int | None, oom_kills: int | None) -> str:
    import signal
    if code is None:
        return "stopped answering"
    if code >= 0:
        return f"exited with status {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    if -code == signal.SIGKILL and oom_kills is not None and (_oom_kills() or 0) > oom_kills:
        return f"was killed ({name}), probably out of memory"
    return f"was killed by {name}"


def _oom_kills() -> int | None:
    """How many processes the kernel's out-of-memory killer has killed (Linux)."""
    try:
        with open("/proc/vmstat") as f:
            for line in f:
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _worker(conn: Any, alive_r: int, alive_w: int, parent: int, others: list[int]) -> None:
    """Runs the jobs it is sent, one at a time, and sends back each result or why it failed."""
    try:
        _serve(conn, alive_r, alive_w, parent, others)
    except BaseException:  # noqa: BLE001 - not even a failure's message could be sent: the exit status says it
        os._exit(1)
    os._exit(0)


def _serve(conn: Any, alive_r: int, alive_w: int, parent: int, others: list[int]) -> None:
    import signal
    # The command's SIGTERM handler (end like Ctrl-C, with a summary) is for the
    # main process; a worker the run ends should just end, without a word.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.close(alive_w)
    for fd in others:
        os.close(fd)  # the main process's ends of the workers' pipes: theirs alone
    _die_with(parent, alive_r)
    while True:
        job = conn.recv()
        if job is None:
            break
        try:
            outcome: tuple[str, Any] = ("done", _work(job))
        except MemoryError:
            outcome = ("failed", "ran out of memory (MemoryError)")
        except InputChanged as e:
            outcome = ("failed", f"stopped: {e}")
        except Exception as e:  # noqa: BLE001 - said to the main process, which ends the run
            outcome = ("failed", f"failed: {type(e).__name__}: {e}")
        try:
            conn.send(outcome)
        except MemoryError:
            conn.send(("failed", "ran out of memory (MemoryError) sending its result"))
        except Exception as e:  # noqa: BLE001 - a result that cannot be sent back
            conn.send(("failed", f"could not send its result: {type(e).__name__}: {e}"))


def _die_with(parent: int, alive_r: int) -> None:
    """End this worker when the main process ends, even by SIGKILL: by the
    kernel's parent-death signal on Linux, else by a thread that waits for the
    main process's pipe to close."""
    import sys
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal
            pr_set_pdeathsig = 1  # from <linux/prctl.h>
            if ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL) == 0:
                if os.getppid() != parent:
                    os._exit(1)  # it ended before the signal was asked for
                return
        except (OSError, AttributeError):
            pass
    import threading

    def watch() -> None:
        _wait_for_end_of_file(alive_r)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


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
        for r in results:
            write_stream_part(info, rt, r)
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


def write_stream_part(info: dict[str, Any], rt: Any, r: dict[str, Any]) -> None:
    """A streaming part's output, after the parts before it."""
    header = info.get("header")
    data = r["output"]
    if header is not None and r["index"] > 0 and data.startswith(header.encode() + b"\n"):
        data = data[len(header) + 1:]  # the header is written once, by the first part
    rt.flush()
    rt.put(data)


def _collect_rejections(rt: Any, results: list[dict[str, Any]]) -> None:
    report = Report(rt)
    for r in results:
        report.add(r)
    report.finish()


class Report:
    """Rejection counts and examples of parts added in input order, with line numbers made absolute."""

    def __init__(self, rt: Any):
        self.rt = rt
        self.lines_before: dict[str, int] = {}
        self.total_lines = 0

    def add(self, r: dict[str, Any]) -> None:
        from .run import SiteRejections
        rt = self.rt
        offset = self.lines_before.get(r["path"], 0)
        for site, (count, lines, examples) in r["rejected"].items():
            stats = rt.rejected.setdefault(site, SiteRejections())
            stats.count += count
            stats.lines += lines
            for ex in examples:
                if len(stats.examples) < 3:
                    stats.examples.append(_shift(ex, r["path"], offset))
        rt.total_rejected += r["total"]
        self.lines_before[r["path"]] = offset + r["lines"]
        self.total_lines += r["lines"]
        for message in r["io"]:
            rt.err(message)

    def finish(self) -> None:
        self.rt.parallel_lines = self.total_lines


def _shift(example: str, path: str, offset: int) -> str:
    prefix = f"{path}:"
    if example.startswith(prefix):
        rest = example[len(prefix):]
        number, sep, tail = rest.partition(":")
        if number.isdigit():
            return f"{prefix}{int(number) + offset}{sep}{tail}"
    return example
