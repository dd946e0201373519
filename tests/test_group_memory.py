"""`--memory` applies to groupings: `count by`, `distinct`, `summarize ... by` and
the aggregates that keep values (`count_distinct`, `list`) stop the run with an
error naming the limit and the way out, instead of growing until the machine
kills them; within the limit their output is what it always was."""
from __future__ import annotations

import subprocess
from collections import Counter

import pytest

from .conftest import sl_command

# 300,000 distinct keys: some 30 MB of groups, far past --memory 4.
MANY = 300_000


@pytest.fixture(scope="module")
def many_keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keys.txt"
    path.write_text("".join(f"key{(i * 7919) % 10**9}\n" for i in range(MANY)))
    return path


def sl(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sl_command(), *args], capture_output=True, text=True)


def limit_message(what: str, way_out: str, mb: str = "4") -> str:
    return (f"sl: `{what}` holds more than {mb} MB of groups (--memory {mb}); raise --memory, or {way_out}\n")


def test_count_by_past_its_memory_budget_stops_naming_the_limit(many_keys):
    proc = sl(["--memory", "4", "count by k = _", str(many_keys)])
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        1, "", limit_message("count by", "count by a key with fewer distinct values"))


def test_summarize_by_past_its_memory_budget_stops_naming_the_limit(many_keys):
    proc = sl(["--memory", "4", "summarize n = count(), first = min(_) by k = _", str(many_keys)])
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        1, "", limit_message("summarize", "summarize by a key with fewer distinct values"))


@pytest.mark.parametrize("aggregate", ["count_distinct(_)", "list(_)"])
def test_aggregates_that_keep_values_stop_at_the_memory_budget(many_keys, aggregate):
    proc = sl(["--memory", "4", f"summarize n = {aggregate}", str(many_keys)])
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        1, "", limit_message("summarize", "summarize by a key with fewer distinct values"))


def test_distinct_past_its_memory_budget_stops_naming_the_limit(many_keys):
    proc = sl(["--memory", "4", "distinct", str(many_keys)])
    way_out = "use `sort by ... | uniq by ...` (sorted, not in first-appearance order)"
    assert (proc.returncode, proc.stderr) == (1, limit_message("distinct", way_out))
    # What was written before it stopped is the first distinct lines, in order.
    written = proc.stdout.splitlines()
    assert 0 < len(written) < MANY
    assert written == many_keys.read_text().splitlines()[:len(written)]


def test_groupings_within_the_memory_budget_are_unchanged(tmp_path):
    keys = [f"k{(i * 31) % 5000}" for i in range(40_000)]
    path = tmp_path / "keys.txt"
    path.write_text("".join(k + "\n" for k in keys))
    counts = Counter(keys)  # insertion order: first appearance
    proc = sl(["--memory", "64", "count by k = _", str(path)])
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == "".join(f"{k}\t{n}\n" for k, n in counts.items())
    proc = sl(["--memory", "64", "distinct", str(path)])
    assert (proc.returncode, proc.stderr, proc.stdout) == (0, "", "".join(k + "\n" for k in counts))
    proc = sl(["--memory", "64", "summarize n = count_distinct(_)", str(path)])
    assert (proc.returncode, proc.stderr, proc.stdout) == (0, "", f"{len(counts)}\n")


def test_without_memory_a_grouping_may_use_three_quarters_of_the_machine():
    from streamlang.runtime.limits import GroupLimit, GroupMemoryExceeded, machine_bytes

    machine = machine_bytes()
    assert machine is not None
    limit = GroupLimit("count by", None)
    assert limit.limit == machine * 3 // 4
    limit.limit = 8 * 1024 * 1024
    limit.base -= 9 * 1024 * 1024  # as if the groups had grown the process by 9 MB more than they have
    with pytest.raises(GroupMemoryExceeded) as e:
        limit.check()
    assert str(e.value) == ("`count by` holds more than 8 MB of groups (without --memory, three quarters of this "
                            "machine's memory); raise --memory, or count by a key with fewer distinct values")
