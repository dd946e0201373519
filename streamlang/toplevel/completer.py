"""Tab completion: commands, stages, functions, aggregates, formats, bindings,
and after `.` the fields of the element at that point of the pipeline (from
the checker, so `parse apache | where .st` offers `status`)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from .session import COMMANDS, Session, binding_kind
from .text import after_parse, field_context, stage_position, word_before

KEYWORDS = ("let", "type", "fun", "if", "then", "else", "by", "as", "asc", "desc", "in", "true", "false", "null")
PATH_COMMANDS = ("load", "save", "use")


class StreamLangCompleter(Completer):
    def __init__(self, session: Session):
        self.session = session
        self.paths = PathCompleter(expanduser=True)

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterator[Completion]:
        before = document.text_before_cursor
        if before.lstrip().startswith(":"):
            yield from self.command(before.lstrip(), document, event)
            return
        ctx = field_context(before)
        if ctx is not None:
            for name, t in self.session.fields_at(before):
                yield Completion(name, -len(ctx.partial), display_meta=t)
            return
        word = word_before(before)
        if not word and not event.completion_requested:
            return
        yield from _matching(word, self.names(before))

    def names(self, before: str) -> Iterable[tuple[str, str]]:
        from ..prelude import AGGREGATES, FORMATS, FUNCTIONS, STAGES

        if after_parse(before):
            from ..lexer import FORMATS as ALL_FORMATS
            yield from ((f, "format") for f in dict.fromkeys([*FORMATS, *ALL_FORMATS]))
            return
        bindings = self.session.bindings
        if stage_position(before):
            yield from ((s.name, s.syntax) for s in STAGES.values())
            yield from ((n, t) for n, t in bindings.items() if binding_kind(t) in ("stage", "stream"))
            yield from (("let", "let NAME = ..."), ("type", "type NAME = ..."))
        yield from ((n, t) for n, t in bindings.items() if binding_kind(t) in ("value", "function"))
        yield from ((f.name, f.signature) for f in FUNCTIONS.values())
        if "summarize" in before:
            yield from ((a.name, "aggregate") for a in AGGREGATES.values())
        yield from ((k, "keyword") for k in KEYWORDS)

    def command(self, before: str, document: Document, event: CompleteEvent) -> Iterator[Completion]:
        word, space, arg = before[1:].partition(" ")
        if not space:
            yield from _matching(word, ((c, COMMANDS[c][1]) for c in COMMANDS))
            return
        name = self.session.command_name(word)
        if name == "help":
            from .. import docs
            names = [(n, kind) for kind, ns in docs.names().items() for n in ns]
            yield from _matching(arg.strip(), names + [(f":{c}", "command") for c in COMMANDS])
        elif name in PATH_COMMANDS or name == "run" and arg.lstrip().startswith(">"):
            path = arg.split()[-1] if arg.split() and not arg.endswith(" ") else ""
            if path == ">":
                path = ""
            yield from self.paths.get_completions(Document(path, len(path)), event)
        elif name == "live":
            yield from _matching(arg.strip(), [("on", ""), ("off", "")])


def _matching(word: str, candidates: Iterable[tuple[str, str]]) -> Iterator[Completion]:
    seen: set[str] = set()
    for name, meta in candidates:
        if name.startswith(word) and name not in seen and name != word:
            seen.add(name)
            yield Completion(name, -len(word), display_meta=meta)
