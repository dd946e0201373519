"""The plan: how a compiled program is to be run, apart from its code.

The code generator follows the plan's options, and the command line, `-j`,
the Dask engine and the input reader read its decisions (whether the input
may hand over lines with their `\\n`, how `-j` may cut the program) from the
`Plan` that travels with the compiled program and with its cache entry,
never from attributes of the generated function.

`plan()` computes what can be known from the checked program before any code
is written; `-j`'s mode is still found while the pipeline's loops are written
(`Codegen.pipeline`) and added with `Plan.with_parallel`.

This module is on the start-up path of a cached one-liner (the cache entry
holds a plan), so it imports nothing: the plan is plain data, stored as JSON.
"""
from __future__ import annotations

# `typing` costs 20 ms to import; a one-liner's start-up goes without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from . import ir

SINKS = ("yield", "write")


class Frozen:
    """Attributes set once, in `__init__`."""
    __slots__: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a {type(self).__name__} is frozen")

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._fields() == other._fields()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(repr(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__slots__)})"


class PlanOptions(Frozen):
    """What the caller asks for: where the output goes, fusion, `--live`."""
    __slots__ = ("sink", "fuse", "live")
    sink: str  # "yield": `run` is a generator of values (API, `-q`, toplevel); "write": it writes text
    fuse: bool  # False: the unfused reference of the property tests, each stage its own loop
    live: bool  # `--live`: only when writing

    def __init__(self, sink: str = "yield", fuse: bool = True, live: bool = False):
        assert sink in SINKS, sink
        self._set("sink", sink)
        self._set("fuse", fuse)
        self._set("live", live and sink == "write")


class Plan(Frozen):
    """The decisions about a program that are not its code.

    - `keep_newlines`: the command line's input may hand over lines with their
      `\\n` (the stage after the input gives the same for `line` and
      `line + "\\n"`), which saves the reader a copy of every line;
    - `newline_stage`: the index in `ir.Program.stages` of that stage;
    - `parallel`: how `-j` may cut the program, as plain data read by
      runtime/parallel.py: `{"mode": "stream", "header"}`, `{"mode": "distinct",
      "site", "header"}` or `{"mode": "groups", "ops"}`; None where one process
      runs it."""
    __slots__ = ("options", "keep_newlines", "newline_stage", "parallel")
    options: PlanOptions
    keep_newlines: bool
    newline_stage: int | None
    parallel: dict[str, Any] | None

    def __init__(self, options: PlanOptions, keep_newlines: bool = False, newline_stage: int | None = None,
                 parallel: dict[str, Any] | None = None):
        self._set("options", options)
        self._set("keep_newlines", keep_newlines)
        self._set("newline_stage", newline_stage)
        self._set("parallel", parallel)

    def with_parallel(self, parallel: dict[str, Any] | None) -> Plan:
        return Plan(self.options, self.keep_newlines, self.newline_stage, parallel)

    def to_json(self) -> dict[str, Any]:
        o = self.options
        return {"sink": o.sink, "fuse": o.fuse, "live": o.live, "keep_newlines": self.keep_newlines,
                "newline_stage": self.newline_stage, "parallel": self.parallel}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        options = PlanOptions(data["sink"], data["fuse"], data["live"])
        return cls(options, bool(data["keep_newlines"]), data["newline_stage"], data["parallel"])


def plan(program: ir.Program, options: PlanOptions) -> Plan:
    """What is decided before the code is written: whether the input's lines
    may keep their `\\n`, and for which stage."""
    from .ir import ReadInput

    keep, at = False, None
    for i, stage in enumerate(program.stages):
        if isinstance(stage, ReadInput):
            after = program.stages[i + 1] if i + 1 < len(program.stages) else None
            # Only the command line's own input (not `read FILE`), in the loop that reads it.
            keep = stage.path is None and options.fuse and after is not None and newline_tolerant(after)
            at = i + 1 if keep else None
    return Plan(options, keep, at)


def newline_tolerant(stage: ir.Stage) -> bool:
    """Whether `stage`, reading the input's lines, gives the same for `line`
    and `line + "\\n"`: a built-in regex format (matched with a final `\\n?`),
    or `words`, whose `split()` drops it. (With a limit, `split(None, k)` keeps
    it on the part after the k-th cut, which `words` never reads.)"""
    from .ir import ParseRegex, SplitFields

    if isinstance(stage, ParseRegex):
        return stage.format is not None and not stage.search
    return isinstance(stage, SplitFields) and stage.sep is None
