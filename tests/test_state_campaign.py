"""A bounded `kill -9` campaign on `--state`, as a cron job meets it: runs killed
at random moments, overlapping runs, and the log appended to and rotated (by
`mv`, copytruncate, twice between runs, and `mv` then gzip) while runs read it.
Every line written must come out (none lost); a line may come out twice only
from a run killed after writing it and before saving its state.

Run alone, with its figures: pytest -s tests/test_state_campaign.py
(SL_CAMPAIGN_SECONDS sets its length, 30 s by default)."""
from __future__ import annotations

import gzip
import os
import random
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

from .conftest import sl_command

KINDS = ["append", "mv", "copytruncate", "double", "gzip", "overlap"]


class Log:
    """The application writing the log, and logrotate rotating it."""

    def __init__(self, path):
        self.path = path
        self.written = 0

    def write(self, n):
        with open(self.path, "a") as f:
            f.write("".join(f"{i}\n" for i in range(self.written, self.written + n)))
        self.written += n

    def _shift(self):
        rotated = []
        for name in os.listdir(self.path.parent):
            m = re.fullmatch(re.escape(self.path.name) + r"\.(\d+)(\.gz)?", name)
            if m:
                rotated.append((int(m.group(1)), m.group(2) or ""))
        for n, gz in sorted(rotated, reverse=True):
            os.rename(f"{self.path}.{n}{gz}", f"{self.path}.{n + 1}{gz}")

    def rotate(self, kind):
        self._shift()
        if kind == "copytruncate":
            shutil.copyfile(self.path, f"{self.path}.1")
            with open(self.path, "r+") as f:
                f.truncate(0)
            return
        os.rename(self.path, f"{self.path}.1")
        self.path.write_text("")
        if kind == "gzip":
            with open(f"{self.path}.1", "rb") as f, gzip.open(f"{self.path}.1.gz", "wb") as z:
                z.write(f.read())
            os.unlink(f"{self.path}.1")


def complete_lines(text):
    """A killed run's output may end in the middle of a line: that line is not counted."""
    return text.split("\n")[:-1]


def test_kill_9_campaign_loses_no_line(tmp_path):
    rng = random.Random(20)
    budget = float(os.environ.get("SL_CAMPAIGN_SECONDS", "30"))
    log = Log(tmp_path / "app.log")
    log.write(50)
    state = tmp_path / "state.json"
    command = [sl_command(), "--state", str(state), "map _", str(log.path)]
    outputs: list[tuple[str, bool]] = []  # each run's output, and whether it was killed
    iterations = 0
    started = time.monotonic()
    while time.monotonic() - started < budget:
        kind = KINDS[iterations % len(KINDS)]
        iterations += 1
        log.write(rng.randint(1, 30_000))
        files = [tmp_path / f"out.{iterations}.{k}" for k in range(2 if kind == "overlap" else 1)]
        procs = []
        for name in files:
            # Some runs wait between their output and their state: kills land there too.
            pause = {"SL_STATE_PAUSE": "0.3"} if rng.random() < 0.4 else {}
            with open(name, "w") as out, open(f"{name}.err", "w") as err:
                procs.append(subprocess.Popen(command, stdout=out, stderr=err, env={**os.environ, **pause}))
        time.sleep(rng.uniform(0, 0.15))
        if kind in ("mv", "copytruncate", "gzip"):
            log.rotate(kind)
        elif kind == "double":
            log.rotate("mv")
            log.write(rng.randint(1, 500))
            log.rotate("mv")
        log.write(rng.randint(0, 500))
        killed = [rng.random() < 0.5 for _ in procs]
        time.sleep(rng.uniform(0, 0.6))
        for proc, kill in zip(procs, killed):
            if kill:
                proc.kill()
        for proc, name, kill in zip(procs, files, killed):
            proc.wait()
            # A run that said it saved no state (a file renamed as it began) is read
            # again by the next run, as it said: such a repeat is within the contract too.
            unsaved = "the state is not saved" in Path(f"{name}.err").read_text()
            outputs.append((name.read_text(), kill and proc.returncode == -9 or unsaved))
    for _ in range(2):  # the last runs, undisturbed: the second finds nothing new
        final = subprocess.run(command, capture_output=True, text=True)
        assert final.returncode == 0, final.stderr
        outputs.append((final.stdout, False))
    assert final.stdout == ""

    seen = Counter(line for text, _ in outputs for line in complete_lines(text))
    written = {str(i) for i in range(log.written)}
    lost = len(written - set(seen))
    repeated = sum(n - 1 for n in seen.values())
    # What runs that were killed, or said they saved no state, wrote: only those lines may come out again.
    killed_lines = sum(len(complete_lines(text)) for text, killed in outputs if killed)
    print(f"\ncampaign: {iterations} iterations, {log.written} lines written, {sum(seen.values())} lines out, "
          f"{lost} lost, {repeated} repeated (runs killed after writing, or saying they saved no state, wrote "
          f"{killed_lines})")
    assert set(seen) <= written
    assert lost == 0
    assert repeated <= killed_lines
