"""sl on several cores against one, and against awk, on a 400 MB+ generated log.

    .venv/bin/python bench/parallel.py [--lines 2000000] [--only B,C,D,E] [--rounds 3] [--dask]
                                       [--sl PATH] [--out DIR] [--write-doc]

The input is bench/gen_access_log.py's combined-format log (481 MB at
2,000,000 lines), made once into bench/out/. Each round runs every task of
bench/tasks.toml (B to E unless --only) with: sl's default (`-j auto`), sl
`-j 1`, sl `-j 2`, mawk, gawk and the hand-written Python script (and, with
`--dask`, `sl --engine dask -j 2`, which starts its own local cluster),
interleaved, so that a slow moment of the machine hits them all. Prints a
Markdown report: per task, the median wall and CPU times of each, the ratio
`-j 2` / `-j 1` (the target: ≤ 0.55 on two cores), sl's default / mawk (the
target: ≤ 1.0), and whether every output equals the Python script's.

Exit status: 0, or 1 when an sl run failed or printed something other than the
script. Missed targets are reported, not enforced.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

from run import (
    AWKS,
    BENCH,
    REPO,
    TASKS_DIR,
    Run,
    compare_outputs,
    ensure_data,
    load_tasks,
    machine_line,
    measure,
    select_tasks,
    warm_cache,
    write_doc,
)

PARALLEL_TARGET = 0.55  # -j 2 / -j 1
MAWK_TARGET = 1.0  # sl's default / mawk
DOC = REPO / "docs" / "performance.md"
DOC_START, DOC_END = "<!-- parallel:start -->", "<!-- parallel:end -->"


def variants(sl: str, dask: bool) -> dict[str, list[str]]:
    """Each command, as a prefix for the task's program (sl) or script (the others)."""
    out = {"sl": [sl], "sl -j 1": [sl, "-j", "1"], "sl -j 2": [sl, "-j", "2"]}
    if dask:
        out["sl --engine dask -j 2"] = [sl, "--engine", "dask", "-j", "2"]
    for awk in AWKS:
        if exe := shutil.which(awk):
            out[awk] = [exe, "-f"]
    out["python"] = [sys.executable]
    return out


def argv(name: str, prefix: list[str], task, data: Path) -> list[str] | None:  # type: ignore[no-untyped-def]
    if name.startswith("sl"):
        return [*prefix, task.sl, str(data)]
    if name in AWKS:
        return [*prefix, str(TASKS_DIR / task.awk), str(data)] if task.awk else None
    return [*prefix, str(TASKS_DIR / task.python), str(data)]


def run_rounds(tasks, commands: dict[str, list[str]], data: Path, rounds: int,  # type: ignore[no-untyped-def]
               scratch: Path) -> tuple[dict[tuple[str, str], list[Run]], list[str]]:
    runs: dict[tuple[str, str], list[Run]] = {}
    problems: list[str] = []
    names = list(commands)
    for r in range(rounds):
        for task in tasks:
            order = names[r % len(names):] + names[:r % len(names)]  # no command always runs first
            for name in order:
                command = argv(name, commands[name], task, data)
                if command is None:
                    continue
                out = scratch / f"parallel-{task.id}-{name.replace(' ', '')}.out"
                run = measure(command, stdout=out, rss=False)
                runs.setdefault((task.id, name), []).append(run)
                print(f"round {r + 1}: {task.id} {name}: {run.seconds:.2f} s (CPU {run.cpu_seconds:.2f} s)",
                      file=sys.stderr)
    for task in tasks:
        reference = scratch / f"parallel-{task.id}-python.out"
        for name in names:
            rs = runs.get((task.id, name))
            if rs is None or name == "python":
                continue
            out = scratch / f"parallel-{task.id}-{name.replace(' ', '')}.out"
            failed = next((r.status for r in rs if r.status != 0), None)
            if failed is not None:
                problems.append(f"{task.id}: `{name}` exited with status {failed}")
            elif name.startswith("sl") and compare_outputs(reference, out, task.compare) != "ok":
                problems.append(f"{task.id}: `{name}` printed something other than the Python script")
    return runs, problems


def report(tasks, runs: dict[tuple[str, str], list[Run]], names: list[str], data: Path,  # type: ignore[no-untyped-def]
           args: argparse.Namespace, problems: list[str]) -> str:
    only = ",".join(t.id for t in tasks)
    lines = [
        f"Tasks {only} of bench/tasks.toml on {data.stat().st_size / 1e6:.0f} MB ({args.lines:,} generated "
        f"lines), {args.rounds} interleaved round{'s' if args.rounds != 1 else ''}; median wall seconds "
        "(CPU seconds, user + system, of the command and its workers);",
        f"{machine_line()}.",
        f"Reproduce: `.venv/bin/python bench/parallel.py --lines {args.lines} --only {only} "
        f"--rounds {args.rounds}{' --dask' if args.dask else ''}`",
        "",
        "| task | " + " | ".join(f"`{n}`" for n in names) + f" | `-j 2` / `-j 1` (≤ {PARALLEL_TARGET}) "
        f"| default / mawk (≤ {MAWK_TARGET}) |",
        "| --- | " + " | ".join("---:" for _ in names) + " | ---: | ---: |",
    ]
    for task in tasks:
        wall = {n: statistics.median(r.seconds for r in runs[(task.id, n)]) for n in names if (task.id, n) in runs}
        cpu = {n: statistics.median(r.cpu_seconds for r in runs[(task.id, n)]) for n in names if (task.id, n) in runs}
        cells = " | ".join(f"{wall[n]:.2f} ({cpu[n]:.2f})" if n in wall else "–" for n in names)
        parallel = wall["sl -j 2"] / wall["sl -j 1"]
        by_mawk = f"{wall['sl'] / wall['mawk']:.2f}" if "mawk" in wall else "–"
        lines.append(f"| {task.id} | {cells} | **{parallel:.2f}** | {by_mawk} |")
    if problems:
        lines += ["", "Problems: " + "; ".join(problems) + "."]
    return "\n".join(lines) + "\n"


def main(argv_: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=2_000_000, help="generated lines (2,000,000: 481 MB)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="B,C,D,E", help="comma-separated task ids (default B,C,D,E)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dask", action="store_true", help="also run --engine dask (needs streamlang[dask])")
    parser.add_argument("--sl", default=str(Path(sys.executable).parent / "sl"))
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="where the input and outputs go")
    parser.add_argument("--write-doc", action="store_true", help="put the report in docs/performance.md")
    args = parser.parse_args(argv_)
    if args.lines < 1 or args.rounds < 1:
        parser.error("--lines and --rounds must be at least 1")
    tasks = select_tasks(load_tasks(), args.only)
    data = ensure_data(args.out, args.lines, args.seed)
    warm_cache(data)
    commands = variants(args.sl, args.dask)
    runs, problems = run_rounds(tasks, commands, data, args.rounds, args.out)
    body = report(tasks, runs, list(commands), data, args, problems)
    print(body)
    if args.write_doc:
        write_doc(DOC, body, (DOC_START, DOC_END))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
