"""Every builtin registry entry has a doc and an example, and the example prints what it says."""
from __future__ import annotations

import subprocess

import pytest

from streamlang.prelude import AGGREGATES, FORMATS, FUNCTIONS, STAGES

from .conftest import sl_command

ENTRIES = [(kind, name, entry) for kind, reg in (("function", FUNCTIONS), ("aggregate", AGGREGATES),
                                                ("stage", STAGES), ("format", FORMATS))
           for name, entry in reg.items()]


@pytest.mark.parametrize("kind, name, entry", ENTRIES, ids=[f"{k}:{n}" for k, n, _ in ENTRIES])
def test_example_prints_what_the_entry_says(kind, name, entry):
    assert entry.doc.strip(), f"{kind} {name} has no doc"
    ex = entry.example
    proc = subprocess.run([sl_command(), ex.program], input=ex.input.encode(), capture_output=True,
                          env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    assert proc.stderr.decode() == ""
    assert proc.returncode == 0
    assert proc.stdout.decode() == ex.output


def test_every_stage_keyword_of_the_grammar_is_documented():
    import re
    from importlib.resources import files
    grammar = files("streamlang.grammar").joinpath("streamlang.lark").read_text()
    stage_rules = re.findall(r'\|\s+"(\w+)"[^\n]*-> \w+_stage', grammar)
    simple = re.findall(r'^(?:STDIN|ENUMERATE|FLATTEN|CSV|TSV|JSON|TABLE): "(\w+)"', grammar, re.M)
    for name in set(stage_rules) | set(simple) | {"where", "filter"}:
        assert name in STAGES or name == "filter", name
