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
    # Sorted per part, merged: equal keys (frequent here) keep input order.
    'split "," as {k: str, n: int} | sort by .n desc, .k | map .k',
    'split "," as {k: str, n: int?} | sort by .n | map 100 // .n',
    'split "," as {k: str, n: int} | top 3 by .n',
    'split "," as {k: str, n: int} | top 4 by .n asc | csv',
    "words | count by w = _[0] | top 2 by .count",
    'split "," as {k: str, n: int} | count by .k | sort by .count desc, .k',
    # First appearances per part, merged in input order.
    'split "," as {k: str, n: int} | distinct by .k | csv',
    'split "," as {k: str, n: int} | distinct by .n | where .n > 5 | map .k',
    'split "," | map _[0] | distinct',
    # A rejection after `distinct`: the merge cannot tell which part's counts, so one pass decides.
    'split "," as {k: str, n: int} | distinct by .k | map 100 // .n',
    # Not cut (position-dependent, or floats): run whole, and still the same.
    "enumerate | take 5",
    'split "," as {k: str, n: int} | summarize avg(float(.n)) by .k',
    'split "," as {k: str, n: float} | sort by .n | map .k',
    'split "," as {k: str, n: int} | distinct by .k | count',
]

rows = st.lists(st.one_of(
    st.tuples(st.sampled_from("abcxyz"), st.integers(-9, 99)).map(lambda t: f"{t[0]},{t[1]}"),
    st.sampled_from(["bad line", "q,notanumber", "", "n,-"])), min_size=1, max_size=400)


def sl(args, env):
    return subprocess.run([sl_command(), *args], capture_output=True, env=env)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(PROGRAMS), rows, rows)
def test_j2_j3_and_the_default_write_what_one_process_writes(tmp_path_factory, program, a, b):
    tmp = tmp_path_factory.mktemp("j")
    files = []
    for i, part in enumerate((a, b)):
        path = tmp / f"part-{i}"
        path.write_text("".join(line + "\n" for line in part))
        files.append(str(path))
    env = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="64")  # cut even these small files
    one = sl(["-j", "1", program, *files], env)
    # The default (-j auto), with its threshold lowered to these files: on every core.
    for jobs, more_env in ((["-j", "2"], {}), (["-j", "3"], {}), ([], {"SL_JOBS_AUTO_MIN": "1"})):
        many = sl([*jobs, program, *files], dict(env, **more_env))
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


def test_min_and_max_of_a_schema_less_field_under_j_order_as_one_process_does(tmp_path):
    # "10" and 9 compare as numbers in the run, and in the merge of the parts' maxima.
    files = []
    for i, n in enumerate(('"10"', "9")):
        (tmp_path / f"part-{i}").write_text(f'{{"k": "a", "n": {n}}}\n' * 50)
        files.append(str(tmp_path / f"part-{i}"))
    env = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="64")
    program = "parse json | summarize hi = max(.n), lo = min(.n) by .k | json"
    one, two = sl([program, *files], env), sl(["-j", "2", program, *files], env)
    assert one.stdout == b'{"k": "a", "hi": "10", "lo": 9}\n'
    assert (two.returncode, two.stdout, two.stderr) == (0, one.stdout, b"")


def test_the_cut_stages_on_a_small_input_exactly(tmp_path):
    data = tmp_path / "d"
    data.write_text("a,2\nb,1\nc,2\nd,3\na,1\nbad\nb,3\ne,2\n")
    env = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="8")
    expected = {
        'split "," as {k: str, n: int} | top 3 by .n': "d\t3\nb\t3\na\t2\n",
        'split "," as {k: str, n: int} | top 2 by .n asc | map .k': "b\na\n",
        'split "," as {k: str, n: int} | sort by .n desc | map .k': "d\nb\na\nc\ne\nb\na\n",
        'split "," as {k: str, n: int} | distinct by .k | map .k': "a\nb\nc\nd\ne\n",
        'split "," as {k: str, n: int} | map .n | distinct': "2\n1\n3\n",
        'split "," as {k: str, n: int} | count by .n | sort by .count desc': "2\t3\n1\t2\n3\t2\n",
    }
    report = (f"sl: 1 of 8 input lines rejected\n  1 by `split \",\" as {{k: str, n: int}}` (<program>:1:1)\n"
              f"    {data}:6: expected 2 fields, got 1: bad\n")
    for program, out in expected.items():
        for jobs in ("1", "2", "3"):
            proc = sl(["-j", jobs, program, str(data)], env)
            assert (proc.returncode, proc.stdout.decode(), proc.stderr.decode()) == (0, out, report), (program, jobs)


