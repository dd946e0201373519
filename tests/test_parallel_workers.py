"""`-j`'s workers: a worker that ends badly ends the run (status 1, a message
naming it); the workers end with the main process, however it ends; a file
that changes under a run is never read short; `-j auto` (the default)."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import pytest

from streamlang.runtime import parallel

from .conftest import sl_command

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return []
    found = []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
        except FileNotFoundError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _workers(pid: int) -> list[int]:
    """The children that run ranges (the one that only cleans up has its output on /dev/null)."""
    found = []
    for child in _children(pid):
        try:
            if os.readlink(f"/proc/{child}/fd/1") != os.devnull:
                found.append(child)
        except OSError:
            pass
    return found


def _wait_for(condition, seconds: float):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    return condition()


def _big_input(tmp_path, lines: int = 1_500_000):  # type: ignore[no-untyped-def]
    data = tmp_path / "d"
    data.write_bytes(b"".join(b"k%d,%d\n" % (i % 97, i) for i in range(lines)))
    return data


def _ranges(data, n: int) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """The ranges `-j` cuts into n: about size/n bytes each, to the end of a line."""
    body = data.read_bytes()
    target, start, out = len(body) // n + 1, 0, []
    while start < len(body):
        end = min(start + target, len(body))
        if end < len(body):
            end = body.index(b"\n", end) + 1 if b"\n" in body[end:] else len(body)
        out.append((start, end))
        start = end
    return out


ENV = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="64")
SLOW = 'split "," as {k: str, n: int} | count by x = .k + str(.n % 1000)'


def test_a_worker_killed_mid_run_ends_the_run_with_status_1_naming_it(tmp_path):
    data = _big_input(tmp_path)
    proc = subprocess.Popen([sl_command(), "-j", "2", SLOW, str(data)], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        workers = _wait_for(lambda: len(_workers(proc.pid)) == 2 and _workers(proc.pid), 20)
        assert workers, "the workers never started"
        os.kill(workers[0], signal.SIGKILL)
        out, err = proc.communicate(timeout=20)  # the run used to wait for ever
    finally:
        proc.kill()
        proc.wait()
    expected = {f"sl: the -j worker reading {data} (bytes {a} to {b}) was killed by SIGKILL\n"
                for a, b in _ranges(data, 2)}
    assert (proc.returncode, out) == (1, b"")
    assert err.decode() in expected
    assert _wait_for(lambda: not any(_alive(w) for w in workers), 5)


def test_a_main_process_killed_leaves_no_worker_running_and_no_spill_file(tmp_path):
    data = _big_input(tmp_path, 600_000)
    spill = tmp_path / "tmp"
    spill.mkdir()
    env = dict(ENV, TMPDIR=str(spill))
    # A budget of 0.1 MB: every worker spills sorted runs to disk.
    program = 'split "," as {k: str, n: int} | sort by .k, .n desc | map .n'
    proc = subprocess.Popen([sl_command(), "-j", "2", "--memory", "0.1", program, str(data)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        spilled = _wait_for(lambda: [f for d in spill.glob("sl-jobs-*") for f in d.iterdir()], 20)
        assert spilled, "no worker spilled"
        children = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert len(children) == 3  # two workers and the one that cleans up
    assert _wait_for(lambda: not any(_alive(c) for c in children), 5), "a worker outlived the run"
    assert _wait_for(lambda: not list(spill.glob("sl-*")), 5), list(spill.rglob("*"))


def test_sigterm_to_the_main_process_ends_its_workers(tmp_path):
    data = _big_input(tmp_path)
    proc = subprocess.Popen([sl_command(), "-j", "2", SLOW, str(data)], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        workers = _wait_for(lambda: len(_workers(proc.pid)) == 2 and _workers(proc.pid), 20)
        assert workers, "the workers never started"
        os.kill(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    finally:
        proc.kill()
        proc.wait()
    assert (proc.returncode, out) == (143, b"")
    assert _wait_for(lambda: not any(_alive(w) for w in workers), 5)


def test_j_300_on_a_small_file_starts_a_worker_per_range(tmp_path, monkeypatch, capfd):
    from streamlang import cli
    data = tmp_path / "d"
    lines = [b"%03d," % i + b"x" * 95 + b"\n" for i in range(3)]  # three lines of 100 bytes: a range each
    data.write_bytes(b"".join(lines))
    forks = []
    real_fork = os.fork

    def counted_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted_fork)
    status = cli._main(["-j", "300", 'split "," | map _[0]', str(data)])
    assert (status, capfd.readouterr()) == (0, ("000\n001\n002\n", ""))
    assert len(forks) == 3 + 1  # a worker per range, and the one that cleans up


@pytest.mark.parametrize(("behaviour", "how"), [
    ("memory", "ran out of memory (MemoryError)"),
    ("raise", "failed: ValueError: boom"),
    ("exit", "exited with status 3"),
    ("signal", "was killed by SIGUSR1"),
])
def test_each_way_a_worker_ends_badly_is_named(tmp_path, monkeypatch, behaviour, how):
    def work(job):  # type: ignore[no-untyped-def]
        if job[0] == 0:
            return {"index": 0}
        if behaviour == "memory":
            raise MemoryError()
        if behaviour == "raise":
            raise ValueError("boom")
        if behaviour == "exit":
            os._exit(3)
        os.kill(os.getpid(), signal.SIGUSR1)
        time.sleep(10)

    monkeypatch.setattr(parallel, "_work", work)  # the forked workers inherit it
    r, w = os.pipe()
    try:
        with pytest.raises(parallel.WorkerFailed) as failure:
            parallel._run_jobs([("f", 0, 10), ("f", 10, 20)], 2, r, w)
    finally:
        os.close(r)
        os.close(w)
    assert str(failure.value) == f"the -j worker reading f (bytes 10 to 20) {how}"


def test_a_worker_killed_while_memory_ran_out_says_so(monkeypatch):
    monkeypatch.setattr(parallel, "_oom_kills", lambda: 8)
    assert parallel._how_it_ended(-9, 7) == "was killed (SIGKILL), probably out of memory"
    assert parallel._how_it_ended(-9, 8) == "was killed by SIGKILL"


@pytest.fixture(autouse=True)
def _small_ranges(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(parallel, "MIN_RANGE", 64)  # cut even small files, in this process


def _run_cut(tmp_path, program: str, change):  # type: ignore[no-untyped-def]
    """`-j 2` over a file that `change` alters between the cutting and the reading:
    the output, or the WorkerFailed raised."""
    from streamlang.driver import build
    from streamlang.runtime.run import Run
    from streamlang.source import Source
    data = tmp_path / "d"
    data.write_bytes(b"".join(b"line %d\n" % i for i in range(2000)))
    compiled = build(Source(program), sink="write")
    out = io.BytesIO()
    sites = compiled.run_sites()
    rt = Run(sites, out=out, err=lambda text: None)
    plan = parallel.ranges([str(data)], 2)
    change(data)
    try:
        parallel.run_parallel(compiled.run, sites, compiled.plan, rt, plan, 2)
    except Exception as e:  # noqa: BLE001 - the test looks at which
        return e
    rt.flush()
    return out.getvalue()


def _failure(path, how: str, at: tuple[int, int]) -> str:  # type: ignore[no-untyped-def]
    return (f"the -j worker reading {path} (bytes {at[0]} to {at[1]}) stopped: {path} changed while it was "
            f"being read ({how}); run again once it stays the same, or with -j 1")


def test_a_file_cut_short_under_j_is_not_read_short(tmp_path):
    size = sum(len(b"line %d\n" % i) for i in range(2000))
    failure = _run_cut(tmp_path, "map _", lambda d: d.write_bytes(d.read_bytes()[:-4]))
    assert type(failure).__name__ == "WorkerFailed"
    halves = _halves_of_size(tmp_path / "d", size)
    # Either worker may be the first to tell.
    assert str(failure) in {_failure(tmp_path / "d", f"it was cut from {size} to {size - 4} bytes", h) for h in halves}


def _halves_of_size(path, size: int) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    body = b"".join(b"line %d\n" % i for i in range(2000))
    cut = body.index(b"\n", size // 2 + 1) + 1
    return [(0, cut), (cut, size)]


def test_a_file_replaced_under_j_is_not_read(tmp_path):
    size = sum(len(b"line %d\n" % i) for i in range(2000))

    def replace(data):  # type: ignore[no-untyped-def]
        (tmp_path / "new").write_bytes(b"other\n" * 10)
        os.replace(tmp_path / "new", data)

    failure = _run_cut(tmp_path, "map _", replace)
    halves = _halves_of_size(tmp_path / "d", size)
    assert str(failure) in {_failure(tmp_path / "d", "it was replaced by another file", h) for h in halves}


def test_a_file_rewritten_in_place_under_j_is_not_read(tmp_path):
    size = sum(len(b"line %d\n" % i) for i in range(2000))

    def rewrite(data):  # type: ignore[no-untyped-def]
        data.write_bytes(data.read_bytes().replace(b"line", b"LINE"))
        os.utime(data, ns=(time.time_ns(), time.time_ns() + 10**9))

    failure = _run_cut(tmp_path, "map _", rewrite)
    halves = _halves_of_size(tmp_path / "d", size)
    assert str(failure) in {_failure(tmp_path / "d", "it was rewritten", h) for h in halves}


def test_a_file_appended_to_under_j_is_read_as_it_was(tmp_path):
    def append(data):  # type: ignore[no-untyped-def]
        with data.open("ab") as f:
            f.write(b"later\n")

    out = _run_cut(tmp_path, "map _", append)
    assert out == b"".join(b"line %d\n" % i for i in range(2000))


def test_a_last_line_still_being_written_under_j_is_not_taken_whole(tmp_path):
    def unfinished_then_finished(data):  # type: ignore[no-untyped-def]
        data.write_bytes(data.read_bytes() + b"half")
        plan = parallel.ranges([str(data)], 2)
        with data.open("ab") as f:
            f.write(b" and the rest\n")
        return plan

    from streamlang.driver import build
    from streamlang.runtime.run import Run
    from streamlang.source import Source
    data = tmp_path / "d"
    data.write_bytes(b"".join(b"line %d\n" % i for i in range(2000)))
    plan = unfinished_then_finished(data)
    compiled = build(Source("map _"), sink="write")
    sites = compiled.run_sites()
    rt = Run(sites, out=io.BytesIO(), err=lambda text: None)
    with pytest.raises(parallel.WorkerFailed) as failure:
        parallel.run_parallel(compiled.run, sites, compiled.plan, rt, plan, 2)
    size = plan.identities[str(data)][2]
    assert str(failure.value) == _failure(data, "its last line grew", plan[1][1:])
    assert plan[1][2] == size


def test_a_range_that_ends_early_is_an_error_not_a_short_read(tmp_path):
    data = tmp_path / "d"
    data.write_bytes(b"x" * 100 + b"\n")
    st = os.stat(data)
    reader = parallel._Range(str(data), 50, 101, parallel._identity(st))
    os.truncate(data, 80)
    with pytest.raises(parallel.InputChanged) as failure:
        reader.readall()
    reader.close()
    assert str(failure.value) == (f"{data} changed while it was being read (it ended 21 bytes before byte 101); "
                                  f"run again once it stays the same, or with -j 1")


# ---------------------------------------------------------------- -j auto

def _cores() -> int:
    return len(os.sched_getaffinity(0))


def test_auto_uses_every_core_on_a_big_file_only(tmp_path):
    small, big = tmp_path / "small", tmp_path / "big"
    small.write_bytes(b"x\n" * 100)
    big.write_bytes(b"x" * 99 + b"\n")
    with big.open("r+b") as f:
        f.truncate(parallel.AUTO_MIN)
    cores = _cores()
    assert parallel.auto_jobs([str(big)]) == (cores if cores > 1 else 1)
    assert parallel.auto_jobs([str(small)]) == 1
    assert parallel.auto_jobs([str(small), str(big)]) == (cores if cores > 1 else 1)
    assert parallel.auto_jobs(["-"]) == 1
    assert parallel.auto_jobs([str(small) + ".gz"]) == 1


def test_the_default_on_an_input_past_the_threshold_writes_what_one_process_writes(tmp_path):
    # A real input past the real threshold (no tuning), with rejections and ties.
    data = tmp_path / "d"
    pad = b"p" * 60
    lines = [b"k%d,%d,%s\n" % (i % 13, (i * 7919) % 1000, pad) if i % 997 else b"bad\n"
             for i in range(parallel.AUTO_MIN // 66 + 1)]
    body = b"".join(lines)
    assert len(body) >= parallel.AUTO_MIN
    data.write_bytes(body)
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SL_JOBS_AUTO_MIN", None)
    counts: dict[str, int] = {}
    for line in lines:
        if line != b"bad\n":
            key = line.split(b",")[0].decode()
            counts[key] = counts.get(key, 0) + 1
    program = 'split "," as {k: str, n: int, pad: str} | count by .k'
    runs = [subprocess.run([sl_command(), *jobs, program, str(data)], capture_output=True, env=env)
            for jobs in ([], ["-j", "1"])]
    assert runs[0].stdout == "".join(f"{k}\t{n}\n" for k, n in counts.items()).encode()
    assert (runs[0].returncode, runs[0].stdout, runs[0].stderr) == (runs[1].returncode, runs[1].stdout,
                                                                    runs[1].stderr)
    bad = len(lines) - sum(counts.values())
    assert runs[0].stderr.decode().startswith(f"sl: {bad} of {len(lines)} input lines rejected\n")
    assert parallel.auto_jobs([str(data)]) == (_cores() if _cores() > 1 else 1)  # so the default did cut it


def test_j_auto_and_bad_j_values(tmp_path):
    data = tmp_path / "d"
    data.write_text("a\nb\n")
    auto = subprocess.run([sl_command(), "-j", "auto", "count", str(data)], capture_output=True)
    assert (auto.returncode, auto.stdout, auto.stderr) == (0, b"2\n", b"")
    bad = subprocess.run([sl_command(), "-j", "many", "count", str(data)], capture_output=True)
    assert bad.returncode == 2
    assert bad.stderr.decode().splitlines()[0] == ("sl: argument -j: `many` is not a number of processes "
                                                   "(1 or more)")
