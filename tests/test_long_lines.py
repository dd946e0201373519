"""A very long line costs time in proportion to its length on every reading path
(a pipe, a file, a `--state` file): the part of a line read so far is never
copied again on every read."""
from __future__ import annotations

import os
import subprocess
import threading
import time

from streamlang.runtime.inputs import Input
from streamlang.runtime.state import State

from .conftest import sl_command


def _quiet(_: str) -> None:
    pass


def _flush() -> None:
    pass


def _pipe_read_time(line: bytes) -> tuple[float, list[str]]:
    """Seconds to read `line` through a real pipe with stdin's reader, and the lines read."""
    r, w = os.pipe()

    def feed() -> None:
        with os.fdopen(w, "wb") as out:
            out.write(line)

    writer = threading.Thread(target=feed)
    writer.start()
    src = Input(["-"], _flush, _quiet)
    with os.fdopen(r, "rb", buffering=0) as stream:
        start = time.perf_counter()
        lines = [x for chunk in src._stream_chunks(stream, "-") for x in chunk]
        elapsed = time.perf_counter() - start
    writer.join()
    return elapsed, lines


def _state_read_time(path: str) -> tuple[float, list[str]]:
    src = Input([path], _flush, _quiet)
    src.tracked(State(path + ".state").plan([path]))  # a first run: the whole file
    start = time.perf_counter()
    lines = [x for chunk in src for x in chunk]
    return time.perf_counter() - start, lines


def _near_linear(small: float, big: float, factor: int) -> bool:
    # A linear reader takes about `factor` times as long for a line `factor` times as
    # long; a quadratic one `factor` squared times. Twice the linear ratio is slack
    # for a busy machine; the floor keeps timer noise on the small line out of it.
    return big <= 2 * factor * max(small, 0.02)


def test_a_long_line_through_a_pipe_takes_linear_time():
    small, big = b"a" * (4 << 20), b"b" * (32 << 20)
    t_small, lines_small = _pipe_read_time(small + b"\nend\n")
    t_big, lines_big = _pipe_read_time(big)  # and no newline at the end
    assert lines_small == [small.decode(), "end"]
    assert lines_big == [big.decode()]
    assert _near_linear(t_small, t_big, 8), (t_small, t_big)


def test_a_long_line_read_with_state_takes_linear_time(tmp_path):
    small, big = tmp_path / "small.log", tmp_path / "big.log"
    small.write_bytes(b"a" * (4 << 20) + b"\nend\n")
    big.write_bytes(b"x\n" + b"b" * (32 << 20) + b"\n")
    t_small, lines_small = _state_read_time(str(small))
    t_big, lines_big = _state_read_time(str(big))
    assert lines_small == ["a" * (4 << 20), "end"]
    assert lines_big == ["x", "b" * (32 << 20)]
    assert _near_linear(t_small, t_big, 8), (t_small, t_big)


def test_a_line_split_across_many_pipe_reads_keeps_every_character():
    # A multi-byte character cut between two reads, CRLF line ends, a last line without
    # its newline: the same lines as read from a file.
    text = ("é" * 70_000 + "\r\n" + "z" * 200_000 + "\n" + "€" * 50_000).encode()
    proc = subprocess.run([sl_command(), "map len(_)"], input=text, capture_output=True)
    assert proc.stderr == b""
    assert proc.stdout.decode().split() == ["70000", "200000", "50000"]
