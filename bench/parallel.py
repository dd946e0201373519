"""`-j 2` against `-j 1` (and the Dask engine) on a 400 MB+ file.

    .venv/bin/python bench/parallel.py [--copies 200] [--rounds 5] [--dask] [--sl PATH] [--out DIR] [--write-doc]

The input is the bundled real log (examples/data/access.log) repeated
`--copies` times into bench/out/ (474 MB at 200). Each round runs
`sl -j 1 PROGRAM FILE` then `sl -j 2 PROGRAM FILE` (and, with `--dask`,
`sl --engine dask -j 2`, which starts its own local cluster), so a slow
moment of the machine hits both. Prints a Markdown report: every round's
wall times and their ratio, the medians, CPU times, and whether every run
printed exactly what `-j 1` printed.

Exit status: 0, or 1 when a run failed or its output differed from `-j 1`'s.
The ratio target (≤ 0.6) is reported, not enforced.
"""

from __future__ import annotations

import argparse
import filecmp
import statistics
import sys
from pathlib import Path

from run import BENCH, REPO, Run, machine_line, measure, repeat_real_log, warm_cache, write_doc

PROGRAM = "parse apache | count by .status"
TARGET = 0.6
DOC = REPO / "docs" / "performance.md"
DOC_START, DOC_END = "<!-- parallel:start -->", "<!-- parallel:end -->"


def run_rounds(sl: str, data: Path, rounds: int, dask: bool, scratch: Path) -> tuple[dict[str, list[Run]], list[str]]:
    variants = {"-j 1": [sl, "-j", "1"], "-j 2": [sl, "-j", "2"]}
    if dask:
        variants["--engine dask -j 2"] = [sl, "--engine", "dask", "-j", "2"]
    runs: dict[str, list[Run]] = {name: [] for name in variants}
    problems: list[str] = []
    reference = scratch / "parallel-j1.out"
    for r in range(rounds):
        for name, argv in variants.items():
            out = reference if name == "-j 1" else scratch / "parallel-other.out"
            run = measure([*argv, PROGRAM, str(data)], stdout=out, rss=False)
            runs[name].append(run)
            print(f"round {r + 1}: {name}: {run.seconds:.2f} s", file=sys.stderr)
            if run.status != 0:
                problems.append(f"`{name}` exited with status {run.status}")
            elif name != "-j 1" and not filecmp.cmp(reference, out, shallow=False):
                problems.append(f"`{name}` printed something other than `-j 1`")
    return runs, problems


def report(runs: dict[str, list[Run]], data: Path, args: argparse.Namespace, problems: list[str]) -> str:
    one = runs["-j 1"]
    lines = [
        f"`{PROGRAM}` on {data.stat().st_size / 1e6:.0f} MB (the bundled log × {args.copies}), "
        f"{args.rounds} alternating rounds;",
        f"{machine_line()}.",
        f"Reproduce: `.venv/bin/python bench/parallel.py --copies {args.copies} --rounds {args.rounds}"
        f"{' --dask' if args.dask else ''}`",
        "",
        "| round | " + " | ".join(f"`{name}` s" for name in runs) + " | `-j 2` / `-j 1` |",
        "| ---: | " + " | ".join("---:" for _ in runs) + " | ---: |",
    ]
    for i in range(len(one)):
        cells = " | ".join(f"{runs[name][i].seconds:.2f}" for name in runs)
        lines.append(f"| {i + 1} | {cells} | {runs['-j 2'][i].seconds / one[i].seconds:.2f} |")
    medians = {name: statistics.median(r.seconds for r in rs) for name, rs in runs.items()}
    cpu = {name: statistics.median(r.cpu_seconds for r in rs) for name, rs in runs.items()}
    ratio = medians["-j 2"] / medians["-j 1"]
    pairs = statistics.median(b.seconds / a.seconds for a, b in zip(one, runs["-j 2"]))
    cells = " | ".join(f"**{medians[name]:.2f}**" for name in runs)
    lines.append(f"| median | {cells} | **{ratio:.2f}** |")
    lines.append("| CPU (median, user + sys) | " + " | ".join(f"{cpu[name]:.2f}" for name in runs) + " | |")
    verdict = "meets" if ratio <= TARGET else "misses"
    lines += ["", f"`-j 2` / `-j 1`: {ratio:.2f} by medians, {pairs:.2f} as the median of the rounds' "
                  f"ratios ({verdict} the target of ≤ {TARGET})."]
    if problems:
        lines += ["", "Problems: " + "; ".join(problems) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=200, help="times the bundled log is repeated (200: 474 MB)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dask", action="store_true", help="also run --engine dask (needs streamlang[dask])")
    parser.add_argument("--sl", default=str(Path(sys.executable).parent / "sl"))
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="where the input and outputs go")
    parser.add_argument("--write-doc", action="store_true", help="put the report in docs/performance.md")
    args = parser.parse_args(argv)
    if args.copies < 1 or args.rounds < 1:
        parser.error("--copies and --rounds must be at least 1")
    data = repeat_real_log(args.out, args.copies)
    warm_cache(data)
    runs, problems = run_rounds(args.sl, data, args.rounds, args.dask, args.out)
    body = report(runs, data, args, problems)
    print(body)
    if args.write_doc:
        write_doc(DOC, body, (DOC_START, DOC_END))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
