"""parse -> check -> codegen -> compile(): shared by the command line, the toplevel and the API."""
from __future__ import annotations

import ast
import builtins
import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from types import CodeType
from typing import Any

from . import pyast as P
from .cache import load_run
from .checker import Checker
from .codegen import generate
from .consteval import evaluate_constants
from .hints import NO_HINTS, InputHints
from .ir import Program as CheckedProgram
from .ir import StageInfo, Write
from .parser import parse_program
from .plan import Plan, PlanOptions, plan
from .runtime.run import Run, RunError, Site
from .source import Source
from .syntax import Program as SyntaxProgram
from .typesys import DURATION, FLOAT, STR, TIME, ListT, Opt, Record, StreamT, Type, show


@dataclass
class Compiled:
    source: Source
    ir: CheckedProgram
    module: ast.Module
    sites: list[StageInfo]
    run: Any
    plan: Plan  # how to run `run`: `-j`'s cut, whether lines may keep their `\n`
    code: Any = None

    @property
    def python_source(self) -> str:
        """The generated module as Python source (`sl --emit python`)."""
        return ast.unparse(_PrintableFStrings().visit(copy.deepcopy(self.module)))

    def run_sites(self) -> list[Site]:
        return [Site(s.name, self.source.location(s.span), stage_text(self.source, s), (s.span.start, s.span.end))
                for s in self.sites]


class _PrintableFStrings(ast.NodeTransformer):
    """Rewrites each f-string with a string constant in its expressions as
    `''.join((text, format(value, spec), ...))`, which means the same.

    On Python 3.11 ast.unparse cannot print such an f-string when the string
    needs a backslash (a no-break space, `\\n`) or holds both kinds of triple
    quotes: it raises ValueError or prints code that does not parse. Only
    the printed copy is rewritten: the code that runs keeps its f-strings."""

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.expr:
        self.generic_visit(node)
        if not any(isinstance(part, ast.FormattedValue) and _holds_string(part.value) for part in node.values):
            return node
        return P.method(P.const(""), "join", P.tuple_([_piece(part) for part in node.values]))


_CONVERSIONS = {ord("s"): "str", ord("r"): "repr", ord("a"): "ascii"}


def _piece(part: ast.expr) -> ast.expr:
    if not isinstance(part, ast.FormattedValue):
        return part
    value = part.value
    if part.conversion in _CONVERSIONS:
        value = P.call(_CONVERSIONS[part.conversion], value)
    spec = [part.format_spec] if part.format_spec is not None else []
    return P.call("format", value, *spec)


def _holds_string(e: ast.expr) -> bool:
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(e))


def stage_text(source: Source, info: StageInfo) -> str:
    text = source.text[info.span.start:info.span.end]
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"


# The passes, in the order `build` runs them; each takes what the one before gave.


def parse(source: Source) -> SyntaxProgram:
    return parse_program(source)


def check_syntax(source: Source, program: SyntaxProgram, hints: InputHints = NO_HINTS,
                 overrides: dict[str, str] | None = None) -> CheckedProgram:
    """The typed program; what it may know of the input arrives in `hints` (it reads no file)."""
    return Checker(source, overrides, hints).check_program(program)


def with_output(program: CheckedProgram, output_format: str | None) -> CheckedProgram:
    """`-o FORMAT`: a new program whose last stage writes that format (the checked one is left as it is)."""
    if output_format in (None, "plain") or program.value is not None or not program.stages:
        return program
    last = program.stages[-1]
    if isinstance(last, Write):
        return program
    elem = program.type.elem if isinstance(program.type, StreamT) else program.type
    info = StageInfo(output_format, last.info.span, elem, STR)  # type: ignore[arg-type]
    return replace(program, stages=[*program.stages, Write(info, output_format)],  # type: ignore[arg-type]
                   type=StreamT(STR))


def compile_module(module: ast.Module) -> CodeType:
    return builtins.compile(module, "<streamlang>", "exec")


def check(source: Source, overrides: dict[str, str] | None = None,
          output_format: str | None = None, hints: InputHints = NO_HINTS) -> CheckedProgram:
    """The chain up to a checked program whose fixed values are known not to fail
    (the toplevel's check, `:type` and completion stop here)."""
    checked = check_syntax(source, parse(source), hints, overrides)
    checked = with_output(checked, output_format)
    return evaluate_constants(source, checked)


