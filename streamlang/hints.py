"""What the compiler knows about the input before reading it: `InputHints`.

`parse csv` and `parse tsv` without a schema are typed from the header of
every input file, so the checker must know those headers. The driver (the
command line) reads each file's first line before checking and hands them
over as one immutable value; the checker never reads a file itself. The same
value is part of the compile cache's key, so a program compiled for one
set of headers is never run on files with others.

This module is on the one-liner's start-up path: no `dataclasses`, no `typing`.
"""
from __future__ import annotations

# A header longer than this is not read ahead: the program is typed without it.
MAX_HEADER = 1 << 16


class InputHints:
    """The first line of each input file, in input order (None for an empty or
    unreadable file), and whether every input's first line could be known:
    stdin, pipes and URLs cannot be read twice or cheaply, so with one of them
    among the inputs `complete` is False and no header is used.

    >>> h = InputHints(("ip,status", "a,b"), complete=True)
    >>> h.headers
    ('ip,status', 'a,b')
    >>> h.headers = ()
    Traceback (most recent call last):
      ...
    AttributeError: InputHints is immutable
    """

    __slots__ = ("headers", "complete")
    headers: tuple[str | None, ...]
    complete: bool

    def __init__(self, headers: tuple[str | None, ...] = (), complete: bool = False) -> None:
        object.__setattr__(self, "headers", tuple(headers))
        object.__setattr__(self, "complete", bool(complete))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("InputHints is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InputHints) and self.key_part() == other.key_part()

    def __hash__(self) -> int:
        return hash((self.headers, self.complete))

    def __repr__(self) -> str:
        return f"InputHints(headers={self.headers!r}, complete={self.complete!r})"

    def key_part(self) -> list[object]:
        """The hints as JSON data, for the compile cache's key."""
        return [list(self.headers), self.complete]


NO_HINTS = InputHints()


def hints_for(text: str, files: list[str]) -> InputHints:
    """What `text` may need to know of its input: the headers only where the
    program can name `parse csv` or `parse tsv` (by a word its text must then
    hold), so that other programs open no file before the run, and their cache
    entry serves whatever the input's first lines are.

    >>> hints_for("parse apache | count", ["no-such-file"]) is NO_HINTS
    True
    """
    if "csv" not in text and "tsv" not in text:
        return NO_HINTS
    return peek_inputs(files)


def peek_inputs(files: list[str]) -> InputHints:
    """The first line of every file `files` names (directories and globs expanded)."""
    from .runtime.inputs import expand, is_url
    headers: list[str | None] = []
    complete = True
    for path in expand(files):
        if path == "-" or is_url(path):
            complete = False
            continue
        line, known = _first_line(path)
        complete = complete and known
        headers.append(line)
    return InputHints(tuple(headers), complete and bool(headers))


def _first_line(path: str) -> tuple[str | None, bool]:
    """A file's first line without its line end or byte order mark (None if the file is
    empty or cannot be read, which the run reports), and False if it is too long to know
    or cannot be read twice (a pipe, `<(command)`: what is read here the run would miss)."""
    import os
    import stat

    from .runtime.inputs import header_text, open_binary
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None, False
    except OSError:
        return None, True
    try:
        with open_binary(path) as f:
            raw = f.readline(MAX_HEADER + 1)
    except Exception:  # a corrupt archive raises its own errors; the run reports the file when it reads it
        return None, True
    if len(raw) > MAX_HEADER:
        return None, False
    if not raw:
        return None, True
    return header_text(raw), True
