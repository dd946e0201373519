"""Schema-less records (`parse json` without `as`) follow the rules of typed ones.

A `dyn` field that holds an int or is null or missing behaves as an `int?`
field does (SPEC §4 nulls); `min`, `max`, `sort`, `top` and comparisons of two
schema-less values share one order; group keys keep their JSON type.
"""
from __future__ import annotations

import io
import json
import os
import subprocess

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streamlang.driver import _LinesInput, build
from streamlang.runtime.run import Run
from streamlang.source import Source

from .conftest import sl_command

# `K` is replaced by a small int.
PROGRAMS = [
    "where .a > K | map .k",
    "where .a != K | map .k",
    "where .a == K | map .k",
    "where .a <= K | map .k",
    "where !(.a > K) | map .k",
    "where .a < .b | map .k",
    "where .a == .b | map .k",
    "where .a != .b | map .k",
    "where .a == null | map .k",
    "where .a in [1, 2, K] | map .k",
    "map .a + K",
    "map .a * .b",
    "map .a ?? K",
    'map f"{.a >= K} {.a == .b} {.a != .b} {.k}"',
    "map abs(.a)",
    'map f"{round(.a)} {floor(.a)} {ceil(.b)} {abs(.b) * 2}"',
    "map max(.a, .b)",
    "map min(.a, .b)",
    "count by .a",
    "count by .a, .k",
    "summarize n = count(), s = sum(.a), lo = min(.a), hi = max(.a), d = count_distinct(.a), m = avg(.a) by .k",
    "summarize s = sum(.a), lo = min(.a), hi = max(.a), f = first(.a), l = last(.a), xs = list(.a)",
    "sort by .a | map .k",
    "sort by .a desc, .b | map .k",
    "top 3 by .a | map .k",
    "top 2 by .b asc | map .k",
    "distinct by .a | map .k",
    "uniq by .a | map .k",
]

MISSING = object()
ints = st.integers(-3, 3)
records = st.lists(st.fixed_dictionaries({
    "k": st.sampled_from([MISSING, None, "x", "y", "z"]),
    "a": st.one_of(st.sampled_from([MISSING, None]), ints),
    "b": st.one_of(st.sampled_from([MISSING, None]), ints),
}), max_size=25)


def written(program: str, lines: list[str]) -> tuple[bytes, int]:
    """What `sl PROGRAM` writes for these input lines, and how many it rejects."""
    compiled = build(Source(program), sink="write")
    out = io.BytesIO()
    rt = Run(compiled.run_sites(), out=out, err=lambda text: None)
    src = _LinesInput(lines)
    rt.inputs.append(src)  # type: ignore[arg-type]
    rt.current = src  # type: ignore[assignment]
    compiled.run(src, rt)
    rt.flush()
    return out.getvalue(), rt.total_rejected


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(PROGRAMS), ints, records)
def test_a_schema_less_int_field_behaves_as_a_typed_optional_int(program, k, rows):
    lines = [json.dumps({name: v for name, v in row.items() if v is not MISSING}) for row in rows]
    body = program.replace("K", str(k))
    dyn = written(f"parse json | {body}", lines)
    typed = written(f"parse json as {{k: str?, a: int?, b: int?}} | {body}", lines)
    assert dyn == typed
    assert dyn[1] == 0


def test_min_and_max_of_a_schema_less_field_are_merged_under_j_in_the_order_of_one_pass():
    from streamlang.runtime.parallel import _merge_state
    compiled = build(Source("parse json | summarize hi = max(.n), lo = min(.n) by .k"), sink="write")
    # The parts' groups are merged, not the whole run made to run in one process.
    assert compiled.plan.parallel == {"mode": "groups", "ops": ["keyed", "dynmax", "dynmin"]}
    # (one part's value, the next part's, the max and min of the two in the order of `sort`)
    for first, second, hi, lo in (("10", 9, "10", 9), (9, "10", "10", 9), ("x", 10, "x", 10),
                                  (True, "x", True, "x"), ("1.0", 1, "1.0", "1.0")):
        state = [first, first]
        _merge_state(state, [second, second], ["dynmax", "dynmin"])
        assert state == [hi, lo]


def test_min_and_max_of_a_schema_less_field_under_j_write_what_one_process_writes(tmp_path):
    files = []
    for i, rows in enumerate(([9, "10", "x"], ["100", 2.5, True], [None, "-1", 7])):
        path = tmp_path / f"part-{i}"
        path.write_text("".join(json.dumps({"k": k, "n": n}) + "\n" for n in rows for k in "ab") * 20)
        files.append(str(path))
    env = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="64")
    program = "parse json | summarize hi = max(.n), lo = min(.n) by .k | json"
    one = subprocess.run([sl_command(), program, *files], capture_output=True, env=env)
    two = subprocess.run([sl_command(), "-j", "2", program, *files], capture_output=True, env=env)
    # Numbers by value, then text, then booleans: the largest is `true`, the smallest -1.
    assert one.stdout == b'{"k": "a", "hi": true, "lo": "-1"}\n{"k": "b", "hi": true, "lo": "-1"}\n'
    assert (two.returncode, two.stdout, two.stderr) == (0, one.stdout, b"")


def test_json_nested_past_the_limit_is_rejected_with_a_reason_and_up_to_it_written_back(tmp_path):
    from streamlang.formats.jsonl import MAX_DEPTH
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    records = '{"a":' * MAX_DEPTH + "1" + "}" * MAX_DEPTH
    too_deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    lines = [deep, records, too_deep, "[" * 500 + "]" * 500, "[" * 100_000]
    (tmp_path / "in.json").write_text("".join(line + "\n" for line in lines))
    for program in ("parse json", "parse json | json", "parse json | count by v = _ | json",
                    "parse json | summarize d = count_distinct(_), hi = max(_), xs = list(_) | json",
                    "parse json | sort by _ | table"):
        r = subprocess.run([sl_command(), program, str(tmp_path / "in.json")], capture_output=True)
        err = r.stderr.decode()
        assert "Traceback" not in err and r.returncode == 0, err
        assert err.splitlines()[0] == "sl: 3 of 5 input lines rejected"
        reasons = [line.split(": ")[1:3] for line in err.splitlines()[2:5]]
        assert reasons == [["not JSON", f"nested more than {MAX_DEPTH} levels deep"]] * 3
    r = subprocess.run([sl_command(), "parse json | json", str(tmp_path / "in.json")], capture_output=True)
    assert r.stdout.decode().splitlines()[0] == deep
    assert json.loads(r.stdout.decode().splitlines()[1]) == json.loads(records)


def test_a_program_runs_with_sys_stdout_replaced_by_a_text_stream():
    import contextlib

    import streamlang
    program = streamlang.compile('words | count by w = _[0]')
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = list(program.run(["a b", "a c", "b"]))
        print("after")
    assert result == [{"w": "a", "count": 2}, {"w": "b", "count": 1}]
    assert out.getvalue() == "after\n"


def test_output_bytes_go_to_a_replaced_sys_stdout_as_text(monkeypatch):
    from streamlang.runtime.run import stdout_bytes
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    rt = Run([])
    rt.write("héllo\t1")
    rt.flush()
    assert out.getvalue() == "héllo\t1\n"
    assert not hasattr(stdout_bytes(), "buffer")
