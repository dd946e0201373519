"""Every console example in README.md runs, from the repository root, with the output shown."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, sl_command

BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text()
    out: list[tuple[str, str]] = []
    for block in BLOCK.findall(text):
        command, expected = None, []
        for line in block.splitlines(keepends=True):
            if line.startswith("$ "):
                if command is not None:
                    out.append((command, "".join(expected)))
                command, expected = line[2:].rstrip("\n"), []
            else:
                expected.append(line)
        if command is not None:
            out.append((command, "".join(expected)))
    return out


def test_the_readme_has_examples():
    assert len(examples()) >= 15


@pytest.mark.parametrize("command, expected", examples(), ids=[c[:60] for c, _ in examples()])
def test_readme_example(command, expected):
    env = dict(os.environ, NO_COLOR="1", PATH=f"{Path(sl_command()).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=ROOT, env=env)
    assert "Traceback" not in proc.stderr
    assert proc.stdout == expected


def test_the_quick_start_runs_the_bundled_example():
    text = (ROOT / "README.md").read_text()
    quick = re.search(r"## Quick start\n(.*?)\n## ", text, re.S).group(1)  # type: ignore[union-attr]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert len(commands) == 2
    assert "examples/status_report.sl" in commands[0] and "examples/data/access.log" in commands[0]
    assert commands[1] == "bash scripts/test.sh"
    assert (ROOT / "examples" / "status_report.sl").exists()
