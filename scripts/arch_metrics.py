#!/usr/bin/env python3
"""Measure the shape of the compiler: import cycles, sizes, the toplevel's
repeated work, and dispatch on builtin names. Prints Markdown tables.

    .venv/bin/python scripts/arch_metrics.py                 # every section
    .venv/bin/python scripts/arch_metrics.py cycles sizes    # some of them
    .venv/bin/python scripts/arch_metrics.py --lets 0,10,50 toplevel

Sections:

- `cycles`: import cycles between the package's modules. An import at the
  top of a module runs when it is imported; one inside a function runs when
  the function is called (a cycle broken by hand); one under
  `if TYPE_CHECKING:` never runs. Cycles are counted three ways: module-level
  imports only, module- and function-level, and all three kinds.
- `sizes`: the largest classes (by lines and by methods), modules and functions.
- `toplevel`: a toplevel session driven in-process after N `let` bindings:
  how many times one input parses and checks a program, and how many
  statements those parses and checks go through, for a phrase and a preview.
- `dispatch`: string literals equal to a registered aggregate, format or
  stage name in the checker's and codegen's modules, by where they stand:
  compared with (`==`, `in`, `case`), used as a key (dict, subscript, `.get`),
  or elsewhere (a call's argument, which is often a Python name that happens
  to be the same: `P.call("max", ...)`).

The package is found by walking its directory, so modules moved into
subpackages (`check/`, `codegen/`) are measured the same way.
"""
from __future__ import annotations

import argparse
import ast
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "streamlang"
SECTIONS = ("cycles", "sizes", "toplevel", "dispatch")
IMPORT_KINDS = ("module", "function", "type-only")
# Modules whose dispatch on builtin names is counted: the checker's, codegen's and
# those they are to be split into (constant evaluation, the plan).
COMPILER_PREFIXES = ("check", "codegen", "consteval", "constants", "plan")


# modules and imports ------------------------------------------------------------


def module_files(package_dir: Path) -> dict[str, Path]:
    """Every module of the package under `package_dir`, by dotted name (a
    package by its `__init__.py`)."""
    root = package_dir.name
    found: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(package_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__pycache__")))
        rel = Path(dirpath).relative_to(package_dir.parent)
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            parts = list(rel.parts) if name == "__init__.py" else [*rel.parts, name[:-3]]
            found[".".join(parts)] = Path(dirpath) / name
    assert root in found or any(m.startswith(root + ".") for m in found), package_dir
    return found


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    kind: str  # one of IMPORT_KINDS
    line: int


def imports_of(module: str, path: Path, known: set[str]) -> list[Import]:
    """The imports of `module` that name other modules of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    out: list[Import] = []
    for node, kind in _walk_with_kind(tree, "module"):
        for target in _targets(node, module, is_package, known):
            if target != module:
                out.append(Import(module, target, kind, node.lineno))
    return out


def _walk_with_kind(node: ast.AST, kind: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, kind
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from _walk_with_kind(child, "function" if kind == "module" else kind)
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.body:
                yield from _walk_with_kind(ast.Module(body=[stmt], type_ignores=[]), "type-only")
            for stmt in child.orelse:
                yield from _walk_with_kind(ast.Module(body=[stmt], type_ignores=[]), kind)
        else:
            yield from _walk_with_kind(child, kind)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [_known_prefix(alias.name, known) for alias in node.names if _known_prefix(alias.name, known)]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        origin = ".".join(base + ([node.module] if node.module else []))
    else:
        origin = node.module or ""
    targets = []
    for alias in node.names:
        sub = f"{origin}.{alias.name}"
        if sub in known:  # `from . import ir`: the submodule itself
            targets.append(sub)
        elif _known_prefix(origin, known):
            targets.append(_known_prefix(origin, known))
    return targets


def _known_prefix(name: str, known: set[str]) -> str:
    """The longest prefix of dotted `name` that is a module of the package ('' if none)."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in known:
            return candidate
    return ""


def import_graph(package_dir: Path, kinds: tuple[str, ...]) -> dict[str, set[str]]:
    files = module_files(package_dir)
    known = set(files)
    graph: dict[str, set[str]] = {m: set() for m in files}
    for module, path in files.items():
        for imp in imports_of(module, path, known):
            if imp.kind in kinds:
                graph[module].add(imp.target)
    return graph


# cycles ---------------------------------------------------------------------------


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components with more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                components.append(sorted(component))

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 10 * len(graph) + 100))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(old_limit)
    return sorted(components)


