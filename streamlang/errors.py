"""The two families of errors.

A `Diagnostic` is something the user caused: it always has a span, a message
and maybe a hint, and `CompileError` carries one or more of them out of the
compiler. Anything else that escapes is a bug in StreamLang and is reported
as one (`InternalError`), never dressed up as the user's mistake.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from .source import Source, Span


@dataclass(frozen=True)
class Diagnostic:
    source: Source
    span: Span
    message: str
    hint: str | None = None
    # Set when the error only arose because a type was not known yet (a
    # parameter of a user function checked without its arguments).
    tentative: bool = False
    # "note": not an error of its own but where the one before it arose (the
    # call of a user function whose body failed with these arguments).
    severity: str = "error"

    @property
    def location(self) -> str:
        return self.source.location(self.span)


class CompileError(Exception):
    """Raised for any bad program; `diagnostics` says where and why."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(f"{d.location}: {'note: ' if d.severity == 'note' else ''}{d.message}"
                                   for d in diagnostics))

    def render(self, color: bool = False) -> str:
        from .render import render_all

        return render_all(self.diagnostics, color=color)


class UsageError(Exception):
    """A bad command line or option value (exit status 2)."""


class InternalError(Exception):
    """A bug in StreamLang itself."""


def did_you_mean(name: str, known: Iterable[str], quote: str = "`{}`") -> str | None:
    """The hint for a misspelt name: the closest known one by difflib, ratio >= 0.6."""
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if not match:
        return None
    return "did you mean " + quote.format(match[0]) + "?"
