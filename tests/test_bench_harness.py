"""The benchmark's own parts: the log generator, the hand-written baselines, the harness.

A baseline that prints the wrong thing would make every ratio in
docs/performance.md meaningless (and make a correct sl look like a
MISMATCH), so each one is checked here against output written out by hand
for a small fixed log. Nothing here times anything.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str) -> ModuleType:
    """Import a bench/ script as a module (bench/ is a directory of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


gen = _load("gen_access_log")
run = _load("run")
TASKS = {t.id: t for t in run.load_tasks()}

# Stricter than the baselines' regex: what a real Apache combined log line looks like.
REAL_LINE = re.compile(
    r'(\d{1,3}(?:\.\d{1,3}){3}) - - \[(\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000)\] '
    r'"([A-Z]+) (/\S*) (HTTP/1\.[01])" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"'
)

# Eight lines that exercise what the tasks depend on: a path that CSV must
# quote, a `-` size, a user name, a -0700 offset (ISO time and the day both
# keep the log's own offset), three days, and error counts that tie (1 and 1)
# so that the top-10 order of ties is pinned down.
FIXTURE = """\
83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36"
66.249.73.135 - - [17/May/2015:23:59:59 +0000] "GET /wp-login.php HTTP/1.1" 404 301 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
10.0.0.7 - frank [18/May/2015:00:00:00 +0000] "GET /search?q=a,b&lang=en HTTP/1.0" 200 5120 "-" "-"
10.0.0.7 - - [18/May/2015:00:00:01 +0000] "GET /style2.css HTTP/1.1" 304 - "http://example.org/search?q=a,b&lang=en" "curl/7.35.0"
46.105.14.53 - - [18/May/2015:08:12:44 +0000] "HEAD /missing.png HTTP/1.1" 404 - "-" "UniversalFeedParser/4.2-pre-314-svn +http://feedparser.org/"
46.105.14.53 - - [18/May/2015:01:12:45 -0700] "POST /xmlrpc.php HTTP/1.1" 500 532 "-" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)"
66.249.73.135 - - [19/May/2015:10:00:00 +0000] "GET /wp-login.php HTTP/1.1" 404 301 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
130.237.218.86 - - [19/May/2015:10:00:02 +0000] "GET /blog HTTP/1.1" 301 335 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:27.0) Gecko/20100101 Firefox/27.0"
"""

EXPECTED = {
    "A": (
        "ip,time,method,path,status\n"
        "83.149.9.216,2015-05-17T10:05:03+00:00,GET,/presentations/logstash-monitorama-2013/images/kibana-search.png,200\n"
        "66.249.73.135,2015-05-17T23:59:59+00:00,GET,/wp-login.php,404\n"
        '10.0.0.7,2015-05-18T00:00:00+00:00,GET,"/search?q=a,b&lang=en",200\n'
        "10.0.0.7,2015-05-18T00:00:01+00:00,GET,/style2.css,304\n"
        "46.105.14.53,2015-05-18T08:12:44+00:00,HEAD,/missing.png,404\n"
        "46.105.14.53,2015-05-18T01:12:45-07:00,POST,/xmlrpc.php,500\n"
        "66.249.73.135,2015-05-19T10:00:00+00:00,GET,/wp-login.php,404\n"
        "130.237.218.86,2015-05-19T10:00:02+00:00,GET,/blog,301\n"
    ),
    # 404 three times, 200 twice, then the single ones in first-seen order.
    "B": "404\t3\n200\t2\n304\t1\n500\t1\n301\t1\n",
    "C": "/wp-login.php\t2\n/missing.png\t1\n/xmlrpc.php\t1\n",
    "D": "/wp-login.php\t2\n/missing.png\t1\n/xmlrpc.php\t1\n",
    # 17th: 203023 + 301; 18th: 5120 + 0 + 0 + 532 (the -0700 line is the 18th in its own offset); 19th: 301 + 335.
    "E": "2015-05-17\t203324\n2015-05-18\t5652\n2015-05-19\t636\n",
}


@pytest.fixture(scope="module")
def fixture_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "access.log"
    path.write_text(FIXTURE, encoding="ascii")
    return path


def _fields(line: str) -> re.Match[str]:
    m = REAL_LINE.fullmatch(line)
    assert m is not None, line
    return m


def _generate(lines: int, seed: int) -> str:
    out = io.StringIO()
    gen.generate(out, lines, seed)
    return out.getvalue()


@pytest.fixture(scope="module")
def generated() -> list[str]:
    return _generate(20_000, 1).splitlines()


# ---------------------------------------------------------------- the generator


def test_generator_is_deterministic_for_a_seed() -> None:
    assert _generate(2_000, 7) == _generate(2_000, 7)
    assert _generate(2_000, 7) != _generate(2_000, 8)


def test_generator_writes_the_requested_number_of_lines_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "log"
    assert gen.main(["--lines", "123", "--seed", "3", "-o", str(out)]) == 0
    text = out.read_text(encoding="ascii")
    assert text.endswith("\n") and text.count("\n") == 123
    assert text == _generate(123, 3)


def test_generated_lines_are_real_combined_log_lines(generated: list[str]) -> None:
    bad = [line for line in generated if not REAL_LINE.fullmatch(line)]
    assert bad == []


def test_generated_lines_keep_the_fields_where_whitespace_splitting_expects_them(generated: list[str]) -> None:
    # Tasks B and C (and every awk variant) read the status as word 9 and the path as word 7.
    for line in generated:
        m = _fields(line)
        words = line.split()
        assert (words[6], words[8], words[9]) == (m[4], m[6], m[7])


def test_generated_timestamps_never_decrease_and_span_days(generated: list[str]) -> None:
    times = [datetime.strptime(_fields(line)[2], "%d/%b/%Y:%H:%M:%S %z") for line in generated]
    assert all(a <= b for a, b in itertools.pairwise(times))
    assert (times[-1] - times[0]).days >= 3


def test_generated_log_has_the_variety_of_a_real_one(generated: list[str]) -> None:
    fields = [_fields(line) for line in generated]
    statuses = {m[6] for m in fields}
    assert {"200", "304", "404", "301", "206", "500"} <= statuses
    share_200 = sum(1 for m in fields if m[6] == "200") / len(fields)
    assert 0.85 < share_200 < 0.95
    assert any(m[7] == "-" for m in fields)  # bytes
    assert any(m[8] == "-" for m in fields)  # referer
    assert any("?" in m[4] for m in fields)  # query strings
    assert any("," in m[4] for m in fields)  # a path CSV must quote
    assert len({m[1] for m in fields}) > 1_000  # many clients
    assert len({m[4] for m in fields}) > 1_000  # a long tail of paths


# ---------------------------------------------------------------- the baselines


def test_every_task_has_its_programs_and_scripts() -> None:
    assert sorted(TASKS) == ["A", "B", "C", "D", "E"]
    for task in TASKS.values():
        assert task.sl.strip()
        assert (BENCH / "tasks" / task.python).is_file()
        assert task.awk is None or (BENCH / "tasks" / task.awk).is_file()
        assert task.compare in ("exact", "sorted")
        assert 0 < task.target <= 1.0


@pytest.mark.parametrize("task_id", sorted(EXPECTED))
def test_python_baseline_prints_the_expected_output(task_id: str, fixture_log: Path) -> None:
    script = BENCH / "tasks" / TASKS[task_id].python
    from_file = subprocess.run([sys.executable, str(script), str(fixture_log)],
                               capture_output=True, text=True, check=True)
    assert from_file.stdout == EXPECTED[task_id]
    from_stdin = subprocess.run([sys.executable, str(script)], input=FIXTURE,
                                capture_output=True, text=True, check=True)
    assert from_stdin.stdout == EXPECTED[task_id]


@pytest.mark.parametrize("awk", ["mawk", "gawk"])
@pytest.mark.parametrize("task_id", sorted(EXPECTED))
def test_awk_variant_prints_what_the_python_baseline_prints(awk: str, task_id: str, fixture_log: Path) -> None:
    exe = shutil.which(awk)
    if exe is None:
        pytest.skip(f"{awk} is not installed")
    script = BENCH / "tasks" / TASKS[task_id].awk
    out = subprocess.run([exe, "-f", str(script), str(fixture_log)], capture_output=True, text=True, check=True)
    # awk splits on whitespace, so the -0700 line's offset is taken as written: same output.
    assert out.stdout == EXPECTED[task_id]


@pytest.mark.parametrize("task_id", sorted(EXPECTED))
def test_miller_variant_prints_what_the_python_baseline_prints(task_id: str, fixture_log: Path) -> None:
    exe = shutil.which("mlr")
    if exe is None:
        pytest.skip("mlr is not installed")
    args = TASKS[task_id].mlr
    out = subprocess.run([exe, *args, str(fixture_log)], capture_output=True, text=True, check=True)
    assert out.stdout == EXPECTED[task_id]


def _working_sl() -> Path | None:
    sl = Path(sys.executable).parent / "sl"
    if not sl.is_file():
        return None
    probe = subprocess.run([str(sl), "take 1"], input="", capture_output=True, check=False)
    return sl if probe.returncode == 0 else None


@pytest.mark.parametrize("task_id", sorted(EXPECTED))
def test_sl_program_prints_what_the_python_baseline_prints(task_id: str, fixture_log: Path) -> None:
    # The benchmark's MISMATCH check, on the small log: fails here before a long run would.
    sl = _working_sl()
    if sl is None:
        pytest.skip("no working sl next to this interpreter")
    out = subprocess.run([str(sl), TASKS[task_id].sl, str(fixture_log)], capture_output=True, text=True,
                         check=False)
    assert (out.returncode, out.stdout, out.stderr) == (0, EXPECTED[task_id], "")


# ---------------------------------------------------------------- the harness


def test_measure_reports_status_rss_and_captures_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = "import sys; data = bytearray(30 * 2**20); sys.stdout.write(sys.stdin.read().upper()); sys.exit(3)"
    stdin = tmp_path / "in"
    stdin.write_text("abc\n")
    result = run.measure([sys.executable, "-c", code], out, stdin=stdin)
    assert result.status == 3
    assert out.read_text() == "ABC\n"
    assert result.max_rss_mib >= 30  # the 30 MiB the child touched, whatever else it has
    assert result.seconds > 0


def test_measure_reports_a_small_command_as_small(tmp_path: Path) -> None:
    # This process is far bigger than `true`; its size must not leak into the child's peak RSS.
    true = shutil.which("true")
    if true is None or not run.become_subreaper():
        pytest.skip("needs `true` and PR_SET_CHILD_SUBREAPER")
    result = run.measure([true], tmp_path / "out")
    assert result.status == 0
    assert result.max_rss_mib < 8


def test_compare_outputs_tells_order_from_content(tmp_path: Path) -> None:
    ref, same, shuffled, other = (tmp_path / n for n in ("ref", "same", "shuffled", "other"))
    ref.write_text("a\t1\nb\t1\n")
    same.write_text("a\t1\nb\t1\n")
    shuffled.write_text("b\t1\na\t1\n")
    other.write_text("a\t1\nc\t1\n")
    assert run.compare_outputs(ref, same, "exact") == "ok"
    assert run.compare_outputs(ref, shuffled, "exact") == "MISMATCH (order only)"
    assert run.compare_outputs(ref, shuffled, "sorted") == "ok"
    assert run.compare_outputs(ref, other, "sorted") == "MISMATCH"
    assert run.first_difference(ref, other) == "line 2: expected b'b\\t1\\n', got b'c\\t1\\n'"


def test_replace_section_touches_only_the_marked_part() -> None:
    text = f"# Performance\n\nintro\n\n{run.DOC_START}\nold table\n{run.DOC_END}\n\n## What each bought\nnotes\n"
    new = run.replace_section(text, "new table\n")
    assert new == f"# Performance\n\nintro\n\n{run.DOC_START}\nnew table\n{run.DOC_END}\n\n## What each bought\nnotes\n"
    assert run.replace_section(new, "new table\n") == new


def test_replace_section_appends_when_there_are_no_markers() -> None:
    assert run.replace_section("# Notes\n", "t") == f"# Notes\n\n{run.DOC_START}\nt\n{run.DOC_END}\n"


def test_write_doc_creates_then_rewrites_the_doc(tmp_path: Path) -> None:
    doc = tmp_path / "docs" / "performance.md"
    run.write_doc(doc, "first\n")
    created = doc.read_text()
    assert f"{run.DOC_START}\nfirst\n{run.DOC_END}" in created
    doc.write_text(created + "\nhand-written note\n")
    run.write_doc(doc, "second\n")
    rewritten = doc.read_text()
    assert f"{run.DOC_START}\nsecond\n{run.DOC_END}" in rewritten
    assert "first" not in rewritten and rewritten.endswith("\nhand-written note\n")


def test_select_tasks_by_id() -> None:
    tasks = list(TASKS.values())
    assert [t.id for t in run.select_tasks(tasks, "b, a")] == ["A", "B"]
    assert run.select_tasks(tasks, None) == tasks
    with pytest.raises(SystemExit):
        run.select_tasks(tasks, "Z")


def _fake_sl(tmp_path: Path, script: str) -> Path:
    """An `sl` that runs this shell script, to see a bench catch a wrong output."""
    fake = tmp_path / "fake-sl"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    return fake


def _parallel_bench(tmp_path: Path, sl: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH / "parallel.py"), "--lines", "3000", "--only", "B",
                           "--rounds", "2", "--out", str(tmp_path), "--sl", sl],
                          capture_output=True, text=True, timeout=300)


