"""Reference entries (`sl --help NAME`, `:help NAME`) come from the builtin registry alone."""
from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest

from streamlang import docs, prelude
from streamlang.prelude import AGGREGATES, FORMATS, FUNCTIONS, STAGES, Example

from .conftest import sl_command

ALL = [(kind, name) for kind, names in docs.names().items() for name in names]


@pytest.mark.parametrize("kind, name", ALL, ids=[f"{k}:{n}" for k, n in ALL])
def test_every_builtin_has_an_entry_with_signature_doc_and_example(kind, name):
    text = docs.entry(name)
    assert text is not None
    section = next(s for s in text.split("\n\n") if s.startswith(f"{name}  ({kind})"))
    reg = {"stage": STAGES, "function": FUNCTIONS, "aggregate": AGGREGATES, "format": FORMATS}[kind][name]
    assert reg.doc in section
    assert f"    sl '{reg.example.program}'" in section.replace("'\\''", "'")
    if kind == "stage":
        assert f"    {reg.syntax}" in section
    if kind == "function":
        assert f"    {reg.signature}" in section


def test_an_entry_reads_like_a_man_page():
    assert docs.entry("upper") == "\n".join([
        "upper  (function)",
        "    upper(str) -> str",
        "The string in upper case.",
        "Example:",
        "    sl 'map upper(_)'",
        "    input   get",
        "    output  GET",
    ])


def test_a_name_of_two_kinds_has_both_sections():
    count = docs.entry("count")
    assert count is not None
    assert [s.split("\n")[0] for s in count.split("\n\n")] == ["count  (stage)", "count  (aggregate)"]
    min_ = docs.entry("min")
    assert min_ is not None
    assert [s.split("\n")[0] for s in min_.split("\n\n")] == ["min  (function)", "min  (aggregate)"]


def test_formats_show_their_fields():
    apache = docs.entry("apache")
    assert apache is not None
    assert apache.split("\n")[:2] == ["apache  (format)", "    parse apache"]
    assert "status: int, bytes: int?" in " ".join(apache.split())


def test_an_alias_gets_the_entry_it_stands_for():
    assert docs.entry("filter") == docs.entry("where")


def test_unknown_names_have_no_entry():
    assert docs.entry("nosuch") is None
    assert docs.entry("") is None


def test_examples_show_input_output_and_tabs_as_gaps():
    assert docs.example_lines(Example("count by w = _", "x\ny\nx\n", "x\t2\ny\t1\n")) == [
        "sl 'count by w = _'",
        "input   x",
        "        y",
        "        x",
        "output  x  2",
        "        y  1",
    ]
    assert docs.example_lines(Example('map "it\'s"', "", "it's\n"))[:2] == ["sl 'map \"it'\\''s\"'", "input   (nothing)"]


def test_the_index_lists_every_name_by_kind():
    index = docs.index()
    for kind, names in docs.names().items():
        block = index.split(f"{kind}s:", 1)[1].split(":", 1)[0]
        for name in names:
            assert name in block.split(), (kind, name)
    assert all(len(line) <= docs.WIDTH for line in index.split("\n")[:-1])


def test_entries_are_read_from_the_registry(monkeypatch):
    changed = replace(FUNCTIONS["lower"], doc="Lowers its argument (changed).")
    monkeypatch.setitem(prelude.FUNCTIONS, "lower", changed)
    text = docs.entry("lower")
    assert text is not None and "Lowers its argument (changed)." in text


def test_sl_help_name_prints_the_entry():
    for name in ("where", "count", "apache", "p95"):
        proc = subprocess.run([sl_command(), "--help", name], capture_output=True, text=True)
        assert proc.returncode == 0
        assert proc.stdout == docs.entry(name) + "\n"
    proc = subprocess.run([sl_command(), "--help", "nosuch"], capture_output=True, text=True)
    assert proc.returncode == 2 and "no reference entry for `nosuch`" in proc.stderr
