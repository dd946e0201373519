"""Instructions per input line: sl against the hand-written Python script, counted by valgrind.

    .venv/bin/python bench/instructions.py [--lines 20000] [--only A,B] [--sl PATH] [--write-doc]

Wall time on a shared 2-vCPU machine moves by ±30 % from one minute to the
next, so two runs of `bench/run.py` can disagree about a 10 % difference.
The number of instructions a run executes does not move: this counts them
with valgrind (`--tool=callgrind`), for every task of bench/tasks.toml, on
two inputs of N and 2N lines. The difference divided by N is the cost of
one line, with start-up cancelled out. Both kinds of input are measured:
generated lines (`gen_access_log.py`, as `run.py` uses) and the bundled
real log, whose times are as sparse as a real site's.

Instructions are not time: a cache miss costs many of them. They decide
whether a change did less work, and `run.py` says what that bought in
seconds.

Exit status: 0, or 1 when a run failed or sl printed something other than
the script (outputs are compared on the larger input), or 2 for a usage error.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from run import (
    BENCH,
    REAL_LOG,
    REPO,
    TASKS_DIR,
    Task,
    ensure_data,
    git_commit,
    load_tasks,
    machine_line,
    select_tasks,
    usage_error,
    write_doc,
)

DOC_MARKERS = ("<!-- bench-instructions:start -->", "<!-- bench-instructions:end -->")
COLLECTED = re.compile(r"Collected : (\d+)")


@dataclass(frozen=True)
class Count:
    """One task, one tool: instructions per line on the two kinds of input, and at start-up."""
    generated: float
    real: float
    startup: int


def instructions(argv: list[str], stdout: Path) -> int:
    """Instructions executed by `argv` (the whole process, start-up included)."""
    # A fixed hash seed: with a random one, how full each dict's table gets
    # moves start-up by millions of instructions from run to run.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    with stdout.open("wb") as out:
        proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
                              stdout=out, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env)
    found = COLLECTED.search(proc.stderr)
    if proc.returncode != 0 or found is None:
        raise RuntimeError(f"{' '.join(argv[:2])} failed under valgrind: {proc.stderr.strip()[-300:]}")
    return int(found.group(1))


def real_prefix(out_dir: Path, lines: int) -> Path:
    """The bundled real log's first `lines` lines, repeated from the top if it has fewer."""
    path = out_dir / f"access-real-{lines}.log"
    if not path.exists():
        source = REAL_LOG.read_bytes().splitlines(keepends=True)
        path.write_bytes(b"".join(source[i % len(source)] for i in range(lines)))
    return path


def per_line(argv: list[str], small: Path, large: Path, lines: int, stdout: Path) -> float:
    """Instructions per line, from runs on `small` (`lines` lines) and `large` (twice as many);
    the larger run's output is left in `stdout`."""
    return (instructions([*argv, str(large)], stdout)
            - instructions([*argv, str(small)], stdout.with_suffix(".small"))) / lines


