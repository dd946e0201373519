"""Every console example in docs/tour.md runs, from the repository root, with the output shown.

The commands run in the order of the tour: one of them reads the rejects file
that the one before it wrote.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, sl_command
from .test_readme import BLOCK

TOUR = ROOT / "docs" / "tour.md"


def console_examples(text: str) -> list[tuple[str, str]]:
    """(command, expected stdout) for each `$ ` line of each ```console block."""
    out: list[tuple[str, str]] = []
    for block in BLOCK.findall(text):
        assert block.startswith("$ "), f"a console block must start with a command: {block[:60]!r}"
        for line in block.splitlines(keepends=True):
            if line.startswith("$ "):
                out.append((line[2:].rstrip("\n"), ""))
            else:
                command, expected = out[-1]
                out[-1] = (command, expected + line)
    return out


EXAMPLES = console_examples(TOUR.read_text(encoding="utf-8"))


def test_the_tour_has_examples_of_the_whole_language():
    assert len(EXAMPLES) >= 40
    commands = "\n".join(command for command, _ in EXAMPLES)
    for feature in ("parse apache", "where ", "select ", "derive ", "count by", "summarize ", "sort by", "top ",
                    "date(", "bucket(", "?? ", "let ", "fun ", "f\"", "| csv", "| json", "| table", "--strict",
                    "--rejects", "--types", "--emit python", "-v ", "2>&1"):
        assert feature in commands, feature
    assert all(command.startswith("sl ") for command, _ in EXAMPLES)


@pytest.mark.parametrize("command, expected", EXAMPLES, ids=[c[:60] for c, _ in EXAMPLES])
def test_tour_example(command, expected):
    env = dict(os.environ, NO_COLOR="1", PATH=f"{Path(sl_command()).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=ROOT, env=env)
    assert "Traceback" not in proc.stderr
    assert proc.stdout == expected
