"""`sort` past its memory budget: sorted runs on disk, merged, identical to an in-memory sort."""
from __future__ import annotations

import random
import subprocess

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
@given(st.lists(st.tuples(keys, keys), max_size=60), st.tuples(st.booleans(), st.booleans()))
def test_spilled_sort_equals_the_in_memory_sort(pairs, desc):
    sorter = Sorter(desc)
    sorter.limit = 7  # spill every seven rows
    rows = [((a, b), i) for i, (a, b) in enumerate(pairs)]
    for key, value in rows:
        sorter.add(key, value)
    assert list(sorter) == reference(rows, desc)
    assert len(sorter.runs) == len(pairs) // 7


def test_sl_sorts_an_input_larger_than_its_memory_budget(tmp_path, monkeypatch):
    rng = random.Random(7)
    numbers = [rng.randrange(10**6) for _ in range(120_000)]
    path = tmp_path / "nums.txt"
    path.write_text("".join(f"{n}\n" for n in numbers))
    # 1 MB holds about 5,000 rows: the sort has to spill some 24 runs to disk.
    assert 120_000 > 1024 * 1024 // sorting.BYTES_PER_ROW
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
