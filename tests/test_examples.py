"""Every script in examples/ runs as its `# Run:` line says, printing exactly examples/expected/NAME.out
on stdout and NAME.err on stderr (the rejection reports are part of what an example shows)."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, sl_command

SCRIPTS = sorted((ROOT / "examples").glob("*.sl"))


def run_line(script: Path) -> str:
    m = re.search(r"^# Run: (.*)$", script.read_text(), re.M)
    assert m, f"{script.name} has no `# Run:` line"
    return re.sub(r" > \S+$", "", m.group(1))


def test_there_is_an_example_per_input_format():
    text = " ".join(s.read_text() for s in SCRIPTS)
    for fmt in ("parse apache", "parse json", "parse logfmt", "parse syslog", "parse csv", "parse tsv", "join r"):
        assert fmt in text, fmt


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example(script):
    env = dict(os.environ, NO_COLOR="1", PATH=f"{Path(sl_command()).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run(["bash", "-c", run_line(script)], capture_output=True, text=True, cwd=ROOT, env=env)
    expected = ROOT / "examples" / "expected"
    assert proc.stdout == (expected / f"{script.stem}.out").read_text()
    assert proc.stderr == (expected / f"{script.stem}.err").read_text()
