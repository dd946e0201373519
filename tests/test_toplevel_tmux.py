"""The toplevel in a real terminal: tmux runs `sl -i` on the bundled log, keys
are sent as a person would type them, and the pane is read back as they
would see it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import ROOT, sl_command

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (the end-to-end test needs a real terminal)")

LOG = ROOT / "examples" / "data" / "access.log"
TIMEOUT = 10.0


class Pane:
    """One tmux session on its own server socket, so nothing else's tmux is touched."""

    def __init__(self, command: str, width: int = 120, height: int = 40):
        self.socket = f"sl-test-{os.getpid()}-{time.monotonic_ns()}"
        self.tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=True).stdout

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "main", "-l", text)

    def key(self, *names: str) -> None:
        self.tmux("send-keys", "-t", "main", *names)

    def screen(self, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "main")

    def wait_for(self, test: str | Callable[[str], bool], timeout: float = TIMEOUT) -> str:
        check = test if callable(test) else (lambda s: test in s)
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {test!r}; the screen:\n{screen}")
            time.sleep(0.05)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def pane(tmp_path: Path, state: Path) -> Iterator[Pane]:
    env = f"env HOME={tmp_path} XDG_STATE_HOME={state} NO_COLOR=1 PAGER=cat"
    p = Pane(f"cd {ROOT} && {env} {sl_command()} -i {LOG.relative_to(ROOT)}; echo \"[exited $?]\"; sleep 60")
    try:
        yield p
    finally:
        p.kill()


def prompt_after(line: str) -> Callable[[str], bool]:
    """The answer to `line` is complete: a fresh empty prompt follows it."""
    def done(screen: str) -> bool:
        rows = screen.split("\n")
        at = [i for i, r in enumerate(rows) if r.rstrip() == f"sl> {line}"]
        return bool(at) and any(r.rstrip() == "sl>" for r in rows[at[-1] + 1:])
    return done


def answer(screen: str, line: str) -> list[str]:
    """The rows printed between the input `line` and the next prompt."""
    rows = [r.rstrip() for r in screen.split("\n")]
    start = max(i for i, r in enumerate(rows) if r == f"sl> {line}") + 1
    end = next(i for i in range(start, len(rows)) if rows[i].startswith("sl>"))
    return rows[start:end]


def test_a_session_as_a_person_sees_it(pane: Pane, state: Path):
    pane.wait_for(lambda s: any(r.startswith("sl>") for r in s.split("\n")))

    pane.type("let n = 3")
    pane.key("Enter")
    assert answer(pane.wait_for(prompt_after("let n = 3")), "let n = 3") == ["val n : int = 3"]

    # While typing, the live preview shows the type and the first rows under the input.
    query = "parse apache | count by .status"
    pane.type(query)
    screen = pane.wait_for("status  count")
    rows = [r.rstrip() for r in screen.split("\n")]
    at = rows.index(f"sl> {query}")
    assert rows[at + 1].startswith("── preview ──")
    assert rows[at + 2] == "- : stream<{status: int, count: int}> · first 1,000 of 10,000 lines"

    pane.key("Enter")
    shown = answer(pane.wait_for(prompt_after(query)), query)
    assert shown[:4] == ["- : stream<{status: int, count: int}> · first 1,000 of 10,000 lines", "status  count",
                         "------  -----",
                         "   200    896"]
    assert not any("preview" in r for r in shown)  # the pane is gone once the input is answered

    typo = "parse apache | where .stauts > n"
    pane.type(typo)
    pane.key("Enter")
    error = answer(pane.wait_for(prompt_after(typo)), typo)
    assert error[0].startswith("<input>:1:22: error: no field `stauts`")
    assert "  |                      ^^^^^^^" in error
    assert "  = hint: did you mean `.status`?" in error

    # Tab completes a field name from the element type at that point of the pipeline.
    pane.type("parse apache | count by .meth")
    pane.wait_for("method  str?")  # the menu offers it as you type ...
    pane.key("Tab")  # ... and Tab takes it
    pane.wait_for("sl> parse apache | count by .method")
    pane.key("C-c")  # cancels the input; the session goes on
    pane.type("n + 1")
    pane.key("Enter")
    assert answer(pane.wait_for(prompt_after("n + 1")), "n + 1") == ["- : int = 4"]

    # NO_COLOR: no colour codes anywhere on the screen.
    assert not re.search(r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;|48;|9[0-7])[;m]", pane.screen(escapes=True))

    pane.key("C-d")
    pane.wait_for("[exited 0]")
    history = (state / "streamlang" / "history").read_text()
    assert "+let n = 3" in history and "+parse apache | count by .status" in history


