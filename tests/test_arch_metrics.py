"""scripts/arch_metrics.py: its cycle finder on small packages built here, and the whole script on the real one."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "arch_metrics.py"


@pytest.fixture(scope="module")
def metrics():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("arch_metrics", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["arch_metrics"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    del sys.modules["arch_metrics"]


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


# a imports sub.c at the top; sub.c imports b inside a function; b imports a at the
# top: a cycle only once function-level imports count. d and e import each other,
# e only for type checking.
CYCLIC = {
    "__init__.py": "",
    "a.py": "from .sub import c\n",
    "sub/__init__.py": "",
    "sub/c.py": "def g():\n    from .. import b\n    return b\n",
    "b.py": "from .a import thing\nimport os\n",
    "d.py": "import pkg.e\n",
    "e.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import d\n",
}

ACYCLIC = {
    "__init__.py": "from . import a\n",
    "a.py": "from . import b, c\n",
    "b.py": "from .c import x\ndef f():\n    from .sub.d import y\n",
    "c.py": "import json\n",
    "sub/__init__.py": "",
    "sub/d.py": "from ..c import x\n",
}


def test_modules_are_found_in_subpackages(metrics, tmp_path):  # type: ignore[no-untyped-def]
    package = write_package(tmp_path, CYCLIC)
    assert sorted(metrics.module_files(package)) == ["pkg", "pkg.a", "pkg.b", "pkg.d", "pkg.e", "pkg.sub",
                                                     "pkg.sub.c"]


def test_import_kinds_and_relative_imports(metrics, tmp_path):  # type: ignore[no-untyped-def]
    package = write_package(tmp_path, CYCLIC)
    known = set(metrics.module_files(package))
    found = {(i.source, i.target, i.kind)
             for m, p in metrics.module_files(package).items() for i in metrics.imports_of(m, p, known)}
    assert found == {("pkg.a", "pkg.sub.c", "module"), ("pkg.sub.c", "pkg.b", "function"),
                     ("pkg.b", "pkg.a", "module"), ("pkg.d", "pkg.e", "module"), ("pkg.e", "pkg.d", "type-only")}


def test_cycles_by_kind_of_import(metrics, tmp_path):  # type: ignore[no-untyped-def]
    package = write_package(tmp_path, CYCLIC)
    module_level = metrics.import_graph(package, ("module",))
    run_time = metrics.import_graph(package, ("module", "function"))
    everything = metrics.import_graph(package, ("module", "function", "type-only"))
    assert metrics.find_cycles(module_level) == []
    assert metrics.find_cycles(run_time) == [["pkg.a", "pkg.sub.c", "pkg.b"]]
    assert metrics.find_cycles(everything) == [["pkg.d", "pkg.e"], ["pkg.a", "pkg.sub.c", "pkg.b"]]


def test_two_cycles_through_one_module(metrics):  # type: ignore[no-untyped-def]
    graph = {"a": {"b", "c"}, "b": {"a"}, "c": {"a", "d"}, "d": set()}
    assert metrics.find_cycles(graph) == [["a", "b"], ["a", "c"]]
    assert metrics.strongly_connected(graph) == [["a", "b", "c"]]


def test_no_cycle_in_an_acyclic_package(metrics, tmp_path):  # type: ignore[no-untyped-def]
    package = write_package(tmp_path, ACYCLIC)
    graph = metrics.import_graph(package, ("module", "function", "type-only"))
    assert graph == {"pkg": {"pkg.a"}, "pkg.a": {"pkg.b", "pkg.c"}, "pkg.b": {"pkg.c", "pkg.sub.d"},
                     "pkg.c": set(), "pkg.sub": set(), "pkg.sub.d": {"pkg.c"}}
    assert metrics.find_cycles(graph) == []
    assert metrics.strongly_connected(graph) == []


def test_dispatch_contexts(metrics):  # type: ignore[no-untyped-def]
    import ast
    tree = ast.parse('if fmt == "csv" or fmt in ("tsv", "x"):\n    pass\n'
                     'table = {"json": 1}\nt.get("csv")\ncall("csv")\n'
                     'match k:\n    case "tsv":\n        pass\n')
    found = metrics.name_uses(tree, {"csv", "tsv", "json"})
    assert found == {"compare": [("csv", 1), ("tsv", 1), ("tsv", 7)], "key": [("json", 3), ("csv", 4)],
                     "other": [("csv", 5)]}


def test_the_script_runs_on_the_package(tmp_path):  # type: ignore[no-untyped-def]
    done = subprocess.run([sys.executable, str(SCRIPT), "--lets", "0,2"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    headings = [line for line in done.stdout.splitlines() if line.startswith("## ")]
    assert headings == ["## Import cycles", "## Sizes", "## Toplevel: work per input after N `let` bindings",
                        "## Dispatch on builtin names in the checker and codegen"]
    rows = [line.split(" | ")[:2] for line in done.stdout.splitlines()
            if line.startswith(("| pipeline phrase", "| preview", "| `let` phrase"))]
    assert rows == [["| `let` phrase", "0"], ["| `let` phrase", "2"], ["| pipeline phrase", "0"],
                    ["| pipeline phrase", "2"], ["| preview", "0"], ["| preview", "2"]]


def test_the_synthetic_package_through_the_command_line(tmp_path):  # type: ignore[no-untyped-def]
    package = write_package(tmp_path, CYCLIC)
    done = subprocess.run([sys.executable, str(SCRIPT), "--package-dir", str(package), "cycles"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "| module + function-level | 3 | 1 | 3 |" in done.stdout.splitlines()
    assert "- `a -> sub.c -> b -> a`" in done.stdout.splitlines()


def test_an_unknown_section_is_a_usage_error():  # type: ignore[no-untyped-def]
    done = subprocess.run([sys.executable, str(SCRIPT), "cycle"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].endswith("error: unknown section 'cycle' (choose from cycles, sizes, "
                                                 "toplevel, dispatch)")


def test_every_counter_finds_its_entry_point(metrics):  # type: ignore[no-untyped-def]
    assert metrics.resolve("streamlang.no_such_module:parse") is None
    assert metrics.resolve("streamlang.parser:no_such_function") is None
    used = metrics.entry_points()
    assert sorted(used) == ["builds", "checks", "codegen runs", "lets checked", "mains checked", "parses"]
    assert [counter for counter, spec in used.items() if spec is None] == []


def test_counting_wrappers_are_removed_afterwards(metrics):  # type: ignore[no-untyped-def]
    from streamlang import driver, parser
    before = (parser.parse_program, driver.parse_program)
    with metrics.Counting() as c:
        driver.check(driver.Source("let a = 1\nlet b = 2\nmap _", "<t>"))
    assert (parser.parse_program, driver.parse_program) == before
    assert (c.counts.calls["parses"], c.counts.statements_parsed, c.counts.calls["checks"],
            c.counts.statements_checked, c.counts.calls["builds"]) == (1, 3, 1, 3, 0)


def test_a_pipeline_phrase_and_its_preview_are_parsed_and_checked_once_with_the_session(metrics, tmp_path):
    # The phrase's own check is what its answer is built from; before, the build checked all again.
    sample = tmp_path / "sample.log"
    sample.write_text("alpha\nbeta\ngamma\n", encoding="utf-8")
    lets = 3
    counts = metrics.toplevel_counts(lets, sample)
    for label in ("pipeline phrase", "preview"):
        c = counts[label]
        # one check of the session's `let`s and the pipeline; one more parse of the phrase alone
        assert (c.calls["checks"], c.statements_checked) == (1, lets + 1), label
        assert (c.calls["parses"], c.statements_parsed) == (2, (lets + 1) + 1), label
        assert c.calls["builds"] == 1, label
