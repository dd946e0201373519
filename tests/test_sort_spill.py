"""`sort` past its memory budget: sorted runs on disk, merged, identical to an in-memory sort."""
from __future__ import annotations

import os
import random
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from streamlang.runtime import sorting
from streamlang.runtime.sorting import Sorter

from .conftest import sl_command


def reference(rows: list[tuple[tuple, object]], desc: tuple[bool, ...]) -> list[object]:
    """Stable sort, nulls last in each key's direction, done the obvious way."""
    out = list(rows)
    for j in reversed(range(len(desc))):
        present = [r for r in out if r[0][j] is not None]
        nulls = [r for r in out if r[0][j] is None]
        present.sort(key=lambda r: r[0][j], reverse=desc[j])
        out = present + nulls
    return [v for _, v in out]


keys = st.one_of(st.none(), st.integers(-3, 3))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(keys, keys), max_size=60), st.tuples(st.booleans(), st.booleans()),
       st.integers(1, 2000))
def test_spilled_sort_equals_the_in_memory_sort(pairs, desc, budget):
    # A budget of a few rows' bytes, and merges of three runs at a time: many runs, merged in passes.
    fan_in, sorting.FAN_IN = sorting.FAN_IN, 3
    try:
        sorter = Sorter(desc, budget)
        rows = [((a, b), i) for i, (a, b) in enumerate(pairs)]
        for key, value in rows:
            sorter.add(key, value)
        spilled = len(sorter.runs)
        assert list(sorter) == reference(rows, desc)
    finally:
        sorting.FAN_IN = fan_in
    assert spilled >= len(pairs) * sorting.ROW_OVERHEAD // (budget + 2000)
    assert sorter.files.dir is None or not os.path.exists(sorter.files.dir)  # its runs are gone


def test_sl_sorts_an_input_larger_than_its_memory_budget(tmp_path, monkeypatch):
    rng = random.Random(7)
    numbers = [rng.randrange(10**6) for _ in range(120_000)]
    path = tmp_path / "nums.txt"
    path.write_text("".join(f"{n}\n" for n in numbers))
    # 1 MB holds some 4,000 rows: the sort has to spill some 30 runs to disk.
    assert 120_000 * sorting.ROW_OVERHEAD > 20 * 1024 * 1024
    proc = subprocess.run([sl_command(), "--memory", "1", "sort by int(_) desc", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout == "".join(f"{n}\n" for n in sorted(numbers, reverse=True))


def test_schema_less_keys_of_mixed_types_spill_and_merge_like_an_in_memory_sort(tmp_path):
    import json

    rng = random.Random(7)
    kinds = [lambda: rng.randint(0, 500), lambda: str(rng.randint(0, 500)), lambda: rng.choice("abc") * 3,
             lambda: None, lambda: rng.random(), lambda: rng.choice([True, False]), lambda: [rng.randint(0, 3)]]
    with open(tmp_path / "in.jsonl", "w") as f:
        for i in range(30_000):
            v = rng.choice(kinds)()
            f.write(json.dumps({"i": i} if v is None else {"n": v, "i": i}) + "\n")
    program = "parse json | sort by .n desc | map .i"
    spilled = subprocess.run([sl_command(), "--memory", "0.2", program, str(tmp_path / "in.jsonl")],
                             capture_output=True, check=True)
    whole = subprocess.run([sl_command(), program, str(tmp_path / "in.jsonl")], capture_output=True, check=True)
    assert spilled.stdout == whole.stdout and spilled.stderr == whole.stderr == b""
    assert len(spilled.stdout.split()) == 30_000


def _peak_rss_mb(command: list[str], stdout_path, preexec: str = "") -> tuple[int, float]:
    """Run `command` from a fresh Python (so that no earlier child counts), its output to
    `stdout_path`: its exit status and peak resident memory in MB."""
    script = ("import resource, subprocess, sys\n" + preexec +
              "with open(sys.argv[1], 'wb') as out:\n"
              "    rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL"
              + (", preexec_fn=limit" if preexec else "") + ").returncode\n"
              "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(stdout_path), *command],
                          capture_output=True, text=True, check=True)
    rc, kb = proc.stdout.split()
    return int(rc), int(kb) / 1024


def test_sort_of_long_lines_keeps_to_its_memory_budget_in_bytes(tmp_path):
    # 2,000 lines of 20 KB: 40 MB of text. As 200-byte rows, all 2,000 would fit in 8 MB;
    # counted in bytes, 8 MB holds some 400, and the output goes out as it is merged.
    rng = random.Random(3)
    lines = [f"{rng.randrange(10**6):06d}" + rng.choice("abc") * 20_000 for _ in range(2000)]
    path = tmp_path / "long.txt"
    path.write_text("".join(line + "\n" for line in lines))
    out = tmp_path / "out.txt"
    rc, peak = _peak_rss_mb([sl_command(), "--memory", "8", "sort by _", str(path)], out)
    assert rc == 0 and out.read_text() == "".join(line + "\n" for line in sorted(lines))
    assert peak < 80, f"peak RSS {peak:.0f} MB for a sort with --memory 8 of 40 MB"


def test_a_sort_of_many_runs_keeps_few_files_open(tmp_path):
    # --memory 0.2 makes a run of some 600 rows: 150,000 rows are some 250 runs, more than
    # the 64 open files a merge may take, and more than `ulimit -n 100` allows at once.
    rng = random.Random(5)
    numbers = [rng.randrange(1000) for _ in range(150_000)]
    path = tmp_path / "nums.txt"
    path.write_text("".join(f"{n} {i}\n" for i, n in enumerate(numbers)))
    out = tmp_path / "out.txt"
    limit = ("def limit():\n"
             "    resource.setrlimit(resource.RLIMIT_NOFILE, (100, 100))\n")
    rc, _ = _peak_rss_mb([sl_command(), "--memory", "0.2", 'sort by int(split(_, " ")[0])', str(path)], out,
                         preexec=limit)
    # Stable: equal numbers keep input order.
    expected = [f"{n} {i}\n" for i, n in sorted(enumerate(numbers), key=lambda p: p[1])]
    assert rc == 0 and out.read_text() == "".join(expected)


def test_merged_parts_past_the_budget_equal_one_sort_of_their_rows(tmp_path):
    # Three `-j` parts of many runs each and a Dask part of rows, merged three runs at a time.
    rng = random.Random(11)
    rows = [((rng.randint(0, 20),), i) for i in range(900)]
    fan_in, spill_dir = sorting.FAN_IN, sorting.SPILL_DIR
    sorting.FAN_IN = 3
    try:
        parts = []
        for lo, hi, directory in [(0, 300, str(tmp_path)), (300, 500, None), (500, 700, str(tmp_path)),
                                  (700, 900, str(tmp_path))]:
            sorting.SPILL_DIR = directory
            sorter = Sorter((True,), 4000)
            for key, value in rows[lo:hi]:
                sorter.add(key[0], value)
            parts.append(sorter.export())
        sorting.SPILL_DIR = None
        assert sum(len(paths) for paths, _, _ in parts) > 3 * sorting.FAN_IN
        merged = list(sorting.MergedRuns(parts, (True,), 4000))
    finally:
        sorting.FAN_IN, sorting.SPILL_DIR = fan_in, spill_dir
    assert merged == reference(rows, (True,))
    assert list(tmp_path.iterdir()) == []  # every run read is removed
