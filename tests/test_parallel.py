"""`-j N` writes byte for byte what one process writes (SPEC §9)."""
from __future__ import annotations

import os
import subprocess

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import ROOT, sl_command

PROGRAMS = [
    "words | count by w = _[0]",
    'split "," as {k: str, n: int} | summarize c = count(), s = sum(.n), lo = min(.n), hi = max(.n), '
    "f = first(.n), l = last(.n), d = count_distinct(.n), xs = list(.n), p = p50(.n) by .k",
    'split "," as {k: str, n: int} | where .n > 2 | select .k, m = .n * 2 | csv',
    'split "," as {k: str, n: int} | summarize total = sum(.n)',
    "count",
    'split "," | map _[1] + "!"',
    # Not cut (position-dependent, or floats): run whole, and still the same.
    "enumerate | take 5",
    'split "," as {k: str, n: int} | summarize avg(float(.n)) by .k',
]

rows = st.lists(st.one_of(
    st.tuples(st.sampled_from("abcxyz"), st.integers(-9, 99)).map(lambda t: f"{t[0]},{t[1]}"),
    st.sampled_from(["bad line", "q,notanumber", ""])), min_size=1, max_size=400)


def sl(args, env):
    return subprocess.run([sl_command(), *args], capture_output=True, env=env)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(PROGRAMS), rows, rows)
def test_j2_and_j3_write_what_one_process_writes(tmp_path_factory, program, a, b):
    tmp = tmp_path_factory.mktemp("j")
    files = []
    for i, part in enumerate((a, b)):
        path = tmp / f"part-{i}"
        path.write_text("".join(line + "\n" for line in part))
        files.append(str(path))
    env = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="64")  # cut even these small files
    one = sl([program, *files], env)
    for jobs in ("2", "3"):
        many = sl(["-j", jobs, program, *files], env)
        assert many.returncode == one.returncode
        assert many.stdout == one.stdout
        assert many.stderr == one.stderr  # the rejection report too, line numbers and all


def test_j2_on_the_real_log_keeps_first_appearance_order():
    log = str(ROOT / "examples" / "data" / "access.log")
    env = dict(os.environ, SL_JOBS_MIN_RANGE="4096")
    program = "parse apache | summarize n = count(), b = sum(.bytes) by .status"
    one, two = sl([program, log], env), sl(["-j", "2", program, log], env)
    assert two.stdout == one.stdout and two.stderr == one.stderr
    assert one.stdout.decode().splitlines()[0].startswith("200\t")


def test_join_is_not_cut_between_workers(tmp_path):
    # A cut between ranges may fall among continuation lines; an element split
    # there would be two (one of them rejected): `join` runs in one process.
    body = b"".join(b"bad %d\r\n" % i + b"  cont\r\n" * 30 + b"%d\n" % i for i in range(40))
    (tmp_path / "in.txt").write_bytes(body)
    env = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="64")
    program = r'join r"^\s" | map int(_)'
    one = sl([program, str(tmp_path / "in.txt")], env)
    two = sl(["-j", "2", program, str(tmp_path / "in.txt")], env)
    assert one.stdout == b"".join(b"%d\n" % i for i in range(40))
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    assert one.stderr.decode().startswith("sl: 40 of 1280 input lines rejected\n")
