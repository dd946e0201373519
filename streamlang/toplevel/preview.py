"""The live preview: the pipeline being typed, run on the sample, off the UI thread.

Safe because a pipeline has no side effects. Each keystroke `request`s a
preview; one worker thread waits until typing pauses (`delay`), then runs
the latest request with a time budget. A newer keystroke cancels the run
in progress at its next check (every batch of sample lines, every row):
typing is never blocked, and a stale preview is never shown.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .sample import Cancelled
from .session import Reply

Compute = Callable[[str, int, Callable[[], None]], "Reply | None"]


class Previewer:
    def __init__(self, compute: Compute, on_update: Callable[[], None], *, delay: float = 0.12,
                 budget: float = 1.5):
        self.compute = compute
        self.on_update = on_update
        self.delay = delay
        self.budget = budget
        self.result: Reply | None = None
        self.stale = False  # the result shown is for an older input; a new one is being computed
        self._cond = threading.Condition()
        self._generation = 0
        self._request: tuple[int, str, int, float] | None = None
        self._thread: threading.Thread | None = None
        self.runs = 0  # previews completed (for tests)

    def request(self, text: str, cursor: int) -> None:
        """Preview `text` once typing pauses; cancels any preview under way."""
        with self._cond:
            self._generation += 1
            self._request = (self._generation, text, cursor, time.monotonic())
            self.stale = self.result is not None
            self._cond.notify()
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="sl-preview", daemon=True)
            self._thread.start()

    def clear(self) -> None:
        """Forget the preview (the input was submitted or emptied)."""
        with self._cond:
            self._generation += 1
            self._request = None
            self.result = None
            self.stale = False

    def _next(self) -> tuple[int, str, int]:
        with self._cond:
            while True:
                if self._request is None:
                    self._cond.wait()
                    continue
                gen, text, cursor, at = self._request
                wait = at + self.delay - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)  # debounce: a newer request restarts the wait
                    continue
                self._request = None
                return gen, text, cursor

    def _checker(self, gen: int, deadline: float) -> Callable[[], None]:
        def check() -> None:
            if self._generation != gen:
                raise Cancelled("superseded")
            if time.monotonic() > deadline:
                raise Cancelled("timeout")
        return check

    def _loop(self) -> None:
        while True:
            gen, text, cursor = self._next()
            try:
                reply = self.compute(text, cursor, self._checker(gen, time.monotonic() + self.budget))
            except Cancelled as c:
                if c.args == ("superseded",):
                    continue
                reply = Reply(f"(no preview: it takes more than {self.budget:g} s on the sample; Enter runs it)")
            except Exception as e:  # noqa: BLE001 - a preview must never take the session down
                reply = Reply(f"(no preview: internal error {type(e).__name__}: {e})", ok=False)
            with self._cond:
                if self._generation != gen:
                    continue
                self.result = reply
                self.stale = False
                self.runs += 1
            self.on_update()