def find_cycles(graph: dict[str, set[str]], limit: int = 200) -> list[list[str]]:
    """The elementary cycles of `graph`, each as its chain of modules starting at
    its smallest name (`a -> b -> c` means a imports b, b c, c a), shortest first;
    at most `limit` of them."""
    cycles: set[tuple[str, ...]] = set()
    for component in strongly_connected(graph):
        members = set(component)
        for start in component:
            # Only cycles whose smallest module is `start`: each cycle is found once.
            allowed = {m for m in members if m >= start}
            _cycles_from(graph, start, allowed, cycles, limit)
            if len(cycles) >= limit:
                break
    return sorted((list(c) for c in cycles), key=lambda c: (len(c), c))


def _cycles_from(graph: dict[str, set[str]], start: str, allowed: set[str],
                 out: set[tuple[str, ...]], limit: int) -> None:
    path = [start]
    on_path = {start}
    todo = [iter(sorted(graph.get(start, set()) & allowed))]
    while todo and len(out) < limit:
        nxt = next(todo[-1], None)
        if nxt is None:
            todo.pop()
            on_path.discard(path.pop())
        elif nxt == start:
            out.add(tuple(path))
        elif nxt not in on_path:
            path.append(nxt)
            on_path.add(nxt)
            todo.append(iter(sorted(graph.get(nxt, set()) & allowed)))


def cycles_report(package_dir: Path) -> str:
    lines = ["## Import cycles", "",
             "| imports counted | modules in a cycle | cycles | longest |", "|---|---:|---:|---:|"]
    listed: dict[str, list[list[str]]] = {}
    for label, kinds in (("module-level", ("module",)), ("module + function-level", ("module", "function")),
                         ("all, with `TYPE_CHECKING`", IMPORT_KINDS)):
        graph = import_graph(package_dir, kinds)
        cycles = find_cycles(graph)
        in_cycle = {m for c in strongly_connected(graph) for m in c}
        longest = max((len(c) for c in cycles), default=0)
        lines.append(f"| {label} | {len(in_cycle)} | {len(cycles)} | {longest} |")
        listed[label] = cycles
    for label, cycles in listed.items():
        lines += ["", f"Cycles, {label} imports:", ""]
        lines += [f"- `{' -> '.join(_short(m) for m in [*c, c[0]])}`" for c in cycles] or ["- none"]
    lines += ["", "Function-level imports between modules of the package:", "",
              "| module | function-level imports of package modules |", "|---|---:|"]
    files = module_files(package_dir)
    counts = {m: sum(1 for i in imports_of(m, p, set(files)) if i.kind == "function") for m, p in files.items()}
    lines += [f"| {_short(m)} | {n} |" for m, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])) if n]
    lines.append(f"| **total** | **{sum(counts.values())}** |")
    return "\n".join(lines)


def _short(module: str) -> str:
    return module.split(".", 1)[1] if "." in module else module


# sizes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sized:
    name: str
    lines: int
    methods: int = 0


def sizes(package_dir: Path) -> tuple[list[Sized], list[Sized], list[Sized]]:
    """Classes (with their methods), modules and functions (methods included, by qualified name)."""
    classes: list[Sized] = []
    modules: list[Sized] = []
    functions: list[Sized] = []
    for module, path in module_files(package_dir).items():
        text = path.read_text(encoding="utf-8")
        modules.append(Sized(_short(module), len(text.splitlines())))
        tree = ast.parse(text, str(path))
        for node, qualname in _definitions(tree, _short(module)):
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            if isinstance(node, ast.ClassDef):
                methods = sum(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in node.body)
                classes.append(Sized(qualname, size, methods))
            else:
                functions.append(Sized(qualname, size))
    return classes, modules, functions


Definition = ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef


