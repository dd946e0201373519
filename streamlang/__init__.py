"""StreamLang: a small, typed, functional pipeline language for text streams.

    >>> import streamlang
    >>> p = streamlang.compile('words | count by w = _[0]')
    >>> list(p.run(["a b", "a c", "b"]))
    [{'w': 'a', 'count': 2}, {'w': 'b', 'count': 1}]

The compiler is imported on first use, so that `import streamlang.lexer`
(Pygments) stays cheap.
"""
from __future__ import annotations

__version__ = "0.1.0"

# `typing` costs 20 ms to import; a one-liner's start-up goes without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .driver import Program, compile
    from .errors import CompileError
    from .runtime.run import RunError


def __getattr__(name: str) -> Any:
    if name in ("compile", "Program"):
        from . import driver
        return getattr(driver, name)
    if name == "CompileError":
        from .errors import CompileError
        return CompileError
    if name == "RunError":
        from .runtime.run import RunError
        return RunError
    raise AttributeError(name)


__all__ = ["compile", "Program", "CompileError", "RunError", "__version__"]
