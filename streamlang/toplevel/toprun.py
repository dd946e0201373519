"""The run of a toplevel phrase: `stdin` is the session's input, on the sample or on everything."""
from __future__ import annotations

import io
from collections.abc import Callable

from ..runtime.inputs import Input
from ..runtime.run import Run, Site
from .sample import Sample, Segment, SegmentsInput, expand_globs, no_check, read_head


class ToplevelRun(Run):
    """A run whose `stdin` is the session's input, on the sample or on everything.

    `sample` set: every source reads at most the sample's size of lines.
    """

    def __init__(self, sites: list[Site], files: list[str], sample: Sample | None,
                 check: Callable[[], None] = no_check, out: io.RawIOBase | io.BufferedIOBase | None = None):
        self.messages: list[str] = []
        super().__init__(sites, out=out if out is not None else io.BytesIO(),  # type: ignore[arg-type]
                         err=self.messages.append)
        self.files = files
        self.sample = sample
        self.check = check

    def open(self, path: str | list[str]) -> Input:
        paths = [path] if isinstance(path, str) else list(path)
        src: object
        if self.sample is not None:
            src = SegmentsInput(self._sample if paths == ["-"] else lambda: self._head(paths), self.check)
        else:
            paths = [p for q in paths for p in (self.files if q == "-" else [q])]
            src = Input(expand_globs(paths), self._flush_and_check, self.report_io)
        self.inputs.append(src)  # type: ignore[arg-type]
        self.current = src  # type: ignore[assignment]
        return src  # type: ignore[return-value]

    def _sample(self) -> list[Segment]:
        assert self.sample is not None
        segments = self.sample.segments()
        self.messages.extend(self.sample.errors)
        return segments

    def _head(self, paths: list[str]) -> list[Segment]:
        assert self.sample is not None
        segments, errors = read_head(paths, self.sample.size, self.check)
        self.messages.extend(errors)
        return segments

    def _flush_and_check(self) -> None:
        self.check()
        self.flush()
