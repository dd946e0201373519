"""docs/reference.md is what scripts/gen_reference.py generates from the registry now, and covers all of it."""
from __future__ import annotations

import importlib.util
import re
import sys

import pytest

from streamlang import docs
from streamlang.prelude import AGGREGATES, FORMATS, FUNCTIONS, STAGES, Example

from .conftest import ROOT, sl_command

REFERENCE = ROOT / "docs" / "reference.md"
REGISTRY = [(kind, name, entry) for kind, reg in (("stage", STAGES), ("function", FUNCTIONS),
                                                  ("aggregate", AGGREGATES), ("format", FORMATS))
            for name, entry in reg.items()]


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_reference", ROOT / "scripts" / "gen_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_reference"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


gen = load_generator()


def test_the_reference_manual_is_current():
    assert REFERENCE.read_text(encoding="utf-8") == gen.generate(sl_command()), (
        "docs/reference.md is out of date: run `.venv/bin/python scripts/gen_reference.py`")


@pytest.mark.parametrize("kind, name, entry", REGISTRY, ids=[f"{k}:{n}" for k, n, _ in REGISTRY])
def test_every_registry_entry_has_a_doc_and_an_example(kind, name, entry):
    assert entry.doc.strip(), f"{kind} `{name}` has no doc"
    assert "\n" not in entry.doc.strip(), f"the doc of {kind} `{name}` is more than one line"
    assert isinstance(entry.example, Example) and entry.example.program.strip(), f"{kind} `{name}` has no example"
    assert entry.example.output, f"the example of {kind} `{name}` shows no output"


@pytest.mark.parametrize("kind, name, entry", REGISTRY, ids=[f"{k}:{n}" for k, n, _ in REGISTRY])
def test_the_manual_shows_the_entry_as_help_does(kind, name, entry):
    text = REFERENCE.read_text(encoding="utf-8")
    anchor = f'<a id="{kind}-{name}"></a>'
    assert anchor in text, f"{kind} `{name}` is missing from docs/reference.md"
    section = text.split(anchor, 1)[1].split("<a id=", 1)[0]
    help_text = docs.entry(name)
    assert help_text is not None
    for line in gen.help_syntax(kind, name):
        assert line in section and line in help_text
    assert entry.doc in section and entry.doc in help_text


def test_every_example_in_the_manual_is_a_session_with_its_output():
    text = REFERENCE.read_text(encoding="utf-8")
    sessions = re.findall(r"```console\n\$ sl (.*?)\n", text)
    assert len(sessions) == len(REGISTRY)


def test_a_stale_example_stops_the_generator(tmp_path):
    # A fake `sl` that prints the wrong thing stands in for a registry entry whose output is out of date.
    fake = tmp_path / "sl"
    fake.write_text("#!/bin/sh\necho wrong\n")
    fake.chmod(0o755)
    with pytest.raises(gen.StaleExample, match=r"function `upper`.*\n  states  'GET\\n'\n  printed 'wrong\\n'"):
        gen.generate(str(fake))


def test_contents_link_every_entry():
    text = REFERENCE.read_text(encoding="utf-8")
    contents = text.split("## Contents", 1)[1].split("\n## ", 1)[0]
    for kind, name, _ in REGISTRY:
        assert f"(#{kind}-{name})" in contents
