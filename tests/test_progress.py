"""The progress line: on a terminal's stderr during a long run over files, and gone at the end."""
from __future__ import annotations

import os
import pty
import subprocess
import threading
import time

from .conftest import sl_command


def test_a_long_run_shows_progress_on_a_terminal_and_clears_it(tmp_path):
    # A named pipe fed for about three seconds: a run that is long for certain.
    fifo = tmp_path / "slow.log"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w") as f:
            for _ in range(30):
                f.write("some words here\n" * 4000)
                f.flush()
                time.sleep(0.1)

    master, slave = pty.openpty()
    proc = subprocess.Popen([sl_command(), "words | where len(_) > 9 | count", str(fifo)],
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    writer = threading.Thread(target=feed)
    writer.start()
    out, _ = proc.communicate(timeout=120)
    writer.join()
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert out == b"0\n"
    text = seen.decode()
    assert "lines read (" in text and "rejected" in text
    assert text.endswith("\r\x1b[K")  # cleared: nothing of it stays on the screen


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    path = tmp_path / "small.log"
    path.write_text("a\n")
    proc = subprocess.run([sl_command(), "count", str(path)], capture_output=True)
    assert proc.stderr == b""
