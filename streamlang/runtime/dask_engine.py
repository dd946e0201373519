"""`--engine dask`: the same program on a dask.distributed cluster (SPEC §9).

The input is cut into byte ranges as for `-j`; each range is a task that
compiles the program on its worker (from its text: compiled code does not
travel) and returns the range's output or groups, merged in input order
exactly as `-j` merges them. Without `--scheduler`, a local cluster of
worker processes is started on the loopback interface. Dask is imported only
here, so a one-liner never pays for it.
"""
from __future__ import annotations

from typing import Any


def _task(text: str, name: str, options: dict[str, Any], job: tuple[int, str, int, int]) -> dict[str, Any]:
    from ..driver import build
    from ..source import Source
    from . import parallel
    compiled = build(Source(text, name), overrides=options.get("vars"), output_format=options.get("o"),
                     sink="write")
    parallel._JOB.update(run=compiled.run, sites=compiled.run_sites(), mode=compiled.run.parallel["mode"],
                         strict=False)
    return parallel._work(job)


def run_on_dask(text: str, name: str, options: dict[str, Any], run: Any, rt: Any,
                jobs: list[tuple[str, int, int]], scheduler: str | None, workers: int) -> None:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise RuntimeError("--engine dask needs dask.distributed: pip install 'streamlang[dask]'") from None
    from .parallel import finish_parallel
    if scheduler:
        client = Client(scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    try:
        futures = [client.submit(_task, text, name, options, (i, p, s, e), pure=False)
                   for i, (p, s, e) in enumerate(jobs)]
        results = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    finish_parallel(run, run.parallel, rt, sorted(results, key=lambda r: r["index"]))
