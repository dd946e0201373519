"""`--engine dask` at scale: many files on a real LocalCluster, the client's peak memory.

    .venv/bin/python bench/dask_scale.py                    # 200 files, ~2.2 GB, 2 workers
    .venv/bin/python bench/dask_scale.py --files 20 --lines 20000   # a quick look
    .venv/bin/python bench/dask_scale.py --sl OTHER/bin/sl  # another install, to compare

Generates FILES access-log parts (bench/out/dask-FILES-LINES/, reused when
present), starts a LocalCluster of WORKERS processes on loopback in this
process, and runs each program with `sl --engine dask --scheduler ADDRESS`
over the directory. For each it reports the wall time, the client's own
peak RSS (os.wait4 on the `sl` process alone: the workers belong to this
script), the output's size, and whether the output equals `sl -j 1`'s over
the same files (checked on the first run only, with --check).

From the measured per-part cost it writes an estimate for a larger run:
parts of the same size on more workers, assuming the workers' throughput
scales (independent parts) and the client's per-part work stays as measured.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRAMS = {
    # The whole output streams back: the old engine held all of it on the client.
    "stream": "parse apache | select .ip, .status, .bytes | csv",
    # Groups combined on the workers; only the final groups reach the client.
    "groups": "parse apache | summarize n = count(), b = sum(.bytes ?? 0) by .status, day = date(.time)",
    "many groups": "parse apache | count by .ip | top 5 by .count",
}


def generate(directory: Path, files: int, lines: int) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        path = directory / f"part-{i:05}.log"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            subprocess.run([sys.executable, str(HERE / "gen_access_log.py"), "--lines", str(lines),
                            "--seed", str(i + 1), "-o", str(tmp)], check=True)
            tmp.rename(path)
    return sum(p.stat().st_size for p in directory.glob("part-*.log"))


def run_client(command: list[str], out_path: str, env: dict[str, str]) -> tuple[float, int, int, float]:
    """Wall seconds, peak RSS (KiB), exit status and CPU seconds of `command`, stdout to out_path."""
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, proc.returncode, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--lines", type=int, default=48_000, help="lines per file (default 48,000: ~11 MB)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sl", default=str(Path(sys.executable).parent / "sl"))
    ap.add_argument("--check", action="store_true", help="compare each output with `sl -j 1`'s")
    ap.add_argument("--estimate-tb", type=float, default=1.0)
    ap.add_argument("--estimate-workers", type=int, default=100)
    args = ap.parse_args(argv)

    from distributed import LocalCluster
    directory = HERE / "out" / f"dask-{args.files}-{args.lines}"
    size = generate(directory, args.files, args.lines)
    print(f"input: {args.files} files, {size / 1e9:.2f} GB, {args.files * args.lines:,} lines; "
          f"{args.workers} workers\n")
    env = dict(os.environ, NO_COLOR="1", NO_PROGRESS="1")
    rows = []
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, tempfile.TemporaryDirectory() as tmp:
        for label, program in PROGRAMS.items():
            out = os.path.join(tmp, "out")
            wall, rss, status, cpu = run_client([args.sl, "--engine", "dask", "--scheduler", cluster.scheduler_address,
                                            program, str(directory)], out, env)
            same = ""
            if args.check:
                local = os.path.join(tmp, "local")
                run_client([args.sl, "-j", "1", program, str(directory)], local, env)
                same = "yes" if Path(out).read_bytes() == Path(local).read_bytes() else "NO"
            rows.append((label, program, wall, rss, os.path.getsize(out), status, same, cpu))
    print("| program | wall s | client CPU s | client peak RSS MB | output MB | status | same as -j 1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, program, wall, rss, out_size, status, same, cpu in rows:
        print(f"| {label}: `{program.replace('|', chr(92) + '|')}` | {wall:.1f} | {cpu:.1f} | {rss / 1024:.0f} | "
              f"{out_size / 1e6:.1f} | {status} | {same} |")
    print()
    estimate(rows, size, args)
    return 0 if all(r[5] == 0 for r in rows) else 1


def estimate(rows: list, size: int, args: argparse.Namespace) -> None:
    """A larger run from this one's figures: the workers' share scales with their
    number (independent parts); the client's does not, so it is a floor."""
    target = args.estimate_tb * 1e12
    parts = target / (size / args.files)
    print(f"Estimate for {args.estimate_tb:g} TB over {args.estimate_workers} workers, "
          f"parts of {size / args.files / 1e6:.0f} MB ({parts:,.0f} parts):")
    for label, _, wall, _, _, _, _, cpu in rows:
        per_worker = size / (wall * args.workers)  # bytes a worker gets through per second, here
        workers_s = target / (per_worker * args.estimate_workers)
        client_s = cpu * target / size  # the client's own work per input byte, as measured
        print(f"- {label}: workers {per_worker / 1e6:.0f} MB/s each -> {workers_s / 60:.0f} min; "
              f"client {cpu:.1f} s CPU here -> at least {client_s / 60:.0f} min; "
              f"so about {max(workers_s, client_s) / 60:.0f} min")


if __name__ == "__main__":
    sys.exit(main())
