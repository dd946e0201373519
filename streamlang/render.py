"""Diagnostics to text: the one place that formats them.

    <program>:1:38: error: no field `stauts` in {status: int}
      |
    1 | split "\\t" as {status: int} | where .stauts > 1
      |                                      ^^^^^^^
      = hint: did you mean `.status`?
"""
from __future__ import annotations

from .errors import Diagnostic

RED, GREEN, BLUE, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[34m", "\x1b[1m", "\x1b[0m"


def render(diag: Diagnostic, color: bool = False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    src = diag.source
    line, col = src.line_col(diag.span.start)
    end_line, end_col = src.line_col(max(diag.span.start, diag.span.end - 1))
    text = src.line_text(line)
    width = len(text) - col + 1 if end_line != line else end_col - col + 1
    carets = "^" * max(1, width)
    gutter = " " * len(str(line))
    mark = GREEN if diag.severity == "note" else RED
    out = [
        paint(BOLD, f"{diag.location}: ") + paint(mark, f"{diag.severity}: ") + paint(BOLD, diag.message),
        paint(BLUE, f"{gutter} |"),
        paint(BLUE, f"{line} | ") + text.expandtabs(1),
        paint(BLUE, f"{gutter} | ") + " " * (col - 1) + paint(mark, carets),
    ]
    if diag.hint:
        out.append(paint(BLUE, f"{gutter} = ") + f"hint: {diag.hint}")
    return "\n".join(out)


def render_all(diags: list[Diagnostic], color: bool = False) -> str:
    return "\n".join(render(d, color) for d in diags)