def test_multi_line_input_and_run_in_the_pager(pane: Pane):
    pane.wait_for(lambda s: any(r.startswith("sl>") for r in s.split("\n")))
    pane.type("parse apache |")
    pane.key("Enter")
    pane.wait_for(lambda s: any(r.startswith("... ") or r.rstrip() == "..." for r in s.split("\n")))
    pane.type("count by .method")
    pane.key("Enter")
    pane.wait_for("- : stream<{method: str?, count: int}>")
    pane.wait_for(lambda s: s.rstrip().split("\n")[-1].rstrip() == "sl>")
    pane.type(":run")
    pane.key("Enter")
    # PAGER=cat: the plain output of the whole run, as `sl` prints it, then the rejections.
    out = answer(pane.wait_for(prompt_after(":run")), ":run")
    assert "1 of 10000 input lines rejected" in out
    assert out[0] == "run: `parse apache | count by .method` on examples/data/access.log"
    assert [r.split() for r in out[1:5]] == [["GET", "9951"], ["HEAD", "42"], ["POST", "5"], ["OPTIONS", "1"]]


def test_answers_on_the_sample_are_labelled_and_ctrl_r_enter_runs_the_match(pane: Pane):
    pane.wait_for(lambda s: any(r.startswith("sl>") for r in s.split("\n")))
    with open(LOG, "rb") as f:
        total = sum(1 for _ in f)
    query = "parse apache | count"
    pane.type(query)
    pane.key("Enter")
    assert answer(pane.wait_for(prompt_after(query)), query) == [
        f"- : stream<int> · first 1,000 of {total:,} lines", "1000"]
    pane.type("let n = 2")
    pane.key("Enter")
    pane.wait_for(prompt_after("let n = 2"))
    # Ctrl-R, part of the pipeline, Enter: the match is run (not wiped, not left in search mode).
    pane.key("C-r")
    pane.type("apache | co")
    pane.wait_for("apache | co")
    pane.key("Enter")
    screen = pane.wait_for(lambda s: s.count(f"sl> {query}") == 2 and prompt_after(query)(s))
    assert answer(screen, query) == [f"- : stream<int> · first 1,000 of {total:,} lines", "1000"]
    assert "reverse-i-search" not in screen.split(f"sl> {query}")[-1]


def preview_table(screen: str, query: str) -> list[str]:
    """The preview pane's rows after the type line(s): the table."""
    rows = [r.rstrip() for r in screen.split("\n")]
    at = rows.index(f"sl> {query}")
    body = rows[at + 2:]
    start = next(i for i, r in enumerate(body) if r.startswith("ip "))
    return [r for r in body[start:start + 4] if r]


def test_the_preview_is_laid_out_again_when_the_terminal_is_resized(pane: Pane):
    pane.wait_for(lambda s: any(r.startswith("sl>") for r in s.split("\n")))
    query = "parse apache | take 3 | select .ip, .path, .agent"
    pane.type(query)
    wide = preview_table(pane.wait_for(lambda s: "\nip " in s), query)
    assert max(len(r) for r in wide) > 100  # 120 columns: the agent fills the row
    pane.tmux("resize-window", "-t", "main", "-x", "70")

    def narrow(screen: str) -> bool:
        try:
            table = preview_table(screen, query)
        except (ValueError, StopIteration):
            return False
        return len(table) == 4 and max(len(r) for r in table) <= 69
    table = preview_table(pane.wait_for(narrow), query)
    assert table[0].split() == ["ip", "path", "agent"]
    assert all(len(r) <= 69 for r in table) and max(len(r) for r in table) >= 60  # fitted, not cut
    # The type line breaks after a comma, never inside a name.
    rows = [r.rstrip() for r in pane.screen().split("\n")]
    at = rows.index(f"sl> {query}")
    assert all(len(r) <= 70 for r in rows[at + 1:at + 4])
