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


def test_the_quick_start_puts_sl_on_the_path():
    # The tour calls bare `sl`: the quick start's shell must have it (a venv's `sl` is not on PATH until
    # the venv is activated).
    text = (ROOT / "README.md").read_text()
    quick = re.search(r"## Quick start\n(.*?)\n## ", text, re.S).group(1)  # type: ignore[union-attr]
    main = re.findall(r"```sh\n(.*?)\n```", quick, re.S)[0]
    steps = [s.strip() for s in main.split("&&")]
    assert steps[:3] == ["python3 -m venv .venv", ".venv/bin/pip install -q .", ". .venv/bin/activate"]
    assert steps[3].startswith("sl -f examples/status_report.sl ")


def test_every_link_and_file_the_readme_names_is_in_the_repository():
    text = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\(([^)#]+)", text):
        assert (ROOT / target).exists(), target
    assert "SPEC.md" not in text  # not shipped: the README points users to docs/ instead


def test_example_scripts_with_a_shebang_are_executable():
    scripts = sorted((ROOT / "examples").glob("*.sl"))
    assert scripts
    for script in scripts:
        if script.read_text().startswith("#!"):
            assert os.access(script, os.X_OK), script
            tracked = subprocess.run(["git", "ls-files", "-s", script.name], capture_output=True, text=True,
                                     cwd=script.parent).stdout
            assert tracked == "" or tracked.startswith("100755 "), tracked  # "": not a git checkout


def test_ci_runs_the_readme_quick_start_in_a_fresh_venv():
    # CI (.ci/run) runs the README's test command, which runs the quick start in a venv of its own,
    # installed exactly as the quick start installs (no extras: dask stays missing there).
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/readme_install.sh" in (ROOT / "scripts" / "test.sh").read_text()
    job = (ROOT / "scripts" / "readme_install.sh").read_text()
    assert "## Quick start" in job and "--engine dask" in job and "-i examples/data/access.log" in job
