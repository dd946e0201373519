"""`--state`: incremental runs that neither lose nor skip lines (at-least-once)."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time

from .conftest import sl_command


def run(tmp, program, *files, env=None):
    return subprocess.run([sl_command(), "--state", str(tmp / "state.json"), program, *map(str, files)],
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_appends_partial_lines_rotation_and_truncation(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("a\nb\n")
    assert run(tmp_path, "map upper(_)", log).stdout == "A\nB\n"
    assert run(tmp_path, "map upper(_)", log).stdout == ""          # nothing new
    with open(log, "a") as f:
        f.write("c\npart")                                           # a line still being written
    assert run(tmp_path, "map upper(_)", log).stdout == "C\n"
    with open(log, "a") as f:
        f.write("ial\nd\n")
    # Line numbers go on from where the last run stopped.
    assert run(tmp_path, 'map f"{lineno()} {_}"', log).stdout == "4 partial\n5 d\n"
    with open(log, "a") as f:
        f.write("e\n")
    os.rename(log, tmp_path / "app.log.1")                           # rotation: rename, new file
    log.write_text("f\n")
    assert run(tmp_path, "map upper(_)", log).stdout == "E\nF\n"
    log.write_text("")                                               # copytruncate
    with open(log, "a") as f:
        f.write("g\nh\n")
    assert run(tmp_path, "map upper(_)", log).stdout == "G\nH\n"
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["files"][str(log)]["offset"] == 4


def test_aggregates_count_only_the_new_lines(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("x\ny\nx\n")
    assert run(tmp_path, "count by w = _", log).stdout == "x\t2\ny\t1\n"
    with open(log, "a") as f:
        f.write("y\n")
    assert run(tmp_path, "count by w = _", log).stdout == "y\t1\n"


def test_monitoring_check_with_q_reports_each_new_error_once(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("ok\nERROR 1\nok\n")
    check = ["-q", "--state", str(tmp_path / "state.json"), "where _ ~ r\"ERROR\"", str(log)]
    assert subprocess.run([sl_command(), *check]).returncode == 0
    assert subprocess.run([sl_command(), *check]).returncode == 1   # the same error is not new
    with open(log, "a") as f:
        f.write("ERROR 2\n")
    assert subprocess.run([sl_command(), *check]).returncode == 0


def test_stdin_cannot_be_resumed(tmp_path):
    proc = subprocess.run([sl_command(), "--state", str(tmp_path / "s"), "count"], input="a\n",
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == "sl: --state needs input files (stdin cannot be resumed)\n"


def test_killed_between_output_and_state_repeats_and_never_loses(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("".join(f"{i}\n" for i in range(100)))
    run(tmp_path, "count", log)
    with open(log, "a") as f:
        f.write("".join(f"{i}\n" for i in range(100, 150)))
    proc = subprocess.Popen([sl_command(), "--state", str(tmp_path / "state.json"), "map _", str(log)],
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "SL_STATE_PAUSE": "30"})
    out = ""
    while out.count("\n") < 50:
        out += proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)                                 # output written, state not
    proc.wait()
    assert out == "".join(f"{i}\n" for i in range(100, 150))
    again = run(tmp_path, "map _", log).stdout
    assert again == out                                              # repeated: at least once
    assert run(tmp_path, "map _", log).stdout == ""


def test_killed_at_random_points_no_line_is_ever_lost(tmp_path):
    log = tmp_path / "big.log"
    n = 200_000
    log.write_text("".join(f"{i}\n" for i in range(n)))
    rng = random.Random(3)
    seen: set[str] = set()
    for _ in range(4):
        proc = subprocess.Popen([sl_command(), "--state", str(tmp_path / "state.json"), "map _", str(log)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.6))
        proc.kill()
        out, _ = proc.communicate()
        seen.update(out.decode().splitlines())
    final = run(tmp_path, "map _", log)
    seen.update(final.stdout.splitlines())
    # Every line was written by some run (a killed run's last line may be cut short).
    assert {str(i) for i in range(n)} <= seen | {str(i) for i in range(n) if not str(i)}
    assert run(tmp_path, "map _", log).stdout == ""
