"""The StreamLang benchmark: throughput against hand-written Python and awk, start-up, memory.

    .venv/bin/python bench/run.py [--lines 1000000] [--rounds 3] [--sl PATH] [--only A,B] [--real] [--write-doc]

Generates the input once into bench/out/ (cached by seed, size and generator
version), runs every task of bench/tasks.toml with sl, the hand-written Python
script, and mawk/gawk/Miller where installed (sl twice: its default, `-j auto`,
and `-j 1`) — interleaved, round after round,
so that a slow moment of the machine hits every tool alike — and prints a
Markdown report: median wall and CPU time, their ratios to the Python
script's, peak RSS, and whether the output equals the Python script's.
Then the start-up cost of `sl 'take 1' < /dev/null` over bare
`python -c pass`, and the peak RSS of a streaming pipeline over empty input,
the file, and four times the file.

Exit status: 0, or 1 when sl or the Python baseline failed, or sl printed
something other than the baseline (the table says MISMATCH), or 2 for a
usage error. A MISMATCH of awk or Miller is shown but does not fail the run:
they split on whitespace, so on the real log (`--real`) they read the one
line that is not in the combined format, which the regex skips. Missed
performance targets do not change the status either: the report shows them.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import filecmp
import functools
import hashlib
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TASKS_DIR = BENCH / "tasks"
DOC_START, DOC_END = "<!-- bench:start -->", "<!-- bench:end -->"
REAL_MARKERS = ("<!-- bench-real:start -->", "<!-- bench-real:end -->")
REAL_LOG = REPO / "examples" / "data" / "access.log"
REAL_LINES = 10_000
STARTUP_TARGET_MS = 35.0
MEMORY_TARGET_MB = 40.0  # decimal megabytes, as the issue states it
MEMORY_PROGRAM = "parse apache | where .status >= 400"
STARTUP_PROGRAM = "take 1"
DEFAULTS = {"lines": 1_000_000, "seed": 1, "rounds": 3, "only": None, "tools": None}
AWKS = ("mawk", "gawk")
SL_ONE = "sl -j 1"  # sl in one process, next to its default (-j auto)
# The report's columns, in this order: sl's default, sl in one process, awk, the script.
TOOL_ORDER = ["sl", SL_ONE, *AWKS, "python", "mlr"]
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    sl: str
    python: str
    awk: str | None
    mlr: tuple[str, ...] | None
    target: float
    compare: str  # "exact" or "sorted"


@dataclass
class Run:
    seconds: float  # wall time
    cpu_seconds: float  # user + system: steadier than wall time on a machine shared with other work
    max_rss_mib: float
    status: int


@dataclass
class Cell:
    """Every run of one tool on one task, and what its (last) output was judged."""

    runs: list[Run] = field(default_factory=list)
    verdict: str = ""

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def best(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def median_cpu(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def max_rss_mib(self) -> float:
        return max(r.max_rss_mib for r in self.runs)

    @property
    def failed(self) -> int | None:
        """The exit status of the first failed run, if any."""
        return next((r.status for r in self.runs if r.status != 0), None)


def load_tasks(path: Path = BENCH / "tasks.toml") -> list[Task]:
    with path.open("rb") as f:
        raw = tomllib.load(f)["task"]
    return [
        Task(t["id"], t["title"], t["sl"], t["python"], t.get("awk"),
             tuple(t["mlr"]) if "mlr" in t else None, float(t["target"]), t.get("compare", "exact"))
        for t in raw
    ]


@functools.cache
def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux), so measure() can wait4 a grandchild; False if unsupported."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def measure(argv: Sequence[str], stdout: Path | str, stdin: Path | str = os.devnull,
            stderr: Path | str = os.devnull, rss: bool = True) -> Run:
    """Run argv once: wall time and, if rss, the command's own peak RSS.

    A process's peak RSS survives exec, so any child forked from this
    harness reports at least the harness's own ~20 MiB: an awk that needs
    2 MiB would show 20. So /bin/sh (small) starts the command in the
    background and exits; the command, a fork of sh, is re-parented to this
    subreaper process, and os.wait4 on it gives its own rusage.
    (getrusage(RUSAGE_CHILDREN) would not do either: it is a maximum over
    every child this process ever had.) The shell adds about a millisecond.
    Without rss the command is a direct child, which is what start-up
    timing wants: no shell in between.
    """
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        if not (rss and become_subreaper()):
            with open(stdin, "rb") as inp:
                start = time.perf_counter()
                proc = subprocess.Popen(list(argv), stdin=inp, stdout=out, stderr=err)
                _pid, wait_status, usage = os.wait4(proc.pid, 0)
                seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(wait_status)  # so Popen does not wait again
        else:
            fd, pid_file = tempfile.mkstemp(prefix="bench-pid-")
            os.close(fd)
            start = time.perf_counter()
            # `exec echo`, not the builtin: a shell still running may reap a quick command
            # itself (dash does), and its rusage would be lost; echo never waits for anything.
            shell = subprocess.Popen(["/bin/sh", "-c", 'p=$1 f=$2; shift 2; "$@" <"$f" & exec echo $! >"$p"',
                                      "sh", pid_file, str(stdin), *argv],
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            shell.wait()
            pid = int(Path(pid_file).read_text())
            os.unlink(pid_file)
            try:
                _pid, wait_status, usage = os.wait4(pid, 0)
            except ChildProcessError:
                raise RuntimeError(f"{argv[0]} was reaped by its shell; no rusage for it") from None
            except BaseException:
                # sh started it with SIGINT ignored, so Ctrl-C reached only this process: stop it too.
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGTERM)
                    os.wait4(pid, 0)
                raise
            seconds = time.perf_counter() - start
    return Run(seconds, usage.ru_utime + usage.ru_stime,
               usage.ru_maxrss / 1024,  # ru_maxrss is in KiB on Linux
               os.waitstatus_to_exitcode(wait_status))


def compare_outputs(reference: Path, candidate: Path, mode: str) -> str:
    """'ok', or what is wrong with candidate: 'MISMATCH' or 'MISMATCH (order only)'."""
    if filecmp.cmp(reference, candidate, shallow=False):
        return "ok"
    same_lines = sorted(reference.read_bytes().splitlines()) == sorted(candidate.read_bytes().splitlines())
    if same_lines:
        return "ok" if mode == "sorted" else "MISMATCH (order only)"
    return "MISMATCH"


def first_difference(reference: Path, candidate: Path) -> str:
    """Where two outputs part, for the message under a MISMATCH."""
    with reference.open("rb") as a, candidate.open("rb") as b:
        for n, (x, y) in enumerate(zip(a, b), 1):
            if x != y:
                return f"line {n}: expected {x[:200]!r}, got {y[:200]!r}"
        rest_a, rest_b = a.readline(), b.readline()
    return f"expected {rest_a[:200]!r} after the common part, got {rest_b[:200]!r}" if rest_a or rest_b else ""


def replace_section(text: str, body: str, markers: tuple[str, str] = (DOC_START, DOC_END)) -> str:
    """text with the part between the bench markers replaced by body (appended if there is none)."""
    doc_start, doc_end = markers
    section = f"{doc_start}\n{body.rstrip()}\n{doc_end}"
    start, end = text.find(doc_start), text.find(doc_end)
    if start == -1 or end < start:
        return text.rstrip("\n") + ("\n\n" if text.strip() else "") + section + "\n"
    return text[:start] + section + text[end + len(doc_end):]


NEW_DOC = """# Performance