def test_parallel_bench_reports_each_command_and_the_ratios(tmp_path: Path) -> None:
    from .conftest import sl_command
    proc = _parallel_bench(tmp_path, sl_command())
    assert proc.returncode == 0, proc.stderr
    columns = ["sl", "sl -j 1", "sl -j 2", *[a for a in ("mawk", "gawk") if shutil.which(a)], "python"]
    header = "| task | " + " | ".join(f"`{c}`" for c in columns) + " | `-j 2` / `-j 1` (≤ 0.55) | default / mawk (≤ 1.0) |"
    assert header in proc.stdout.splitlines(), proc.stdout
    by_mawk = r"\d+\.\d\d" if shutil.which("mawk") else "–"
    assert re.search(r"^\| B \| " + r"\d+\.\d\d \(\d+\.\d\d\) \| " * len(columns)
                     + r"\*\*\d+\.\d\d\*\* \| " + by_mawk + r" \|$", proc.stdout, re.M), proc.stdout
    assert "Problems" not in proc.stdout


def test_parallel_bench_fails_when_j2_prints_something_else(tmp_path: Path) -> None:
    from .conftest import sl_command
    fake = _fake_sl(tmp_path, f'if [ "$2" = 2 ]; then echo "200\t1"; else exec {sl_command()} "$@"; fi')
    proc = _parallel_bench(tmp_path, str(fake))
    assert proc.returncode == 1
    assert "Problems: B: `sl -j 2` printed something other than the Python script." in proc.stdout.splitlines()