def _definitions(node: ast.AST, prefix: str) -> Iterator[tuple[Definition, str]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            name = f"{prefix}.{child.name}"
            yield child, name
            yield from _definitions(child, name)
        else:
            yield from _definitions(child, prefix)


def sizes_report(package_dir: Path, top: int = 10) -> str:
    classes, modules, functions = sizes(package_dir)
    out = ["## Sizes", ""]
    out += _table(f"{top} largest classes by lines", ("class", "lines", "methods"),
                  [(c.name, c.lines, c.methods) for c in sorted(classes, key=lambda c: (-c.lines, c.name))[:top]])
    out += _table(f"{top} largest classes by methods", ("class", "methods", "lines"),
                  [(c.name, c.methods, c.lines) for c in sorted(classes, key=lambda c: (-c.methods, c.name))[:top]])
    out += _table(f"{top} largest modules", ("module", "lines"),
                  [(m.name, m.lines) for m in sorted(modules, key=lambda m: (-m.lines, m.name))[:top]])
    out += _table(f"{top} largest functions", ("function", "lines"),
                  [(f.name, f.lines) for f in sorted(functions, key=lambda f: (-f.lines, f.name))[:top]])
    fn_lines = sorted(f.lines for f in functions)
    median = fn_lines[len(fn_lines) // 2] if fn_lines else 0
    out.append(f"{len(modules)} modules, {len(classes)} classes, {len(functions)} functions "
               f"(median {median} lines), {sum(m.lines for m in modules)} lines.")
    return "\n".join(out)


def _table(title: str, header: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    lines = [f"{title}:", "", "| " + " | ".join(header) + " |",
             "|---|" + "---:|" * (len(header) - 1)]
    lines += ["| " + " | ".join(f"`{r[0]}`" if i == 0 else str(r[i]) for i in range(len(r))) + " |"
              for r in rows]
    return lines + [""]


# the toplevel's repeated work --------------------------------------------------------


# The entry points counted, each as alternatives (`module:qualified.name`): the
# first that exists is wrapped, so the counts follow the code when it moves
# (today's first, the layout of docs/architecture.md next).
ENTRY_POINTS: dict[str, tuple[str, ...]] = {
    "parses": ("streamlang.parser:parse_program", "streamlang.parser:parse"),
    "checks": ("streamlang.checker:Checker.check_program", "streamlang.check.program:check",
               "streamlang.check:check"),
    "lets checked": ("streamlang.checker:Checker.check_let", "streamlang.check.bindings:check_let"),
    "mains checked": ("streamlang.checker:Checker.check_main", "streamlang.check.program:check_main"),
    "builds": ("streamlang.driver:build",),
    "codegen runs": ("streamlang.codegen:Codegen.__init__", "streamlang.codegen.emit:Emitter.__init__"),
}


@dataclass
class Counts:
    calls: dict[str, int]
    statements_parsed: int = 0

    @property
    def statements_checked(self) -> int:
        return self.calls["lets checked"] + self.calls["mains checked"]


def resolve(spec: str) -> tuple[object, str, Callable[..., object]] | None:
    """The owner (module or class), attribute name and function `spec` names; None if it does not exist."""
    import importlib

    module_name, _, qualname = spec.partition(":")
    try:
        owner: object = importlib.import_module(module_name)
    except ImportError:
        return None
    *path, attr = qualname.split(".")
    for part in path:
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    fn = getattr(owner, attr, None) if isinstance(owner, type) else vars(owner).get(attr)
    return (owner, attr, fn) if callable(fn) else None


def entry_points() -> dict[str, str | None]:
    """For each counter, the entry point it wraps in this tree (None: none of its alternatives exists)."""
    return {counter: next((spec for spec in specs if resolve(spec) is not None), None)
            for counter, specs in ENTRY_POINTS.items()}


class Counting:
    """Counting wrappers around the parser's, checker's, driver's and codegen's
    entry points: a method is replaced on its class, a function wherever a
    module of the package holds it (a name bound by `from .parser import
    parse_program` is a reference of its own)."""

    def __init__(self) -> None:
        self.counts = Counts({counter: 0 for counter in ENTRY_POINTS})
        self._undo: list[Callable[[], None]] = []

    def __enter__(self) -> Counting:
        for counter, spec in entry_points().items():
            if spec is None:
                continue
            found = resolve(spec)
            assert found is not None
            owner, attr, fn = found
            wrapper = self._wrapper(counter, fn)
            if isinstance(owner, type):
                self._set(owner, attr, wrapper)
            else:
                self._replace_everywhere(fn, wrapper)
        return self

    def _wrapper(self, counter: str, fn: Callable[..., object]) -> Callable[..., object]:
        counts = self.counts

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            counts.calls[counter] += 1
            result = fn(*args, **kwargs)
            if counter == "parses":
                counts.statements_parsed += len(result.statements)  # type: ignore[attr-defined]
            return result
        return counted

    def _replace_everywhere(self, original: object, wrapper: object) -> None:
        for name, module in list(sys.modules.items()):
            if name == "streamlang" or name.startswith("streamlang."):
                for attr, value in list(vars(module).items()):
                    if value is original:
                        self._set(module, attr, wrapper)

    def _set(self, owner: object, attr: str, value: object) -> None:
        old = getattr(owner, attr)
        setattr(owner, attr, value)
        self._undo.append(lambda: setattr(owner, attr, old))

    def __exit__(self, *exc: object) -> None:
        for undo in reversed(self._undo):
            undo()


def toplevel_counts(lets: int, sample: Path) -> dict[str, Counts]:
    """What one input costs after `lets` value bindings: a pipeline phrase, a
    `let` phrase, and a preview of a pipeline with the cursor at its end."""
    import streamlang.driver  # noqa: F401 - every module the session uses, loaded before wrapping
    import streamlang.toplevel.text  # noqa: F401
    from streamlang.toplevel.session import Reply, Session

    session = Session([str(sample)], sample_size=50, show=3)
    for i in range(lets):
        bound = session.submit(f"let v{i} = {i}")
        assert bound.ok, bound.text
    last = f"v{lets - 1}" if lets else "0"
    # The `let` phrase last: it is kept, and would be one more binding for the others.
    inputs: dict[str, Callable[[], Reply | None]] = {
        "pipeline phrase": lambda: session.submit(f"map len(_) + {last} | take 2"),
        "preview": lambda: session.preview(f"map len(_) + {last} | take 2", len(f"map len(_) + {last}"), 3),
        "`let` phrase": lambda: session.submit(f"let w = {last} + 1"),
    }
    out: dict[str, Counts] = {}
    for label, run in inputs.items():
        with Counting() as c:
            reply = run()
        assert reply is not None and reply.ok, (label, reply)
        out[label] = c.counts
    return out


def toplevel_report(lets: list[int]) -> str:
    used = entry_points()
    wrapped = ", ".join(f"{counter}: `{spec}`" if spec else f"{counter}: (none found)" for counter, spec in used.items())
    lines = ["## Toplevel: work per input after N `let` bindings", "",
             f"Calls counted by wrapping ({wrapped}). A check is one program's; the statements checked are its "
             "`let`s and main pipeline; codegen runs include constant evaluation's inside a check.", "",
             "| input | N | parses | statements parsed | checks | statements checked | builds | codegen runs |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.log"
        sample.write_text("alpha\nbeta\ngamma\n", encoding="utf-8")
        rows = []
        for n in lets:
            for label, c in toplevel_counts(n, sample).items():
                rows.append((label, n, c))
    rows.sort(key=lambda r: (r[0], r[1]))
    for label, n, c in rows:
        lines.append(f"| {label} | {n} | {c.calls['parses']} | {c.statements_parsed} | {c.calls['checks']} | "
                     f"{c.statements_checked} | {c.calls['builds']} | {c.calls['codegen runs']} |")
    return "\n".join(lines)


# dispatch on builtin names ------------------------------------------------------------


# Where the builtin tables live: the registry package of docs/architecture.md, or today's prelude.
REGISTRY_MODULES = ("streamlang.registry", "streamlang.prelude")


def registered_names() -> dict[str, set[str]]:
    import importlib

    for name in REGISTRY_MODULES:
        try:
            registry = importlib.import_module(name)
        except ImportError:
            continue
        aggregates = set(registry.AGGREGATES) | set(getattr(registry, "PERCENTILE_SHORTHANDS", {}))
        return {"aggregate": aggregates, "format": set(registry.FORMATS), "stage": set(registry.STAGES)}
    raise SystemExit(f"arch_metrics: no builtin registry in {', '.join(REGISTRY_MODULES)}")


def compiler_modules(package_dir: Path) -> dict[str, Path]:
    """The checker's and codegen's modules: by name (`checker`, `check_expr`,
    `codegen_write`) or by package (`check/...`, `codegen/...`)."""
    return {m: p for m, p in module_files(package_dir).items()
            if _short(m).split(".")[0].startswith(COMPILER_PREFIXES)}


def name_uses(tree: ast.AST, names: set[str]) -> dict[str, list[tuple[str, int]]]:
    """String constants in `names`, by context: `compare`, `key` or `other`, with
    the literal and its line."""
    contexts: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                _mark(operand, "compare", contexts)
        elif isinstance(node, ast.MatchValue):
            _mark(node.value, "compare", contexts)
        elif isinstance(node, ast.Dict):
            for k in node.keys:
                if k is not None:
                    _mark(k, "key", contexts)
        elif isinstance(node, ast.Subscript):
            _mark(node.slice, "key", contexts)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and node.args:
            _mark(node.args[0], "key", contexts)
    found: dict[str, list[tuple[str, int]]] = {"compare": [], "key": [], "other": []}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
            found[contexts.get(id(node), "other")].append((node.value, node.lineno))
    return {context: sorted(uses, key=lambda use: (use[1], use[0])) for context, uses in found.items()}


def _mark(node: ast.AST, context: str, contexts: dict[int, str]) -> None:
    """`node` and the constants of a tuple, list or set it is (`fmt in ("csv", "tsv")`)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        for elt in node.elts:
            _mark(elt, context, contexts)
    elif isinstance(node, ast.Constant):
        contexts[id(node)] = context


def dispatch_report(package_dir: Path) -> str:
    kinds = registered_names()
    lines = ["## Dispatch on builtin names in the checker and codegen", "",
             "String literals equal to a registered name; *compare* and *key* are dispatch "
             "(`fmt == \"csv\"`, `fmt in (\"csv\", \"tsv\")`, `case \"hist\"`, `{\"sum\": ...}`, `x.get(\"p50\")`); "
             "*other* is every other use (a call's argument, an error message piece).", "",
             "| module | kind | compare | key | other | names compared or used as keys |",
             "|---|---|---:|---:|---:|---|"]
    totals = {k: [0, 0, 0] for k in kinds}
    for module, path in sorted(compiler_modules(package_dir).items()):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for kind, names in kinds.items():
            found = name_uses(tree, names)
            n = [len(found["compare"]), len(found["key"]), len(found["other"])]
            if not any(n):
                continue
            for i in range(3):
                totals[kind][i] += n[i]
            dispatched = sorted({v for v, _ in found["compare"] + found["key"]})
            lines.append(f"| {_short(module)} | {kind} | {n[0]} | {n[1]} | {n[2]} | "
                         f"{', '.join(f'`{v}`' for v in dispatched)} |")
    for kind, (c, k, o) in totals.items():
        lines.append(f"| **total** | {kind} | **{c}** | **{k}** | {o} | |")
    lines += ["", "A name shared by two kinds (`count`, `json`, `csv`) is counted under each."]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("sections", nargs="*", metavar="SECTION",
                    help=f"sections to print: {', '.join(SECTIONS)} (default: all)")
    ap.add_argument("--package-dir", type=Path, default=PACKAGE_DIR,
                    help="the package to measure for `cycles`, `sizes` and `dispatch` (default: streamlang/)")
    ap.add_argument("--lets", default="0,10,50", help="numbers of earlier `let` bindings for `toplevel`")
    args = ap.parse_args(argv)
    chosen = args.sections or list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        ap.error(f"unknown section {unknown[0]!r} (choose from {', '.join(SECTIONS)})")
    if "toplevel" in chosen or "dispatch" in chosen:
        sys.path.insert(0, str(ROOT))
    reports = {
        "cycles": lambda: cycles_report(args.package_dir),
        "sizes": lambda: sizes_report(args.package_dir),
        "toplevel": lambda: toplevel_report([int(n) for n in args.lets.split(",")]),
        "dispatch": lambda: dispatch_report(args.package_dir),
    }
    print("\n\n".join(reports[s]() for s in SECTIONS if s in chosen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