What StreamLang costs against the hand-written Python script, awk and Miller
doing the same work on the same input. The section between the markers is
written by `.venv/bin/python bench/run.py --write-doc` (see bench/README.md);
edit everything else by hand.

"""

NEW_DOC_TAIL = """

## What each optimisation bought

Each optimisation with the benchmark numbers before and after it.
"""


def write_doc(path: Path, body: str, markers: tuple[str, str] = (DOC_START, DOC_END)) -> None:
    if path.exists():
        text = replace_section(path.read_text(encoding="utf-8"), body, markers)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = replace_section(NEW_DOC, body, markers) + NEW_DOC_TAIL
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- input data


def generator_version() -> str:
    """A hash of the generator, so a changed generator never reuses a stale file."""
    return hashlib.sha256((BENCH / "gen_access_log.py").read_bytes()).hexdigest()[:8]


def ensure_data(out_dir: Path, lines: int, seed: int) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"access-{lines}-seed{seed}"
    path = out_dir / f"{stem}-{generator_version()}.log"
    if not path.exists():
        for stale in out_dir.glob(f"{stem}-*.log"):
            stale.unlink()
        print(f"generating {lines:,} lines into {path} ...", file=sys.stderr)
        tmp = path.with_suffix(".tmp")
        subprocess.run([sys.executable, str(BENCH / "gen_access_log.py"), "--lines", str(lines),
                        "--seed", str(seed), "-o", str(tmp)], check=True)
        tmp.rename(path)  # only a complete file ever has the cached name
    return path


def ensure_real_data(out_dir: Path, lines: int) -> Path:
    """The bundled real log (10,000 lines of a real site's access log), repeated
    to at least `lines` lines: its timestamps are as sparse as a real site's
    (one line every half minute), which generated data does not show."""
    return repeat_real_log(out_dir, -(-lines // REAL_LINES))


def repeat_real_log(out_dir: Path, copies: int) -> Path:
    """The bundled real log `copies` times over, in one file made once."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"access-bundled-x{copies}.log"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        source = REAL_LOG.read_bytes()
        with tmp.open("wb") as f:
            for _ in range(copies):
                f.write(source)
        tmp.rename(path)  # only a complete file ever has the cached name
    return path


def warm_cache(path: Path) -> None:
    """Read the file once so that the first timed run does not pay for the disk."""
    with path.open("rb") as f:
        while f.read(1 << 20):
            pass


# ---------------------------------------------------------------- tools


@dataclass(frozen=True)
class Tool:
    name: str
    exe: str

    def argv(self, task: Task, data: Path) -> list[str] | None:
        """The command doing `task` on `data`, or None when this tool has no version of it."""
        if self.name == "sl":  # its default: -j auto
            return [self.exe, task.sl, str(data)]
        if self.name == SL_ONE:
            return [self.exe, "-j", "1", task.sl, str(data)]
        if self.name == "python":
            return [self.exe, str(TASKS_DIR / task.python), str(data)]
        if self.name in AWKS:
            return [self.exe, "-f", str(TASKS_DIR / task.awk), str(data)] if task.awk else None
        if self.name == "mlr":
            return [self.exe, *task.mlr, str(data)] if task.mlr else None
        raise AssertionError(f"unknown tool {self.name}")


def usage_error(message: str) -> NoReturn:
    print(f"run.py: {message}", file=sys.stderr)
    sys.exit(2)


def find_tools(sl: Path, wanted: list[str] | None) -> list[Tool]:
    """The tools to run, in TOOL_ORDER (python is the reference); exits 2 if a wanted one is missing."""
    found = {"python": sys.executable}  # the interpreter running this: the venv's, never a shim
    if sl.is_file() and os.access(sl, os.X_OK):
        found["sl"] = found[SL_ONE] = str(sl)
    for name in (*AWKS, "mlr"):
        if exe := shutil.which(name):
            found[name] = exe
    order = TOOL_ORDER
    if wanted is not None and (unknown := [n for n in wanted if n not in order]):
        usage_error(f"unknown tool {', '.join(unknown)}; tools are {', '.join(order)}")
    names = wanted if wanted is not None else order
    missing = [n for n in names if n not in found and (wanted is not None or n in ("sl", SL_ONE, "python"))]
    if missing:
        hint = (f"no sl at {sl}: install the package into the venv, pass --sl PATH, "
                "or measure the baselines alone with --tools python,mawk,gawk,mlr") if "sl" in missing \
            or SL_ONE in missing else ""
        usage_error(f"not found: {', '.join(missing)}. {hint}".rstrip())
    return [Tool(n, found[n]) for n in order if n in names and n in found]


def tool_version(tool: Tool) -> str:
    flag = {"sl": ["--version"], SL_ONE: ["--version"], "mawk": ["-W", "version"], "gawk": ["--version"], "mlr": ["--version"],
            "python": ["--version"]}[tool.name]
    try:
        proc = subprocess.run([tool.exe, *flag], capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0].strip() if proc.returncode == 0 and lines else "?"


# ---------------------------------------------------------------- the runs


def rotated(items: list[Tool], by: int) -> list[Tool]:
    """Each round starts with another tool, so that no tool always runs in the same slot."""
    k = by % len(items)
    return items[k:] + items[:k]


def run_throughput(tasks: list[Task], tools: list[Tool], data: Path, rounds: int,
                   results_dir: Path) -> dict[tuple[str, str], Cell]:
    results_dir.mkdir(parents=True, exist_ok=True)
    cells: dict[tuple[str, str], Cell] = {}
    for r in range(rounds):
        for task in tasks:
            for tool in rotated(tools, r):
                argv = tool.argv(task, data)
                if argv is None:
                    continue
                stem = results_dir / f"{task.id}-{tool.name.replace(' ', '')}"
                run = measure(argv, stem.with_suffix(".out"), stderr=stem.with_suffix(".err"))
                cells.setdefault((task.id, tool.name), Cell()).runs.append(run)
                note = "" if run.status == 0 else f"  exit {run.status}"
                print(f"round {r + 1}/{rounds}  {task.id}  {tool.name:<6} {run.seconds:7.2f} s "
                      f"(CPU {run.cpu_seconds:6.2f} s) {run.max_rss_mib:7.1f} MiB{note}", file=sys.stderr)
    for task in tasks:
        reference = results_dir / f"{task.id}-python.out"
        for tool in tools:
            cell = cells.get((task.id, tool.name))
            if cell is None:
                continue
            out = results_dir / f"{task.id}-{tool.name.replace(' ', '')}"
            if cell.failed is not None:
                cell.verdict = f"FAILED (exit {cell.failed})"
                err = out.with_suffix(".err").read_text(errors="replace").strip().splitlines()[-5:]
                print(f"{task.id} {tool.name} failed: {' | '.join(err)}", file=sys.stderr)
            elif tool.name == "python":
                cell.verdict = "reference"
            elif cells[(task.id, "python")].failed is not None:
                cell.verdict = "unchecked"
            else:
                cell.verdict = compare_outputs(reference, out.with_suffix(".out"), task.compare)
                if cell.verdict != "ok":
                    print(f"{task.id} {tool.name}: {cell.verdict}: "
                          f"{first_difference(reference, out.with_suffix('.out'))}", file=sys.stderr)
    return cells


def run_startup(sl: Tool, runs: int, scratch: Path) -> dict[str, list[Run]]:
    """Runs of the smallest program on empty input and of bare interpreters, interleaved.

    `python -S` is there for context only: it shows what the venv's site
    hooks (an editable install's import finder, for one) cost every Python
    start, sl's included.
    """
    commands = {
        "sl": [sl.exe, STARTUP_PROGRAM],
        "python": [sys.executable, "-c", "pass"],
        "python -S": [sys.executable, "-S", "-c", "pass"],
    }
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            err = scratch / f"startup-{name.replace(' -', '-')}.err"
            results[name].append(measure(argv, os.devnull, stderr=err, rss=False))
    return results


def run_memory(sl: Tool, data: Path, scratch: Path) -> list[tuple[int, Run]]:
    """Peak RSS of a streaming pipeline over no input, the file, and four times the file.

    Empty input goes first: it is sl's floor for this program, and it takes
    whatever one-off cost a first run of a program has, so that the two
    real sizes compare like with like. (Files are read in order, so four
    copies are four times the input without four times the disk.)
    """
    results = []
    for copies in (0, 1, 4):
        argv = [sl.exe, MEMORY_PROGRAM, *([str(data)] * copies if copies else [os.devnull])]
        results.append((copies, measure(argv, scratch / f"memory-{copies}.out", stderr=scratch / "memory.err")))
    return results


# ---------------------------------------------------------------- the report


def machine_line() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    # Other work on the machine slows every tool, though not equally: worth knowing when reading the table.
    load = f", load average at start {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}{load}")