def build(source: Source, *, overrides: dict[str, str] | None = None, output_format: str | None = None,
          sink: str = "yield", fuse: bool = True, hints: InputHints = NO_HINTS,
          live: bool = False, checked: CheckedProgram | None = None) -> Compiled:
    """The whole chain. `checked` is what `check` gave for the same source and
    options already (the toplevel checks a phrase before it runs it): the
    chain goes on from there instead of parsing and checking again."""
    # The parser's depth limit (parser.MAX_DEPTH) keeps every stage here, and
    # Python's compile(), within the default recursion limit.
    if checked is None:
        checked = check(source, overrides, output_format, hints)
    planned = plan(checked, PlanOptions(sink, fuse, live))
    module, sites, planned = generate(checked, planned)
    code = compile_module(module)
    return Compiled(source, checked, module, sites, load_run(code), planned, code)


class Program:
    """A compiled StreamLang program (SPEC §10).

    >>> p = compile('split "," as {a: str, n: int} | where .n > 1')
    >>> str(p.type)
    'stream<{a: str, n: int}>'
    >>> list(p.run(["x,1", "y,2"]))
    [{'a': 'y', 'n': 2}]
    """

    def __init__(self, compiled: Compiled):
        self._compiled = compiled

    @property
    def type(self) -> Type:
        return self._compiled.ir.type

    @property
    def python_source(self) -> str:
        return self._compiled.python_source

    def rejections(self) -> str | None:
        """The rejection report of the last `run`, as the command line prints it."""
        rt = getattr(self, "_last_run", None)
        return rt.summary() if rt is not None else None

    def run(self, lines: Iterable[str], strict: bool = False) -> Iterator[Any]:
        """The program's output for these input lines, as Python values
        (records as dicts, `time` as datetime, `duration` as timedelta, null as None).

        Rejected lines are skipped and counted (`rejections()` describes them
        afterwards); with `strict=True` the first one raises `StrictFailure`.
        A value computed once that fails at run time (a `let` reading `now()`)
        raises `RunError`, whose `location` and `span` say where; one that fails
        whatever the input was a `CompileError` already.
        """
        rt = Run(self._compiled.run_sites(), strict=strict, err=lambda text: None)
        self._last_run = rt
        src = _LinesInput(lines)
        rt.inputs.append(src)  # type: ignore[arg-type]
        rt.current = src  # type: ignore[assignment]
        t = self.type
        elem = t.elem if isinstance(t, StreamT) else t
        for value in self._compiled.run(src, rt):
            yield to_python(value, elem)


class _LinesInput:
    """An in-memory input with the interface of `runtime.inputs.Input`."""

    def __init__(self, lines: Iterable[str]):
        self.lines = lines
        self.name = "-"
        self.start = 1
        self.lines_read = 0
        self.file_no = 1
        self.mtime: float | None = None

    def __iter__(self) -> Iterator[list[str]]:
        batch: list[str] = []
        for line in self.lines:
            batch.append(line[:-1] if line.endswith("\n") else line)
            if len(batch) >= 1024:
                yield from self._emit(batch)
                batch = []
        if batch:
            yield from self._emit(batch)

    def _emit(self, batch: list[str]) -> Iterator[list[str]]:
        self.lines_read += len(batch)
        yield batch
        self.start += len(batch)

    def raw_line(self, n: int, line: str) -> bytes:
        return line.encode("utf-8", "surrogateescape")


def to_python(value: Any, t: Type) -> Any:
    """Records (tuples inside) to dicts, recursively, by static type."""
    if value is None:
        return None
    t = t.inner if isinstance(t, Opt) else t
    if isinstance(t, Record):
        return {n: to_python(v, ft) for (n, ft), v in zip(t.fields, value)}
    if isinstance(t, ListT):
        return [to_python(v, t.elem) for v in value]
    return value


def compile(source: str, name: str = "<program>") -> Program:
    """Compile a program; raises `CompileError` (with `.diagnostics`) if it is not valid."""
    return Program(build(Source(source, name)))


__all__ = ["compile", "Program", "RunError", "build", "check", "show", "TIME", "DURATION", "FLOAT"]