def test_a_sort_past_its_memory_budget_merges_the_parts_runs_from_disk(tmp_path):
    # 6000 rows and a budget of 1000: every part spills, and the merge reads the runs back.
    data = tmp_path / "d"
    data.write_text("".join(f"k{i % 7},{(i * 7919) % 50},{i}\n" for i in range(6000)))
    spill = tmp_path / "tmp"
    spill.mkdir()
    env = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="4096", TMPDIR=str(spill))
    # Many equal keys: `.i` shows that they stay in input order.
    program = 'split "," as {k: str, n: int, i: int} | sort by .n desc, .k | map .i'
    one = sl(["--memory", "0.1", program, str(data)], env)
    assert one.returncode == 0 and len(one.stdout.splitlines()) == 6000
    for jobs in ("2", "3"):
        many = sl(["-j", jobs, "--memory", "0.1", program, str(data)], env)
        assert (many.returncode, many.stdout, many.stderr) == (0, one.stdout, one.stderr)
    assert [p for p in spill.iterdir() if p.name.startswith("sl-")] == []  # the parts' runs are gone once merged


def test_rejects_file_under_j2_is_what_one_process_writes(tmp_path):
    data = tmp_path / "d"
    data.write_text("".join(f"x,{i}\n" if i % 5 else "oops\n" for i in range(3000)))
    env = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="1024")
    program = 'split "," as {k: str, n: int} | top 2 by .n'
    runs = []
    for jobs in ("1", "2"):
        rejects = tmp_path / f"rejects-{jobs}"
        proc = sl(["-j", jobs, "--rejects", str(rejects), program, str(data)], env)
        runs.append((proc.returncode, proc.stdout, proc.stderr.replace(bytes(rejects), b"R"),
                     rejects.read_bytes(), (tmp_path / f"rejects-{jobs}.why").read_bytes()))
    assert runs[0] == runs[1]
    assert runs[0][1] == b"x\t2999\nx\t2998\n"


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
    # Each rejected element is the 31 lines it was joined from.
    assert one.stderr.decode().startswith(f"sl: {40 * 31} of 1280 input lines rejected\n")


def _worker_reads(tmp_path, program: str, monkeypatch) -> tuple[list[bool], dict]:
    """Run one `-j` worker over a small log in this process: whether its input kept
    the lines' newlines, and its result."""
    from streamlang.driver import build
    from streamlang.runtime import parallel
    from streamlang.source import Source
    log = tmp_path / "access.log"
    log.write_bytes(b"".join((ROOT / "examples" / "data" / "access.log").read_bytes().splitlines(True)[:80]))
    compiled = build(Source(program), sink="write")
    seen: list[bool] = []
    chunks = parallel.RangeInput._file_chunks

    def spy(self, *args, **kwargs):
        seen.append(self.keep_newlines)
        return chunks(self, *args, **kwargs)

    monkeypatch.setattr(parallel.RangeInput, "_file_chunks", spy)
    monkeypatch.setattr(parallel, "_JOB", {"run": compiled.run, "sites": compiled.run_sites(),
                                           "plan": compiled.plan, "strict": False})
    return seen, parallel._work((0, str(log), 0, log.stat().st_size))


def test_a_worker_reads_its_range_with_newlines_kept_as_one_process_does(tmp_path, monkeypatch):
    # Not copying every line once more is what brings -j 2 near half of -j 1's time.
    seen, result = _worker_reads(tmp_path, "parse apache | count by .status", monkeypatch)
    assert seen == [True]
    assert sum(result["groups"].values()) == result["lines"] == 80  # every line counted, none rejected


def test_a_worker_reads_plain_lines_when_the_program_needs_them(tmp_path, monkeypatch):
    seen, result = _worker_reads(tmp_path, 'map len(_) | where _ > 0', monkeypatch)
    assert seen == [False]
    assert result["lines"] == 80


def test_the_plan_travels_with_a_cache_entry_and_not_inside_the_code(tmp_path, monkeypatch):
    # `-j` and the input reader read the plan; a cached program must bring the same one back.
    from streamlang import cache
    from streamlang.driver import build
    from streamlang.plan import Plan
    from streamlang.source import Source
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SL_NO_CACHE", raising=False)
    compiled = build(Source("parse apache | count by .status"), sink="write")
    assert compiled.plan.parallel == {"mode": "groups", "ops": ["counts"]}
    assert compiled.plan.keep_newlines is True
    cache.store("k", compiled.code, [], compiled.plan.to_json())
    hit = cache.load("k")
    assert hit is not None
    assert Plan.from_json(hit[2]) == compiled.plan
    assert "run.parallel" not in compiled.python_source
    assert "run.keep_newlines" not in compiled.python_source
