"""The toplevel without a terminal: bindings, evaluating an input, the answer text.

A session is the list of statements (`let`, `type`) entered so far and the
last pipeline. A new input is compiled after those statements, so it sees
every binding; only when it is valid (and its values could be computed) are
its statements kept. Every answer is text, so all of this is tested without
a terminal::

    >>> s = Session([])
    >>> print(s.submit("let n = 3").text)
    val n : int = 3
    >>> print(s.submit("n * 2").text)
    - : int = 6
    >>> print(s.submit("let shout x = upper(x) + \\"!\\"").text.split(" : ")[0])
    val shout

Diagnostics point into what was typed (`<input>:1:22`), never into the
session's accumulated text.
"""
from __future__ import annotations

import contextlib
import os
import re
import shlex
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .sample import Cancelled, Sample, no_check

if TYPE_CHECKING:
    from .. import ir
    from ..driver import Compiled
    from ..errors import CompileError
    from ..runtime.run import Site
    from ..source import Span
    from .toprun import ToplevelRun

NAME = "<input>"
# The UI thread, the preview and the completer all compile; one at a time
# (a compile takes a millisecond or two; running is outside the lock).
COMPILER = threading.RLock()
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

STYLES = {"kw": "\x1b[1m", "type": "\x1b[36m", "head": "\x1b[1m", "note": "\x1b[2m", "err": "\x1b[31m",
          "val": "\x1b[32m"}


@dataclass
class Reply:
    """What the toplevel answers to one input.

    `layout`, when set, lays the same answer out again for another width (the
    preview pane, drawn again when the terminal is resized)."""
    text: str
    ok: bool = True
    quit: bool = False
    page: str | None = None  # a file of output for the pager (`:run`)
    preface: str = ""  # shown before the page
    layout: Callable[[int], str] | None = None

    def at_width(self, width: int) -> str:
        return self.layout(width) if self.layout is not None else self.text


def noted_reply(note: str, reply: Reply) -> Reply:
    """The same answer under a note, at every width."""
    def layout(width: int) -> str:
        return note + reply.at_width(width)
    return Reply(note + reply.text, reply.ok, layout=layout)


# A line of an answer: text, or lines laid out for a width when it is drawn.
Piece = str | Callable[[int], list[str]]


def lay_out(pieces: list[Piece], width: int) -> str:
    return "\n".join(line for p in pieces for line in ([p] if isinstance(p, str) else p(width)))


class Answered(Exception):
    """Stop evaluating: this is the answer (an error, usually)."""

    def __init__(self, reply: Reply):
        self.reply = reply


COMMANDS: dict[str, tuple[str, str]] = {
    "help": ("[NAME]", "this help, or the reference entry of a stage, function, aggregate or format"),
    "type": ("EXPR", "the type of an expression or pipeline, without running it"),
    "load": ("FILE ...", "take the sample from these files (directories, globs, .gz ...)"),
    "sample": ("N", "the sample is the first N lines of the input (1000)"),
    "use": ("FILE", "run a script's statements and pipeline here, keeping its bindings (a :save'd file)"),
    "show": ("[N | row K]", "how many rows a pipeline shows (10); alone or `row K`: a row of the last "
                            + "pipeline, one field a line"),
    "py": ("[PIPELINE]", "the Python a pipeline compiles to (the last pipeline by default)"),
    "run": ("[> FILE]", "the last pipeline over all the input, in a pager, or into FILE (.csv .tsv .json: "
                        + "that format)"),
    "save": ("FILE", "the bindings and the last pipeline as a script for `sl -f FILE INPUT ...`"),
    "live": ("[on|off]", "the live preview under the input"),
    "reset": ("", "forget every binding and the last pipeline"),
    "quit": ("", "leave the toplevel (or Ctrl-D)"),
}

KEYS_HELP = """\
An input that starts with `|` continues the last pipeline: `| sort by .count desc`.
Enter runs the input; after a trailing `|` or inside brackets it starts a new line (Alt-Enter always does).
Tab completes (fields after `.`); Up/Down and Ctrl-R search the history; Ctrl-C cancels; Ctrl-D leaves."""

FORMAT_OF_EXTENSION = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "json", ".ndjson": "json"}


def reads_session_input(program: ir.Program) -> bool:
    """Whether the program reads the session's input (the sample), not a file of its own."""
    from .. import ir

    stages = program.stages
    return bool(stages) and isinstance(stages[0], ir.ReadInput) and stages[0].path is None


