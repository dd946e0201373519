"""`sl --help`: near names for a name with no entry, the lists of each kind, entries
for the operators a newcomer looks up, and the formats under `parse`."""
from __future__ import annotations

import os
import subprocess

import pytest

from streamlang import docs
from streamlang.prelude import AGGREGATES, FORMATS, FUNCTIONS, STAGES

from .conftest import ROOT, sl_command

ENV = {"NO_COLOR": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def sl(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sl_command(), *args], capture_output=True, text=True, env=ENV, cwd=ROOT, input=input,
                          timeout=60)


def test_a_name_with_no_entry_gets_the_nearest_names():
    proc = sl("--help", "wher")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == ("sl: no reference entry for `wher`; did you mean `where`? "
                           "(sl --help stages|functions|aggregates|formats|operators lists them)\n")
    assert sl("--help", "stage").stderr.startswith("sl: no reference entry for `stage`; did you mean `stages`?")


@pytest.mark.parametrize("kind, registry", [("stages", STAGES), ("functions", FUNCTIONS),
                                            ("aggregates", AGGREGATES), ("formats", FORMATS),
                                            ("operators", docs.OPERATORS)])
def test_help_of_a_kind_lists_every_name_of_it(kind, registry):
    proc = sl("--help", kind)
    assert proc.returncode == 0, proc.stderr
    listed = [line.split()[0] for line in proc.stdout.split("\n")
              if line and not line.startswith((" ", "loosest", "`"))]
    assert listed == list(registry)


@pytest.mark.parametrize("op", ["??", "~", "!~", "in"])
def test_operators_have_entries_whose_examples_hold(op):
    proc = sl("--help", op)
    assert proc.returncode == 0 and proc.stdout.startswith(f"{op}  (operator)\n"), proc.stderr
    _, _, example = docs.OPERATORS[op]
    run = sl(example.program, input=example.input)
    assert run.stdout == example.output


def test_help_parse_lists_the_formats():
    out = sl("--help", "parse").stdout.split("\n")
    assert "    FORMAT: " + " ".join(FORMATS) in out


def test_the_toplevel_help_finds_the_same():
    from streamlang.toplevel.session import Session

    session = Session([])
    assert session.submit(":help operators").text == docs.listing("operator")
    assert session.submit(":help wher").text == "error: no reference entry for `wher`; did you mean `where`?"
