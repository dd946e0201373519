"""`--engine dask`: the same program on a dask.distributed cluster (SPEC §9).

The input is cut into byte ranges as for `-j`; each range is a task that
compiles the program on its worker (from its text: compiled code does not
travel) and returns the range's output or groups, put together in input order
exactly as `-j` puts them together. Without `--scheduler`, a local cluster of
worker processes is started on the loopback interface. Dask is imported only
here, so a one-liner never pays for it.

What the client holds stays bounded however large the input:

- a streaming program's parts are fetched in input order, one at a time, and
  written as they arrive; at most `WINDOW` parts are submitted ahead of the one
  being written, so the cluster works ahead while results wait on the workers,
  not on the client;
- a grouping program's parts are combined on the workers, adjacent pairs in a
  tree (so first-appearance order holds: the left part's groups come first),
  and only the final groups travel to the client.
"""
from __future__ import annotations

import os
from collections import deque
from typing import Any

from .run import RunFailed

# Parts submitted ahead of the one being written (each part ~ total/jobs of the input).
WINDOW = 8

# Merge kinds that combine pairwise into a value of the same shape; `sort` (runs
# merged once, streamed) and `top` (the program's trim keeps N) stay on the client.
TREE_KINDS = frozenset({"groups", "counts", "sum", "single"})


class EngineFailure(RunFailed):
    """A task or the cluster failed."""


def _task(text: str, name: str, options: dict[str, Any], job: tuple[int, str, int, int]) -> dict[str, Any]:
    from ..driver import build
    from ..hints import NO_HINTS, InputHints
    from ..source import Source
    from . import parallel
    hints = InputHints(tuple(options["hints"][0]), options["hints"][1]) if "hints" in options else NO_HINTS
    compiled = build(Source(text, name), overrides=options.get("vars"), output_format=options.get("o"),
                     sink="write", hints=hints)
    parallel._JOB.update(run=compiled.run, sites=compiled.run_sites(), plan=compiled.plan, strict=False)
    result = parallel._work(job)
    # What the report needs of each part travels beside the groups, so that parts combine as a tree.
    groups = result.pop("groups")
    return {"groups": groups, "parts": [result]}


def _combine(ops: list[str], left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    """Two adjacent parts (left before right in the input) as one, on a worker."""
    from .parallel import merge_groups
    return {"groups": merge_groups([left["groups"], right["groups"]], ops), "parts": left["parts"] + right["parts"]}


def run_on_dask(text: str, name: str, options: dict[str, Any], run: Any, plan: Any, rt: Any,
                jobs: list[tuple[str, int, int]], scheduler: str | None, workers: int) -> None:
    # Dask's own INFO and WARNING lines ("event loop was unresponsive" on a busy
    # machine) would mix with the run's report on stderr; the local workers
    # inherit the setting through the environment.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise RuntimeError("--engine dask needs dask.distributed: pip install 'streamlang[dask]'") from None
    if scheduler:
        client = Client(scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    try:
        def submit(i: int) -> Any:
            path, start, end = jobs[i]
            return client.submit(_task, text, name, options, (i, path, start, end), pure=False)
        info = plan.parallel
        if info["mode"] == "stream":
            _stream(submit, len(jobs), info, rt)
        elif info["mode"] == "groups" and info["ops"][0] in TREE_KINDS:
            _tree(client, submit, len(jobs), info, run, rt)
        else:
            _gather_all(client, submit, len(jobs), info, run, rt)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _result(future: Any) -> dict[str, Any]:
    try:
        return future.result()  # type: ignore[no-any-return]
    except Exception as e:  # a task's own error, a killed worker, a lost scheduler
        raise EngineFailure(f"a Dask task failed: {type(e).__name__}: {e}") from None


def _stream(submit: Any, count: int, info: dict[str, Any], rt: Any) -> None:
    """Each part's output written in input order as soon as it and those before it are done."""
    from .parallel import Report, write_stream_part
    report = Report(rt)
    pending: deque = deque(submit(i) for i in range(min(WINDOW, count)))
    following = len(pending)
    while pending:
        result = _result(pending.popleft())
        if following < count:
            pending.append(submit(following))
            following += 1
        part = result["parts"][0]
        report.add(part)
        write_stream_part(info, rt, part)
    report.finish()


def _tree(client: Any, submit: Any, count: int, info: dict[str, Any], run: Any, rt: Any) -> None:
    """Adjacent parts combined pairwise on the workers; the final groups alone reach the client."""
    from .parallel import Report
    level = [submit(i) for i in range(count)]
    while len(level) > 1:
        paired = [client.submit(_combine, info["ops"], level[i], level[i + 1], pure=False)
                  for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    result = _result(level[0])
    report = Report(rt)
    for part in result["parts"]:
        report.add(part)
    report.finish()
    rt.merged = result["groups"]
    run(None, rt)


def _gather_all(client: Any, submit: Any, count: int, info: dict[str, Any], run: Any, rt: Any) -> None:
    from .parallel import finish_parallel
    results = []
    for future in [submit(i) for i in range(count)]:
        result = _result(future)
        part = result["parts"][0]
        part["groups"] = result["groups"]
        results.append(part)
    finish_parallel(run, info, rt, results)
