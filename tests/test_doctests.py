"""The examples in the package's docstrings run, as written (`python -m doctest`).

Doctest replaces `sys.stdout` with a text stream of its own: the examples that
run a program (`streamlang.compile(...).run(...)`) check that output goes there.
"""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import streamlang

MODULES = ["streamlang"] + sorted(m.name for m in pkgutil.walk_packages(streamlang.__path__, "streamlang."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_of(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_package_has_docstring_examples_to_run() -> None:
    # The package's own example runs a program; the formats' show what they read.
    finder = doctest.DocTestFinder()
    with_examples = {name for name in MODULES
                     if any(t.examples for t in finder.find(importlib.import_module(name)))}
    assert {"streamlang", "streamlang.driver", "streamlang.formats.jsonl"} <= with_examples