def test_real_data_is_the_bundled_log_repeated_to_the_lines_asked(tmp_path: Path) -> None:
    path = run.ensure_real_data(tmp_path, 25_000)  # three copies: at least the lines asked for
    bundled = run.REAL_LOG.read_bytes()
    assert bundled.count(b"\n") == run.REAL_LINES
    assert path.read_bytes() == bundled * 3


def test_write_doc_keeps_the_generated_and_the_real_sections_apart(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    run.write_doc(doc, "generated\n")
    run.write_doc(doc, "real\n", run.REAL_MARKERS)
    run.write_doc(doc, "generated again\n")
    text = doc.read_text()
    assert f"{run.DOC_START}\ngenerated again\n{run.DOC_END}" in text
    assert f"{run.REAL_MARKERS[0]}\nreal\n{run.REAL_MARKERS[1]}" in text


def test_bench_on_real_data_reports_the_real_input(tmp_path: Path) -> None:
    from .conftest import sl_command
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--real", "--lines", "10000", "--rounds", "1",
                           "--only", "E", "--tools", "python,sl", "--sl", sl_command(), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "- Input: the bundled real access log (10,000 lines) × 1, 10,000 lines, 2 MB;" in proc.stdout
    assert "`.venv/bin/python bench/run.py --lines 10000 --rounds 1 --only E --tools python,sl --real`" \
        in proc.stdout
    # sl's default comes first, with the task's name.
    assert re.search(r"^\| E bytes per day \(parse apache\) \| sl \| [\d.]+ \| [\d.]+ \(\w+ ≤ 0\.9\) \|.* \| ok \|$",
                     proc.stdout, re.M), proc.stdout
    assert "### Start-up" not in proc.stdout


def test_throughput_table_pairs_each_round_with_the_scripts_run() -> None:
    # Round 2 was a slow spell for both; paired, sl is 0.8 × the script in every round.
    python = run.Cell([run.Run(s, s, 10.0, 0) for s in (1.0, 3.0, 1.5)], "reference")
    sl = run.Cell([run.Run(s, s, 12.0, 0) for s in (0.8, 2.4, 1.2)], "ok")
    tools = [run.Tool("python", ""), run.Tool("sl", "")]
    rows = run.throughput_table([TASKS["D"]], tools, {("D", "python"): python, ("D", "sl"): sl})
    assert rows[0].startswith("| task | tool | median s | × python | × mawk | best s | best × python "
                              "| paired × python |")
    assert rows[3] == ("|  | sl | 1.20 | 0.80 (meets ≤ 0.9) | – | 0.80 | 0.80 (meets ≤ 0.9) | 0.80 (meets ≤ 0.9) "
                       "| 1.20 | 0.80 | 12.0 | ok |")


def test_only_sl_differing_or_a_tool_failing_fails_the_run() -> None:
    ok = run.Cell([run.Run(1.0, 1.0, 1.0, 0)], "ok")
    differs = run.Cell([run.Run(1.0, 1.0, 1.0, 0)], "MISMATCH: line 1: ...")
    failed = run.Cell([run.Run(1.0, 1.0, 1.0, 2)], "FAILED (exit 2)")
    cells = {("A", "python"): run.Cell([run.Run(1.0, 1.0, 1.0, 0)], "reference"), ("A", "mawk"): differs,
             ("A", "sl"): ok, ("B", "sl"): differs, ("C", "gawk"): failed}
    assert run.failing(cells) == [("B", "sl"), ("C", "gawk")]


def _instructions_bench(tmp_path: Path, sl: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH / "instructions.py"), "--lines", "300", "--only", "B",
                           "--out", str(tmp_path), "--sl", sl], capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="needs valgrind (CI installs it)")