def git_commit() -> str:
    try:
        proc = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""


def command_line(args: argparse.Namespace) -> str:
    """The command that reproduces this report (options left at their defaults omitted)."""
    words = [".venv/bin/python", "bench/run.py", "--lines", str(args.lines), "--rounds", str(args.rounds)]
    for option in ("seed", "only", "tools"):
        value = getattr(args, option)
        if value is not None and value != DEFAULTS[option]:
            words += [f"--{option}", str(value)]
    if args.real:
        words.append("--real")
    return shlex.join(words)


def fmt_ratio(ratio: float, target: float | None) -> str:
    if target is None:
        return f"{ratio:.2f}"
    return f"{ratio:.2f} ({'meets' if ratio <= target else 'misses'} ≤ {target:.1f})"


def throughput_table(tasks: list[Task], tools: list[Tool], cells: dict[tuple[str, str], Cell]) -> list[str]:
    # The best of the rounds next to the median: on a shared machine other load
    # only ever slows a run down, so the fastest round is the least disturbed.
    # And the median of each round's own ratio: a tool and the script run back to
    # back, so a slow spell of the machine (they come and go, ±30 % here) mostly
    # hits both runs of a round.
    rows = ["| task | tool | median s | × python | × mawk | best s | best × python | paired × python | CPU s "
            "| CPU × python | peak RSS MiB | output |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for task in tasks:
        python = cells[(task.id, "python")]
        mawk = cells.get((task.id, "mawk"))
        first = True
        for tool in tools:
            cell = cells.get((task.id, tool.name))
            if cell is None:
                continue
            label = f"{task.id} {task.title}" if first else ""
            first = False
            target = task.target if tool.name == "sl" else None
            if cell.failed is None and python.failed is None:
                ratio = fmt_ratio(cell.median / python.median, target)
                best_ratio = fmt_ratio(cell.best / python.best, target)
                paired = fmt_ratio(statistics.median(
                    a.seconds / b.seconds for a, b in zip(cell.runs, python.runs)), target)
                cpu_ratio = f"{cell.median_cpu / python.median_cpu:.2f}"
            else:
                ratio = best_ratio = paired = cpu_ratio = "–"
            by_mawk = (f"{cell.median / mawk.median:.2f}"
                       if mawk is not None and mawk.failed is None and cell.failed is None else "–")
            rows.append(f"| {label} | {tool.name} | {cell.median:.2f} | {ratio} | {by_mawk} | {cell.best:.2f} "
                        f"| {best_ratio} "
                        f"| {paired} | {cell.median_cpu:.2f} | {cpu_ratio} | {cell.max_rss_mib:.1f} "
                        f"| {cell.verdict} |")
    return rows


def startup_section(runs: dict[str, list[Run]], python_cmd: str) -> list[str]:
    failed = next((r.status for r in runs["sl"] if r.status != 0), None)
    if failed is not None:
        return [f"`sl '{STARTUP_PROGRAM}' < /dev/null` FAILED (exit {failed})."]
    ms = {name: statistics.median(r.seconds for r in rs) * 1000 for name, rs in runs.items()}
    extra = ms["sl"] - ms["python"]
    verdict = "meets" if extra <= STARTUP_TARGET_MS else "misses"
    return [
        f"Median of {len(runs['sl'])} interleaved runs each.",
        "",
        "| command | median ms |",
        "| --- | ---: |",
        f"| `sl '{STARTUP_PROGRAM}' < /dev/null` | {ms['sl']:.1f} |",
        f"| `{python_cmd} -c pass` | {ms['python']:.1f} |",
        f"| sl − python | {extra:.1f} ({verdict} ≤ {STARTUP_TARGET_MS:.0f}) |",
        f"| `{python_cmd} -S -c pass` (no site hooks; for context) | {ms['python -S']:.1f} |",
    ]


def memory_section(results: list[tuple[int, Run]], lines: int, data_mb: float) -> list[str]:
    target_mib = MEMORY_TARGET_MB * 1e6 / 2**20
    rows = [(f"`sl '{MEMORY_PROGRAM}' FILE...` (target ≤ {MEMORY_TARGET_MB:.0f} MB = {target_mib:.1f} MiB "
             "at any input size)"), "", "| input | peak RSS MiB | |", "| --- | ---: | --- |"]
    for copies, run in results:
        what = f"{copies * lines:,} lines ({copies} × {data_mb:.0f} MB)" if copies else "empty input (first)"
        if run.status != 0:
            rows.append(f"| {what} | – | FAILED (exit {run.status}) |")
        else:
            rows.append(f"| {what} | {run.max_rss_mib:.1f} | "
                        f"{'meets' if run.max_rss_mib <= target_mib else 'misses'} target |")
    return rows


def report(args: argparse.Namespace, tasks: list[Task], tools: list[Tool], data: Path,
           cells: dict[tuple[str, str], Cell], startup: dict[str, list[Run]] | None,
           memory: list[tuple[int, Run]] | None) -> str:
    data_mb = data.stat().st_size / 1e6
    commit = git_commit()
    versions = "; ".join(f"{t.name}: {tool_version(t)}" for t in tools)
    out = [
        (f"Measured {dt.date.today().isoformat()}{f' at commit {commit}' if commit else ''} "
         f"with `{command_line(args)}`."),
        "",
        f"- Machine: {machine_line()}",
        f"- Tools: {versions}",
        (f"- Input: {input_line(args, data_mb)}; "
         f"median and best wall time of {args.rounds} interleaved round{'s' if args.rounds != 1 else ''}; "
         "× python is the ratio of wall times to the hand-written Python script's (the targets are on it); "
         "CPU is user + system time, which other load on the machine disturbs less; "
         "output is compared with the Python script's."),
        "",
        "### Throughput",
        "",
        *throughput_table(tasks, tools, cells),
        "",
        "Programs:",
        "",
        *[f"- {t.id}: `sl {shlex.quote(t.sl)}`" for t in tasks],
    ]
    if startup is not None:
        out += ["", "### Start-up", "", *startup_section(startup, python_cmd=".venv/bin/python")]
    if memory is not None:
        out += ["", "### Memory", "", *memory_section(memory, args.lines, data_mb)]
    return "\n".join(out) + "\n"


def failing(cells: dict[tuple[str, str], Cell]) -> list[tuple[str, str]]:
    """The (task, tool) cells that fail the run: any tool that failed, and sl
    printing something other than the baseline (awk and Miller may differ)."""
    return [key for key, c in cells.items()
            if c.verdict not in ("ok", "reference") and (key[1] in ("sl", SL_ONE, "python") or c.failed is not None)]


def input_line(args: argparse.Namespace, data_mb: float) -> str:
    if args.real:
        copies = -(-args.lines // REAL_LINES)
        return (f"the bundled real access log ({REAL_LINES:,} lines) × {copies}, "
                f"{copies * REAL_LINES:,} lines, {data_mb:.0f} MB")
    return f"{args.lines:,} generated combined-format lines (seed {args.seed}, {data_mb:.0f} MB)"


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=DEFAULTS["lines"], help="input size (default 1,000,000)")
    ap.add_argument("--seed", type=int, default=DEFAULTS["seed"], help="generator seed (default 1)")
    ap.add_argument("--rounds", type=int, default=DEFAULTS["rounds"],
                    help="interleaved rounds per task and tool (default 3)")
    ap.add_argument("--sl", type=Path, default=Path(sys.executable).parent / "sl",
                    help="the sl command (default: the one next to this interpreter)")
    ap.add_argument("--only", help="comma-separated task ids, e.g. A,B")
    ap.add_argument("--tools", help="comma-separated tools among python,sl,'sl -j 1',mawk,gawk,mlr "
                                    "(default: every one installed; python always runs)")
    ap.add_argument("--real", action="store_true",
                    help="the bundled real log repeated to --lines, instead of generated lines; "
                         "--write-doc then rewrites the doc's real-data section")
    ap.add_argument("--startup-runs", type=int, default=30, help="runs of each start-up command (default 30)")
    ap.add_argument("--out", type=Path, default=BENCH / "out", help="data and outputs (default bench/out)")
    ap.add_argument("--write-doc", action="store_true", help="rewrite the results section of the doc")
    ap.add_argument("--doc", type=Path, default=REPO / "docs" / "performance.md",
                    help="the doc --write-doc rewrites (default docs/performance.md)")
    args = ap.parse_args(argv)
    if args.lines < 1 or args.rounds < 1 or args.startup_runs < 1:
        ap.error("--lines, --rounds and --startup-runs must be at least 1")
    return args


def select_tasks(tasks: list[Task], only: str | None) -> list[Task]:
    if not only:
        return tasks
    wanted = [s.strip().upper() for s in only.split(",") if s.strip()]
    known = {t.id for t in tasks}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        usage_error(f"unknown task {', '.join(unknown)}; tasks are {', '.join(sorted(known))}")
    return [t for t in tasks if t.id in wanted]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tasks = select_tasks(load_tasks(), args.only)
    wanted = None
    if args.tools:
        wanted = [s.strip() for s in args.tools.split(",") if s.strip()]
        wanted = ["python", *[w for w in wanted if w != "python"]]  # the reference always runs
    tools = find_tools(args.sl.absolute(), wanted)
    data = ensure_real_data(args.out, args.lines) if args.real else ensure_data(args.out, args.lines, args.seed)
    warm_cache(data)
    cells = run_throughput(tasks, tools, data, args.rounds, args.out / "results")
    sl = next((t for t in tools if t.name == "sl"), None)
    startup = memory = None
    if sl is not None and not args.real:  # neither depends on what the lines look like
        print("start-up ...", file=sys.stderr)
        startup = run_startup(sl, args.startup_runs, args.out)
        print("memory ...", file=sys.stderr)
        memory = run_memory(sl, data, args.out)
    text = report(args, tasks, tools, data, cells, startup, memory)
    print(text)
    if args.write_doc:
        write_doc(args.doc, text, REAL_MARKERS if args.real else (DOC_START, DOC_END))
        print(f"wrote {args.doc}", file=sys.stderr)
    bad = failing(cells)
    sl_failed = [r for r in [*(startup["sl"] if startup else []), *(r for _n, r in memory or [])] if r.status != 0]
    return 1 if bad or sl_failed else 0


if __name__ == "__main__":
    sys.exit(main())
