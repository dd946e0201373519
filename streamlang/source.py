"""Program text and positions in it.

Every syntax node carries a `Span`; diagnostics turn spans back into
`NAME:LINE:COL` with the source line, so a position is never guessed.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of character offsets into one `Source`."""

    start: int
    end: int

    def to(self, other: "Span") -> "Span":
        """The smallest span covering both."""
        return Span(min(self.start, other.start), max(self.end, other.end))

    def shifted(self, offset: int) -> "Span":
        return Span(self.start + offset, self.end + offset)


@dataclass(frozen=True)
class Source:
    """A program's text and the name diagnostics use for it (a path, or `<program>`)."""

    text: str
    name: str = "<program>"
    _line_starts: list[int] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        starts.extend(i + 1 for i, ch in enumerate(self.text) if ch == "\n")
        object.__setattr__(self, "_line_starts", starts)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of an offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline."""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return (self.text[start:] if end < 0 else self.text[start:end]).rstrip("\r")

    def location(self, span: Span) -> str:
        line, col = self.line_col(span.start)
        return f"{self.name}:{line}:{col}"