def count_task(task: Task, sl: str, inputs: dict[str, tuple[Path, Path]], lines: int,
               scratch: Path) -> tuple[dict[str, Count], list[str]]:
    """The counts of sl and the script on one task, and what went wrong."""
    commands = {"sl": [sl, task.sl], "python": [sys.executable, str(TASKS_DIR / task.python)]}
    problems: list[str] = []
    counts: dict[str, Count] = {}
    for tool, argv in commands.items():
        # Once outside valgrind first, so that sl has compiled and cached the
        # program: what is counted is a one-liner run again, as it mostly is.
        subprocess.run([*argv, "/dev/null"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        startup = instructions([*argv, "/dev/null"], scratch / f"{task.id}-{tool}-empty.out")
        per_kind = {}
        for kind, (small, large) in inputs.items():
            per_kind[kind] = per_line(argv, small, large, lines, scratch / f"{task.id}-{tool}-{kind}.out")
            print(f"{task.id} {tool:<6} {kind:<9} {per_kind[kind]:9,.0f} instructions a line", file=sys.stderr)
        counts[tool] = Count(per_kind["generated"], per_kind["real"], startup)
    for kind in inputs:
        ours, theirs = (scratch / f"{task.id}-{tool}-{kind}.out" for tool in ("sl", "python"))
        if not filecmp.cmp(ours, theirs, shallow=False):
            problems.append(f"{task.id}: sl printed something other than the script on the {kind} input")
    return counts, problems


def report(tasks: list[Task], counts: dict[str, dict[str, Count]], lines: int, command: str) -> str:
    commit = git_commit()
    rows = [
        f"Measured at commit {commit} with `{command}`." if commit else f"Measured with `{command}`.",
        "",
        f"- Machine: {machine_line()}",
        f"- Per line: the instructions of a run on {2 * lines:,} lines minus those on {lines:,}, "
        f"divided by {lines:,} (valgrind callgrind); generated lines as `run.py` makes them, and the "
        "bundled real log's first lines. Start-up: a run on empty input.",
        "",
        "| task | sl / line, generated | script / line | × script | sl / line, real log | script / line "
        "| × script | target | sl start-up | script start-up |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for task in tasks:
        ours, theirs = counts[task.id]["sl"], counts[task.id]["python"]
        rows.append(
            f"| {task.id} {task.title} | {ours.generated:,.0f} | {theirs.generated:,.0f} "
            f"| {ours.generated / theirs.generated:.2f} | {ours.real:,.0f} | {theirs.real:,.0f} "
            f"| {ours.real / theirs.real:.2f} | ≤ {task.target:.1f} | {ours.startup / 1e6:,.0f} M "
            f"| {theirs.startup / 1e6:,.0f} M |")
    return "\n".join(rows) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=20_000,
                    help="N: the inputs have N and 2N lines (default 20,000)")
    ap.add_argument("--only", help="comma-separated task ids, e.g. D,E")
    ap.add_argument("--sl", type=Path, default=Path(sys.executable).parent / "sl",
                    help="the sl command (default: the one next to this interpreter)")
    ap.add_argument("--out", type=Path, default=BENCH / "out", help="inputs and outputs (default bench/out)")
    ap.add_argument("--write-doc", action="store_true", help="write the table into the doc")
    ap.add_argument("--doc", type=Path, default=REPO / "docs" / "performance.md",
                    help="the doc --write-doc rewrites (default docs/performance.md)")
    args = ap.parse_args(argv)
    if args.lines < 1:
        ap.error("--lines must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("valgrind") is None:
        usage_error("valgrind is not installed (Debian: apt-get install valgrind)")
    sl = args.sl.absolute()
    if not sl.is_file():
        usage_error(f"no sl at {sl}: install the package into the venv, or pass --sl PATH")
    tasks = select_tasks(load_tasks(), args.only)
    scratch = args.out / "instructions"
    scratch.mkdir(parents=True, exist_ok=True)
    inputs = {
        "generated": (ensure_data(args.out, args.lines, 1), ensure_data(args.out, 2 * args.lines, 1)),
        "real": (real_prefix(args.out, args.lines), real_prefix(args.out, 2 * args.lines)),
    }
    counts: dict[str, dict[str, Count]] = {}
    problems: list[str] = []
    for task in tasks:
        try:
            counts[task.id], wrong = count_task(task, str(sl), inputs, args.lines, scratch)
        except RuntimeError as e:
            print(f"{task.id}: {e}", file=sys.stderr)
            return 1
        problems += wrong
    command = f".venv/bin/python bench/instructions.py --lines {args.lines}" + (
        f" --only {args.only}" if args.only else "")
    text = report(tasks, counts, args.lines, command)
    print(text)
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.write_doc:
        write_doc(args.doc, text, DOC_MARKERS)
        print(f"wrote {args.doc}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