def test_instructions_bench_counts_a_line_of_each_kind_of_input(tmp_path: Path) -> None:
    from .conftest import sl_command
    proc = _instructions_bench(tmp_path, sl_command())
    assert proc.returncode == 0, proc.stderr
    row = re.search(r"^\| B count by status \(words\) \| ([\d,]+) \| ([\d,]+) \| (\d\.\d\d) \| ([\d,]+) \| ([\d,]+) "
                    r"\| (\d\.\d\d) \| ≤ 0\.9 \| [\d,]+ M \| [\d,]+ M \|$", proc.stdout, re.M)
    assert row, proc.stdout
    ours, theirs = int(row[1].replace(",", "")), int(row[2].replace(",", ""))
    assert f"{ours / theirs:.2f}" == row[3]
    # A line costs thousands of instructions, not millions: start-up cancelled out.
    assert 1_000 < ours < 100_000 and 1_000 < theirs < 100_000
    real = (tmp_path / "access-real-600.log").read_bytes()
    assert real == b"".join(run.REAL_LOG.read_bytes().splitlines(keepends=True)[:600])


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="needs valgrind (CI installs it)")
def test_instructions_bench_fails_when_sl_prints_something_else(tmp_path: Path) -> None:
    fake = _fake_sl(tmp_path, "echo 200")
    proc = _instructions_bench(tmp_path, str(fake))
    assert proc.returncode == 1
    assert "B: sl printed something other than the script on the generated input" in proc.stderr
    assert "B: sl printed something other than the script on the real input" in proc.stderr