def binding_kind(shown: str) -> str:
    """`value`, `function`, `stage` or `stream`, from a binding's type as the checker shows it."""
    if shown in ("function", "stage", "stream"):
        return shown
    if shown.startswith("stream<"):
        return "stream"
    result = _top_level_arrow_result(shown)
    if result.startswith("stage<"):
        return "stage"
    return "function" if result != shown else "value"


def _top_level_arrow_result(t: str) -> str:
    """`int -> stage<A, B>` -> `stage<A, B>`: what is left after the last top-level `->`."""
    depth = 0
    cut = 0
    i = 0
    while i < len(t):
        c = t[i]
        if c in "([{<":
            depth += 1
        elif c in ")]}>" and not (c == ">" and i > 0 and t[i - 1] == "-"):
            depth -= 1
        elif t.startswith("->", i) and depth == 0:
            cut = i + 2
            i += 1
        i += 1
    return t[cut:].strip()


class Session:
    def __init__(self, files: list[str] | tuple[str, ...] = (), *, sample_size: int = 1000, show: int = 10,
                 color: bool = False, width: int = 100):
        self.statements: list[str] = []
        self.last_pipeline: str | None = None
        self.last_failed: str | None = None  # the last input, when it was an error
        self.input_name = NAME  # what diagnostics call the input (`:use FILE`: the file)
        self.bindings: dict[str, str] = {}
        self.sample = Sample(list(files), sample_size)
        self.show = show
        self.color = color
        self.width = width
        self.live = True

    @property
    def files(self) -> list[str]:
        return self.sample.files

    def prefix(self) -> str:
        return "".join(s + "\n" for s in self.statements)

    def paint(self, style: str, text: str) -> str:
        return f"{STYLES[style]}{text}\x1b[0m" if self.color and text else text

    # one input ---------------------------------------------------------------

    def submit(self, text: str) -> Reply:
        """Answer one complete input: a phrase (statements and a pipeline) or a `:command`."""
        if not text.strip():
            return Reply("")
        command = text.strip().startswith(":")
        try:
            reply = self.command(text.strip()[1:]) if command else self.phrase(text)
        except Answered as a:
            reply = a.reply
        except Exception as e:  # noqa: BLE001 - a bug must not end the session
            reply = self.internal_error(e)
        if not command:
            # `:run` and `:save` act on the last pipeline that worked: they must know when it is not
            # the last one typed.
            self.last_failed = None if reply.ok else text.strip()
        return reply

    def internal_error(self, e: BaseException) -> Reply:
        return Reply(self.paint("err", "internal error") + f" (a bug in StreamLang): {type(e).__name__}: {e}",
                     ok=False)

    def phrase(self, text: str, *, commit: bool = True, rows: int | None = None,
               check: Callable[[], None] = no_check) -> Reply:
        from ..parser import parse_program
        from ..source import Source
        from ..syntax import Let, TypeDecl

        rows = self.show if rows is None else rows
        text = self._bare_value_name(self._continued(text))
        program = self.check(text)
        bindings = {**self.bindings, **{k: str(v) for k, v in program.bindings.items()}}
        kept: list[str] = []
        out: list[Piece] = []
        main = None
        with COMPILER:
            statements = parse_program(Source(text, NAME)).statements
        for st in statements:
            piece = text[st.span.start:st.span.end]
            if isinstance(st, Let):
                kept.append(piece)
                shown = bindings.get(st.name) or self._alias(st, bindings)
                bindings[st.name] = shown
                out.append(self.val_line(st.name, shown, kept))
            elif isinstance(st, TypeDecl):
                kept.append(piece)
                out.append(self.paint("kw", "type") + piece[len("type"):])
            else:
                main = st
        if main is not None:
            out.extend(self.main_answer(text, program, rows, check))
        if commit:
            self.statements.extend(kept)
            self.bindings = bindings
            if main is not None and program.value is None:
                self.last_pipeline = text[main.span.start:main.span.end]
        return Reply(lay_out(out, self.width), layout=lambda width: lay_out(out, width))

    def _continued(self, text: str) -> str:
        """`| sort by .count desc`: the last pipeline, one stage longer."""
        if not text.lstrip().startswith("|"):
            return text
        if self.last_pipeline is None:
            raise Answered(Reply(self.paint("err", "error: ") + "no pipeline to continue with `|` yet", ok=False))
        return self.last_pipeline + "\n" + text.lstrip()

    def _bare_value_name(self, text: str) -> str:
        # A value's name alone is a value program (`n` -> `- : int = 3`); the
        # checker takes a lone name for a stage, so ask for it as `[n][0]`.
        name = text.strip()
        if IDENT.fullmatch(name) and binding_kind(self.bindings.get(name, "stage")) == "value":
            return f"[{name}][0]"
        return text

    def _alias(self, let: Any, bindings: dict[str, str]) -> str:
        """`let e2 = e`: the checker keeps no entry of its own for an alias."""
        from ..syntax import ExprStage, Var

        stages = let.body.stages
        if len(stages) == 1 and isinstance(stages[0], ExprStage) and isinstance(stages[0].expr, Var):
            return bindings.get(stages[0].expr.name, "stage")
        return "stage"

    def val_line(self, name: str, shown: str, kept: list[str]) -> Piece:
        from ..runtime.values import literal

        kind = binding_kind(shown)
        if kind == "value":
            value = self.evaluate(self.prefix() + "".join(s + "\n" for s in kept) + f"[{name}][0]")
            return self.typed("val", name, shown, literal(value))
        if kind == "stream" and shown == "stream":
            t = self.check("".join(s + "\n" for s in kept) + name).type
            shown = str(t)
        if kind == "function":
            return self.typed("val", name, shown, "<fun>")
        return self.typed("val", name, shown)

    def typed(self, word: str, name: str, shown: str, value: str | None = None, note: str = "") -> Piece:
        """`val NAME : TYPE = VALUE` (or `- : TYPE · NOTE`), laid out when drawn: a long type
        breaks after a `,`, its next lines under its start; the value is cut to the width."""
        from .show import clip, wrap_type

        lead = f"{word} {name} : " if name else f"{word} : "
        painted = self.paint("kw", word) + (f" {name}" if name else "") + " : "
        tail = f" = {value}" if value is not None else ""

        def lines(width: int) -> list[str]:
            parts = wrap_type(shown, width - len(lead), len(tail) + len(note))
            out = [(painted if i == 0 else " " * len(lead)) + self.paint("type", part)
                   for i, part in enumerate(parts)]
            if value is not None:
                room = max(8, width - len(lead) - len(parts[-1]) - 3)
                out[-1] += " = " + self.paint("val", clip(value, room))
            if note and len(lead) + len(parts[-1]) + len(note) > width:
                out.append(" " * len(lead) + self.paint("note", note.strip()))  # too long to follow the type
            elif note:
                out[-1] += self.paint("note", note)
            return out
        return lines

    def main_answer(self, text: str, program: ir.Program, rows: int, check: Callable[[], None]) -> list[Piece]:
        from ..runtime.values import literal

        if program.value is not None:
            value = self.evaluate(self.prefix() + text)
            return [self.typed("-", "", str(program.type), literal(value))]
        return self.stream_answer(text, rows, check, program)

    # compiling and running -------------------------------------------------------

    def check(self, text: str) -> ir.Program:
        """Check `text` after the session's statements; a bad program is answered with its diagnostics."""
        from ..driver import check
        from ..errors import CompileError, UsageError
        from ..source import Source

        try:
            with COMPILER:
                return check(Source(self.prefix() + text, NAME))
        except CompileError as e:
            raise Answered(Reply(self.diagnostics(e, text), ok=False)) from None
        except UsageError as e:
            raise Answered(Reply(self.paint("err", "error: ") + str(e), ok=False)) from None

    def build(self, text: str, **options: Any) -> Compiled:
        from ..driver import build
        from ..errors import CompileError, UsageError
        from ..source import Source

        try:
            with COMPILER:
                return build(Source(self.prefix() + text, NAME), **options)
        except CompileError as e:
            raise Answered(Reply(self.diagnostics(e, text), ok=False)) from None
        except UsageError as e:
            raise Answered(Reply(self.paint("err", "error: ") + str(e), ok=False)) from None

    def evaluate(self, full: str) -> Any:
        """The value of a value program (`full` includes the session's statements),
        records as dicts."""
        from ..driver import build, to_python
        from ..runtime.core import ELEMENT_ERRORS
        from ..runtime.run import RunError, reason_of
        from ..source import Source
        from .toprun import ToplevelRun

        with COMPILER:
            compiled = build(Source(full, NAME), sink="yield")
        rt = ToplevelRun([], self.files, self.sample)
        try:
            values = list(compiled.run(rt.open("-"), rt))
        except RunError as e:
            raise Answered(Reply(self.paint("err", "error: ") + e.message, ok=False)) from None
        except ELEMENT_ERRORS as e:
            raise Answered(Reply(self.paint("err", "error: ") + reason_of(e), ok=False)) from None
        if not values:
            reason = rt.summary() or "no value"
            raise Answered(Reply(self.paint("err", "error: ") + reason.removeprefix("sl: "), ok=False))
        return to_python(values[0], compiled.ir.type)

    def stream_answer(self, text: str, rows: int, check: Callable[[], None],
                      checked: ir.Program | None = None) -> list[Piece]:
        """The first rows of a pipeline's output on the sample; `checked`: the
        phrase as `self.check` gave it, built on without checking it again."""
        from ..runtime.run import RunError
        from .show import cuts_every_column, render_record, render_table
        from .toprun import ToplevelRun

        compiled = self.build(text, sink="yield", checked=checked)
        elem = compiled.ir.type.elem  # type: ignore[attr-defined]
        shown = str(compiled.ir.type)
        on_sample = reads_session_input(compiled.ir)
        if on_sample and not self.files:
            # Nothing to run on: say so, rather than answer `0` or "no rows" as if that were the answer.
            return [self.typed("-", "", shown, note=" · no sample"),
                    self.paint("note", "there is no input yet: :load FILE (or start with sl -i FILE)")]
        out: list[Piece] = [self.typed("-", "", shown, note=" · " + self.sample_label() if on_sample else "")]
        rt = ToplevelRun(self.sites(compiled, text), self.files, self.sample, check)
        got: list[Any] = []
        total = 0
        stopped = False
        gen = compiled.run(rt.open("-"), rt)
        try:
            for value in gen:
                total += 1
                if len(got) < rows:
                    got.append(value)
                check()
        except Cancelled as c:
            if c.args != ("timeout",):
                raise
            stopped = True
        except RunError as e:
            raise Answered(Reply(self.paint("err", "error: ") + e.message, ok=False)) from None
        finally:
            gen.close()
        def table(width: int) -> list[str]:
            if cuts_every_column(elem, got, width):
                # A table would cut every column: show each row one field a line instead.
                return [line for i, row in enumerate(got, 1)
                        for line in [self.paint("note", f"-- row {i}"), *render_record(elem, row, width)]]
            lines, header = render_table(elem, got, width)
            return [self.paint("head", line) if header and i == 0 else line for i, line in enumerate(lines)]
        out.append(table)
        out.extend(self.footer(rt, len(got), total, stopped, on_sample))
        return out

    def sample_label(self) -> str:
        """Which lines an answer was computed on: `first 1,000 of 10,000 lines`."""
        n = self.sample.count()
        total = self.sample.total()
        if total == n:
            return f"all {n:,} lines" if n != 1 else "all 1 line"
        if total is None:
            return f"first {n:,} lines of the input"
        return f"first {n:,} of {total:,} lines"

    def footer(self, rt: ToplevelRun, shown: int, total: int, stopped: bool, on_sample: bool) -> list[str]:
        notes = []
        if stopped:
            notes.append(f"stopped after the first {total} rows (time is up); :run runs it all")
        elif total > shown:
            notes.append(f"{shown} of {total} rows (:show N to see more)")
        elif total == 0:
            whole = not on_sample or self.sample.total() == self.sample.count()
            notes.append("no rows" if whole else f"no rows in the {self.sample_label()}; :run runs it on all of them")
        out = [self.paint("note", n) for n in notes]
        out.extend(self.paint("note", f"sl: {m}") for m in dict.fromkeys(rt.messages))
        summary = rt.summary()
        if summary:
            out.extend(self.paint("note", line) for line in
                       summary.removeprefix("sl: ").replace(" input lines", " sample lines", 1).split("\n"))
        return out

    def sites(self, compiled: Compiled, text: str) -> list[Site]:
        from ..driver import stage_text
        from ..runtime.run import Site

        return [Site(s.name, self.where(s.span, text), stage_text(compiled.source, s)) for s in compiled.sites]

    # positions: the input, not the session's text ----------------------------

    def locate(self, span: Span, text: str) -> tuple[str, str, int]:
        """(source text, its name, offset in it) of a position in the session's text + `text`."""
        start = span.start
        base = len(self.prefix())
        if start >= base:
            return text, self.input_name, start - base
        at = 0
        for stmt in self.statements:
            if start <= at + len(stmt):
                m = re.match(r"\s*(let|type)\s+([A-Za-z_][A-Za-z0-9_]*)", stmt)
                label = f"<{m.group(1)} {m.group(2)}>" if m else "<session>"
                return stmt, label, start - at
            at += len(stmt) + 1
        return text, NAME, 0

    def where(self, span: Span, text: str) -> str:
        from ..source import Source, Span

        body, name, offset = self.locate(span, text)
        return Source(body, name).location(Span(offset, offset))

    def diagnostics(self, e: CompileError, text: str) -> str:
        import dataclasses

        from ..errors import CompileError
        from ..source import Source, Span

        moved = []
        for d in e.diagnostics:
            body, name, offset = self.locate(d.span, text)
            span = Span(offset, offset + (d.span.end - d.span.start))
            moved.append(dataclasses.replace(d, source=Source(body, name), span=span))
        return CompileError(moved).render(color=self.color)

    # the live preview ------------------------------------------------------------

    def preview(self, text: str, cursor: int, rows: int, check: Callable[[], None] = no_check) -> Reply | None:
        """What the toplevel would answer for the pipeline under the cursor, up to the
        stage the cursor is in, without keeping anything. None: nothing to show."""
        from .text import before_last_stage, half_typed, upto_stage

        head, stage, total = upto_stage(text, cursor)
        if not head.strip() or head.lstrip().startswith(":"):
            return None
        label = f"(up to stage {stage} of {total})"
        if half_typed(head):
            # `where .`, `count by`: not an error yet. Show what comes into the stage being typed.
            head = before_last_stage(head)
            if not head.strip():
                return Reply(self.paint("note", "(the stage is not finished yet)"))
            label = f"(what comes into stage {stage})"
            stage, total = 0, 2
        try:
            reply = self._preview_phrase(head, rows, check)
        except Answered as a:
            reply = a.reply
        if total > 1 and stage < total:
            reply = noted_reply(self.paint("note", label) + "\n", reply)
        return reply

    def _preview_phrase(self, head: str, rows: int, check: Callable[[], None]) -> Reply:
        from .text import as_pipeline, last_statement

        name, _ = as_pipeline(last_statement(head))
        if name is not None and binding_kind(self._binding_after(head, name)) == "stage":
            # `let big = parse apache | where ...`: show the stage at work on the sample too, when
            # it takes the input's lines; `let errors = where .status >= 500` takes records, so
            # applying it to raw lines would only show an error: its type is the answer.
            try:
                return self.phrase(head + "\n" + name, commit=False, rows=rows, check=check)
            except Answered as a:
                if a.reply.ok:
                    return a.reply
        return self.phrase(head, commit=False, rows=rows, check=check)

    def _binding_after(self, head: str, name: str) -> str:
        try:
            return str(self.check(head).bindings.get(name, "value"))
        except Answered:
            return "value"

    # completion ------------------------------------------------------------------

    def fields_at(self, before: str) -> list[tuple[str, str]]:
        """The fields (name, type) of the element at the `.` that `before` ends in."""
        from ..typesys import DYN, Record, StreamT, strip
        from .text import field_context

        try:
            before = self._continued(before)
        except Answered:
            return []
        ctx = field_context(before)
        if ctx is None:
            return []
        try:
            t = self.check(ctx.program).type
        except Answered:
            return []
        elem = t.elem if isinstance(t, StreamT) else None
        for name in ctx.path:
            elem = strip(elem) if elem is not None else None
            elem = elem.get(name) if isinstance(elem, Record) else None
        elem = strip(elem) if elem is not None else None
        if isinstance(elem, Record):
            return [(n, str(ft)) for n, ft in elem.fields if n.startswith(ctx.partial)]
        if elem == DYN and not ctx.path:
            return [(n, "dyn") for n in self._sample_keys(ctx.program) if n.startswith(ctx.partial)]
        return []

    def _sample_keys(self, program: str) -> list[str]:
        """Keys of schema-less records, as the first elements of the sample have them."""
        from .toprun import ToplevelRun

        try:
            compiled = self.build(program, sink="yield")
        except Answered:
            return []
        rt = ToplevelRun([], self.files, self.sample)
        keys: dict[str, None] = {}
        gen = compiled.run(rt.open("-"), rt)
        # Completion is best effort: a failing run just offers what was seen before it failed.
        with contextlib.suppress(Exception), contextlib.closing(gen):
            for i, v in enumerate(gen):
                if isinstance(v, dict):
                    keys.update(dict.fromkeys(v))
                if i >= 50:
                    break
        return list(keys)

    # commands --------------------------------------------------------------------

    def command(self, line: str) -> Reply:
        word, _, arg = line.partition(" ")
        name = self.command_name(word)
        if name is None:
            from ..errors import did_you_mean
            hint = did_you_mean(word, COMMANDS, quote="`:{}`")
            return Reply(self.paint("err", "error: ") + f"unknown command `:{word}`" + (f"; {hint}" if hint else "")
                         + " (:help lists them)", ok=False)
        return getattr(self, f"cmd_{name}")(arg.strip())

    @staticmethod
    def command_name(word: str) -> str | None:
        if word in COMMANDS:
            return word
        if word == "q":
            return "quit"
        found = [c for c in COMMANDS if word and c.startswith(word)]
        return found[0] if len(found) == 1 else None

    def usage(self, name: str) -> str:
        args, _ = COMMANDS[name]
        return f":{name} {args}".rstrip()

    def cmd_help(self, arg: str) -> Reply:
        from .. import docs

        if not arg:
            width = max(len(self.usage(c)) for c in COMMANDS) + 2
            lines = [self.paint("head", "commands:")]
            lines += [f"  {self.usage(c):<{width}}{doc}" for c, (_, doc) in COMMANDS.items()]
            lines += ["", KEYS_HELP, ""]
            lines.append(docs.index(self.width - 2))
            return Reply("\n".join(lines))
        if arg.startswith(":") and self.command_name(arg[1:]):
            name = self.command_name(arg[1:])
            assert name is not None
            return Reply(f"{self.usage(name)}\n    {COMMANDS[name][1]}")
        if IDENT.fullmatch(arg) and arg in self.bindings:
            return Reply(self.binding_help(arg))
        text = docs.entry(arg)
        if text is None:
            from ..errors import did_you_mean
            known = [n for ns in docs.names().values() for n in ns] + [f":{c}" for c in COMMANDS]
            hint = did_you_mean(arg, known) or docs.suggestion(arg)
            return Reply(self.paint("err", "error: ") + f"no reference entry for `{arg}`"
                         + (f"; {hint}" if hint else ""), ok=False)
        return Reply(text)

    def binding_help(self, name: str) -> str:
        """`:help NAME` of the user's own binding: its type and its definition."""
        from .. import docs

        lines = [f"{name} : " + self.paint("type", self.bindings[name]) + f"   (your {binding_kind(self.bindings[name])})"]
        for stmt in reversed(self.statements):
            if re.match(rf"\s*(let|type)\s+{re.escape(name)}\b", stmt):
                lines += ["    " + line for line in stmt.strip().split("\n")]
                break
        if docs.entry(name) is not None:
            lines.append(self.paint("note", f"(it hides the built-in `{name}`: :reset to see that one)"))
        return "\n".join(lines)

    def cmd_use(self, arg: str) -> Reply:
        """`:use FILE`: the script's statements and pipeline, as if typed here (OCaml's #use)."""
        if not arg:
            return self.needs("use")
        path = os.path.expanduser(shlex.split(arg)[0])
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) else "it is not UTF-8 text"
            return Reply(self.paint("err", "error: ") + f"cannot read {path}: {reason}", ok=False)
        if text.startswith("#!"):
            text = "#" + text[2:]  # the shebang is a comment to the language too
        self.input_name = path
        try:
            reply = self.phrase(text)
        except Answered as a:
            reply = a.reply
        finally:
            self.input_name = NAME
        self.last_failed = None if reply.ok else f":use {arg}"
        return reply

    def cmd_type(self, arg: str) -> Reply:
        if not arg:
            return self.needs("type")
        if IDENT.fullmatch(arg) and arg in self.bindings:
            return Reply(f"{arg} : " + self.paint("type", self.bindings[arg]))
        from ..prelude import FUNCTIONS
        if IDENT.fullmatch(arg) and arg in FUNCTIONS:
            # A built-in has no single type (`len` takes text or a list): its signature.
            return Reply(f"{arg} : " + self.paint("type", FUNCTIONS[arg].signature))
        program = self.check(self._bare_value_name(arg))
        return Reply(self.paint("kw", "-") + " : " + self.paint("type", str(program.type)))

    def cmd_load(self, arg: str) -> Reply:
        from .sample import expand_globs

        if not arg:
            return self.needs("load")
        files = shlex.split(arg)
        missing = [f for f in expand_globs([os.path.expanduser(f) for f in files]) if not os.path.exists(f)]
        if missing:
            return Reply(self.paint("err", "error: ") + f"no such file: {missing[0]}", ok=False)
        self.sample = Sample([os.path.expanduser(f) for f in files], self.sample.size)
        reply = self.sample_reply()
        if all(f.endswith(".sl") for f in files):
            reply.text += "\n" + self.paint("note", "(a script taken as sample data: :use FILE runs it here)")
        return reply

    def sample_reply(self) -> Reply:
        n = self.sample.count()
        errors = [self.paint("err", "error: ") + e for e in self.sample.errors]
        what = ", ".join(self.files) or "nothing"
        limit = "the whole input" if n < self.sample.size else f"the first {self.sample.size} lines"
        return Reply("\n".join(errors + [f"sample: {n} lines of {what} ({limit})"]), ok=not errors)

    def cmd_sample(self, arg: str) -> Reply:
        n = self.count_arg("sample", arg)
        self.sample = Sample(self.files, n)
        return self.sample_reply()

    def cmd_show(self, arg: str) -> Reply:
        if arg == "" or arg.startswith("row"):
            return self.show_row(self.count_arg("show", arg.removeprefix("row").strip() or "1"))
        self.show = self.count_arg("show", arg)
        return Reply(f"pipelines show their first {self.show} rows")

    def show_row(self, k: int) -> Reply:
        """Row K of the last pipeline on the sample, one field a line (a wide record, readable)."""
        from .show import render_record
        from .toprun import ToplevelRun

        if self.last_pipeline is None:
            return self.no_pipeline()
        compiled = self.build(self.last_pipeline, sink="yield")
        rt = ToplevelRun([], self.files, self.sample)
        gen = compiled.run(rt.open("-"), rt)
        row = None
        with contextlib.closing(gen):
            for i, value in enumerate(gen):
                if i + 1 == k:
                    row = value
                    break
        if row is None:
            return Reply(self.paint("err", "error: ") + f"the last pipeline has fewer than {k} rows on the sample",
                         ok=False)
        elem = compiled.ir.type.elem  # type: ignore[attr-defined]
        return Reply("\n".join([self.paint("note", f"row {k} of " + self.quoted(self.last_pipeline)),
                                 *render_record(elem, row, self.width)]))

    def count_arg(self, name: str, arg: str) -> int:
        if not arg.isdigit() or int(arg) == 0:
            raise Answered(Reply(self.paint("err", "error: ") + f"usage: {self.usage(name)} (N a whole number, "
                                 "at least 1)", ok=False))
        return int(arg)

    def needs(self, name: str) -> Reply:
        return Reply(self.paint("err", "error: ") + f"usage: {self.usage(name)}", ok=False)

    def no_pipeline(self) -> Reply:
        return Reply(self.paint("err", "error: ") + "no pipeline yet: type one first", ok=False)

    def cmd_py(self, arg: str) -> Reply:
        text = arg or self.last_pipeline
        if text is None:
            return self.no_pipeline()
        source = self.build(text, sink="write").python_source
        if self.color:
            from pygments import highlight
            from pygments.formatters import TerminalFormatter
            from pygments.lexers import PythonLexer
            source = highlight(source, PythonLexer(), TerminalFormatter()).rstrip("\n")
        return Reply(source)

    def cmd_live(self, arg: str) -> Reply:
        if arg not in ("", "on", "off"):
            return self.needs("live")
        self.live = (not self.live) if arg == "" else arg == "on"
        return Reply(f"live preview {'on' if self.live else 'off'}")

    def cmd_reset(self, arg: str) -> Reply:
        self.statements, self.bindings, self.last_pipeline, self.last_failed = [], {}, None, None
        return Reply("no bindings")

    def cmd_quit(self, arg: str) -> Reply:
        return Reply("", quit=True)

    def cmd_save(self, arg: str) -> Reply:
        if not arg:
            return self.needs("save")
        if not self.statements and self.last_pipeline is None:
            return Reply(self.paint("err", "error: ") + "nothing to save yet", ok=False)
        path = os.path.expanduser(shlex.split(arg)[0])
        inputs = " ".join(shlex.quote(f) for f in self.files) or "INPUT"
        lines = ["#!/usr/bin/env -S sl -f", f"# saved from the StreamLang toplevel; run: sl -f {path} {inputs}"]
        lines += self.statements
        if self.last_pipeline is not None:
            lines.append(self.last_pipeline)
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            os.chmod(path, os.stat(path).st_mode | 0o111)
        except OSError as e:
            return Reply(self.paint("err", "error: ") + f"cannot write {path}: {e.strerror}", ok=False)
        what = f"{len(self.statements)} statement{'s' if len(self.statements) != 1 else ''}"
        if self.last_pipeline is not None:
            what += " and the pipeline " + self.quoted(self.last_pipeline)
        return Reply("\n".join([f"saved {what} to {path}", *self.failed_warning()]))

    def quoted(self, pipeline: str) -> str:
        """A pipeline as answers echo it: on one line, in backquotes."""
        return "`" + " ".join(pipeline.split()) + "`"

    def failed_warning(self) -> list[str]:
        if self.last_failed is None:
            return []
        return [self.paint("err", "warning: ") + "the last input failed, so it is not in it: "
                + self.quoted(self.last_failed)]

    def cmd_run(self, arg: str) -> Reply:
        """The last pipeline over the whole input: into a file (`> FILE`) or a temporary one to page."""

        if self.last_pipeline is None:
            return self.no_pipeline()
        if self.last_failed is not None:
            # Running the pipeline before the failed one would answer a question that was not asked.
            return Reply(self.paint("err", "error: ") + "the last input failed: " + self.quoted(self.last_failed)
                         + "\n:run runs the last pipeline that worked, " + self.quoted(self.last_pipeline)
                         + "; fix the input, or enter that pipeline again (Up), then :run", ok=False)
        target = None
        if arg:
            if not arg.startswith(">") or not arg[1:].strip():
                return self.needs("run")
            target = os.path.expanduser(shlex.split(arg[1:].strip())[0])
        fmt = FORMAT_OF_EXTENSION.get(os.path.splitext(target or "")[1].lower())
        compiled = self.build(self.last_pipeline, sink="write", output_format=fmt)
        if reads_session_input(compiled.ir) and not self.files:
            return Reply(self.paint("err", "error: ") + "no input to run on (:load FILE)", ok=False)
        if target is None:
            fd, path = tempfile.mkstemp(prefix="sl-run-", suffix=".txt")
            os.close(fd)
        else:
            path = target
        try:
            with open(path, "wb") as out:
                lines, notes = self._run_all(compiled, _Counting(out))
        except OSError as e:
            return Reply(self.paint("err", "error: ") + f"cannot write {path}: {e.strerror or e}", ok=False)
        running = self.paint("note", "run: " + self.quoted(self.last_pipeline) + " on " + self.inputs_named())
        if target is None:
            return Reply("\n".join(notes), page=path, preface=running)
        noun = "line" if lines == 1 else "lines"
        return Reply("\n".join([running, f"wrote {lines} {noun} to {path}", *notes]))

    def inputs_named(self) -> str:
        return ", ".join(self.files) if self.files else "no input"

    def _run_all(self, compiled: Compiled, out: _Counting) -> tuple[int, list[str]]:
        """Run over the whole input into `out`; the lines written and the notes on the run.
        Ctrl-C stops the run, not the session."""
        from .toprun import ToplevelRun

        assert self.last_pipeline is not None
        rt = ToplevelRun(self.sites(compiled, self.last_pipeline), self.files, None, out=out)  # type: ignore[arg-type]
        interrupted = False
        try:
            compiled.run(rt.open("-"), rt)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            rt.flush()
            rt.close()
        notes = [self.paint("note", f"sl: {m}") for m in rt.messages]
        summary = rt.summary()
        if summary:
            notes += [self.paint("note", line) for line in summary.removeprefix("sl: ").split("\n")]
        if interrupted:
            notes.append(self.paint("err", "interrupted") + f" after {out.lines} lines")
        return out.lines, notes


class _Counting:
    """A binary file that counts the lines written to it."""

    def __init__(self, f: Any):
        self.f = f
        self.lines = 0

    def write(self, data: bytes) -> int:
        self.lines += data.count(b"\n")
        return int(self.f.write(data))

    def flush(self) -> None:
        self.f.flush()
