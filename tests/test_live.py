"""`--live`: on a terminal, a grouping's table is redrawn while the input pauses; printed once at the end."""
from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from .conftest import ROOT, sl_command

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def pane(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def test_the_table_is_redrawn_while_input_trickles_in(tmp_path):
    session = f"sl-live-{time.monotonic_ns()}"
    feed = tmp_path / "feed.sh"
    feed.write_text("printf 'a\\nb\\na\\n'; sleep 3; printf 'a\\nc\\n'; sleep 1\n")
    done = tmp_path / "done"
    command = (f"cd {tmp_path} && NO_COLOR=1 bash feed.sh | {sl_command()} 'count by w = _ | table'; "
               f"touch {done}; sleep 30")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "20", command], check=True)
    try:
        deadline = time.monotonic() + 10
        while "a      2" not in pane(session) and time.monotonic() < deadline:
            time.sleep(0.1)
        early = pane(session)
        assert "w  count" in early and "a      2" in early and "b      1" in early
        assert not done.exists()  # still running: this is the live view, not the final table
        while not done.exists() and time.monotonic() < deadline + 10:
            time.sleep(0.1)
        final = pane(session).rstrip("\n").splitlines()
        # The live drawing is gone: the final table is there once.
        assert [line.rstrip() for line in final if line.strip()] == [
            "w  count", "-  -----", "a      3", "b      1", "c      1"]
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_not_a_terminal_prints_once():
    proc = subprocess.run([sl_command(), "--live", "count by w = _"], input="a\nb\na\n", capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.stdout == "a\t2\nb\t1\n"
