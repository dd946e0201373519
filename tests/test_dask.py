"""`--engine dask`: the same program on a real dask.distributed cluster (processes, loopback)."""
from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import ROOT, sl_command

pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'streamlang[dask]')")

LOG = str(ROOT / "examples" / "data" / "access.log")
WORDS = str(ROOT / "examples" / "data" / "wordfreqs")


@pytest.mark.parametrize("program, files", [
    ("parse apache | summarize n = count(), b = sum(.bytes) by .status", [LOG]),
    ("parse apache | where .status == 404 | select .ip, .path | csv", [LOG]),
    # Sorted, top and distinct parts travel as rows (a Dask worker's files are not the client's).
    ("parse apache | sort by .status desc, .ip | select .ip, .status", [LOG]),
    ("parse apache | top 5 by .bytes", [LOG]),
    ("parse apache | distinct by .ip | map .ip", [LOG]),
    ('split "\\t" as {freq: int, word: str} | summarize total = sum(.freq), words = count()', [WORDS]),
    # An fsspec URL naming a table's directory (file:// standing in for s3://): one part per file.
    ('split "\\t" as {freq: int, word: str} | summarize total = sum(.freq), n = count()', ["file://" + WORDS + "/"]),
])
def test_a_local_dask_cluster_gives_what_the_local_engine_gives(program, files):
    env = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="200000")
    local = subprocess.run([sl_command(), program, *files], capture_output=True, env=env)
    dask = subprocess.run([sl_command(), "--engine", "dask", program, *files], capture_output=True, env=env,
                          timeout=300)
    assert dask.returncode == local.returncode == 0
    assert dask.stdout == local.stdout
    assert dask.stderr == local.stderr


def test_a_one_liner_never_imports_dask():
    code = ("import sys\n"
            "sys.argv = ['sl', 'count']\n"
            "import streamlang.cli\n"
            "try:\n    streamlang.cli.main()\nexcept SystemExit:\n    pass\n"
            "heavy = {'dask', 'distributed', 'prompt_toolkit', 'pygments'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}), file=sys.stderr)\n")
    python = os.path.join(os.path.dirname(sl_command()), "python")
    proc = subprocess.run([python, "-c", code], input=b"a\n", capture_output=True)
    assert proc.stdout == b"1\n"
    assert proc.stderr.decode().strip() == "[]"


# --- The client's share of the work stays bounded (a real LocalCluster, in this process) ---

@pytest.fixture(scope="module")
def cluster_address():
    from distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _parts(tmp_path, count):
    """`count` files of numbered lines, some rejected by `split "," as {k: str, n: int}`."""
    files, lines = [], []
    for f in range(count):
        rows = [f"k{(f * 7 + i) % 11},{f * 100 + i}" if i % 5 else "bad" for i in range(20)]
        path = tmp_path / f"part-{f:03}"
        path.write_text("".join(r + "\n" for r in rows))
        files.append(str(path))
        lines.extend(rows)
    return files, lines


def _run_on(cluster_address, program, files, monkeypatch, spy):
    import io

    from streamlang.driver import build
    from streamlang.runtime import dask_engine
    from streamlang.runtime.parallel import ranges
    from streamlang.runtime.run import Run
    from streamlang.source import Source
    monkeypatch.setattr(dask_engine, "_result", spy(dask_engine._result))
    compiled = build(Source(program, "<program>"), sink="write")
    out, err = io.BytesIO(), []
    rt = Run(compiled.run_sites(), out=out, err=err.append)
    jobs = ranges(files, 2)
    dask_engine.run_on_dask(program, "<program>", {}, compiled.run, compiled.plan, rt, jobs, cluster_address, 2)
    rt.flush()
    return out.getvalue().decode(), rt, jobs


def test_a_streaming_program_holds_at_most_a_window_of_parts_and_writes_in_input_order(
        cluster_address, tmp_path, monkeypatch):
    from streamlang.runtime import dask_engine
    monkeypatch.setattr(dask_engine, "WINDOW", 3)
    from distributed import Client
    files, lines = _parts(tmp_path, 12)
    submitted, ahead = [], []
    submit = Client.submit
    monkeypatch.setattr(Client, "submit", lambda self, *a, **k: submitted.append(1) or submit(self, *a, **k))

    def spy(result):
        def counting(future):
            # Parts submitted and not yet fetched, this one included: the window.
            ahead.append(len(submitted) - len(ahead))
            return result(future)
        return counting
    text, rt, jobs = _run_on(cluster_address, 'split "," as {k: str, n: int} | where .n % 3 == 0 | map .n',
                             files, monkeypatch, spy)
    expected = [row.split(",")[1] for row in lines if row != "bad" and int(row.split(",")[1]) % 3 == 0]
    assert len(jobs) == 12
    assert text.splitlines() == expected
    assert rt.total_rejected == sum(1 for row in lines if row == "bad")
    assert max(ahead) <= 3 and len(ahead) == 12


def test_groups_are_combined_on_the_workers_and_reach_the_client_once(cluster_address, tmp_path, monkeypatch):
    files, lines = _parts(tmp_path, 9)  # an odd count: one part waits a level in the tree
    fetched = []

    def spy(result):
        def counting(future):
            fetched.append(future)
            return result(future)
        return counting
    text, rt, jobs = _run_on(cluster_address, 'split "," as {k: str, n: int} | count by .k | csv',
                             files, monkeypatch, spy)
    counts: dict[str, int] = {}
    for row in lines:
        if row != "bad":
            key = row.split(",")[0]
            counts[key] = counts.get(key, 0) + 1  # first-appearance order, as a dict keeps it
    assert len(jobs) == 9 and len(fetched) == 1
    assert text.splitlines() == ["k,count"] + [f"{k},{n}" for k, n in counts.items()]
    assert rt.total_rejected == sum(1 for row in lines if row == "bad")
    assert rt.parallel_lines == len(lines)


def test_a_failed_task_ends_the_run_with_its_reason(cluster_address, tmp_path):
    import io

    from streamlang.driver import build
    from streamlang.runtime import dask_engine
    from streamlang.runtime.run import Run
    from streamlang.source import Source
    compiled = build(Source("count", "<program>"), sink="write")
    rt = Run(compiled.run_sites(), out=io.BytesIO(), err=[].append)
    missing = str(tmp_path / "gone.log")  # planned, then removed before a worker reads it
    with pytest.raises(dask_engine.EngineFailure) as failure:
        dask_engine.run_on_dask("count", "<program>", {}, compiled.run, compiled.plan, rt,
                                [(missing, 0, 10), (missing, 10, 20)],
                                cluster_address, 2)
    assert str(failure.value).startswith("a Dask task failed: FileNotFoundError: ")
    assert missing in str(failure.value)
