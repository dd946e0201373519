"""The toplevel's prompt_toolkit application.

Layout, top to bottom, in the terminal's normal scrollback (not full screen):

    sl> parse apache | count by .status          <- the input (highlighted, multi-line)
    ── preview ─────────────────────────────     <- the live preview pane (while typing)
    - : stream<{status: int, count: int}>
    status  count
    ...

The completion menu floats over the preview pane. On Enter the pane goes
away, and the answer is printed under the input like any REPL's, so the
session reads as a transcript.
"""
from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable

from prompt_toolkit import PromptSession
from prompt_toolkit.application.current import get_app
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.document import Document
from prompt_toolkit.filters import is_searching, to_filter
from prompt_toolkit.formatted_text import ANSI, StyleAndTextTuples
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import Dimension, HSplit, Window
from prompt_toolkit.lexers import Lexer
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.search import accept_search
from prompt_toolkit.styles import Style

from .app import banner
from .completer import StreamLangCompleter
from .preview import Previewer
from .session import Session

PROMPT = "sl> "
STYLE = Style.from_dict({
    # The preview pane is the prompt's bottom toolbar, without the toolbar's reverse video.
    "bottom-toolbar": "noreverse",
    "bottom-toolbar.text": "noreverse",
    "rule": "#888888",
})


def history_path() -> str:
    """`$XDG_STATE_HOME/streamlang/history` (`~/.local/state/streamlang/history`)."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(state, "streamlang", "history")


def file_history(path: str) -> History:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return FileHistory(path)
    except OSError:
        return InMemoryHistory()


class LazyLexer(Lexer):
    """Plain text until the StreamLang lexer is loaded (after the prompt is up)."""

    def __init__(self) -> None:
        self.inner: Lexer | None = None

    def load(self) -> None:
        from prompt_toolkit.lexers import PygmentsLexer

        from ..lexer import StreamLangLexer
        self.inner = PygmentsLexer(StreamLangLexer, sync_from_start=True)

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        if self.inner is not None:
            return self.inner.lex_document(document)
        lines = document.lines
        return lambda i: [("", lines[i])] if i < len(lines) else []


class _PromptSession(PromptSession):  # type: ignore[type-arg]
    """A prompt whose bottom toolbar (the preview pane) sits right under the input.

    PromptSession lets the input window take the screen's spare rows (so its
    toolbar sits at the bottom of the screen) and reserves rows for the
    completion menu all the time. Here the input keeps to its own lines, a
    filler under the toolbar takes the spare rows, and rows for the menu are
    reserved only while it is open.
    """

    def _get_default_buffer_control_height(self) -> Dimension:
        state = self.default_buffer.complete_state
        if state is None or get_app().is_done:
            return Dimension()
        return Dimension(min=min(self.reserve_space_for_menu, len(state.completions) + 1))

    def keep_input_compact(self) -> None:
        root = self.app.layout.container
        assert isinstance(root, HSplit)
        root.children.append(Window())
        self.app.layout.current_window.dont_extend_height = to_filter(True)


class Toplevel:
    """The read-eval-print loop around a `Session`.

    `echo` receives each answer's text (ANSI when `color`); tests pass a
    list's `append` with prompt_toolkit's pipe input and a dummy output.
    """

    def __init__(self, session: Session, *, input: Input | None = None, output: Output | None = None,
                 history: History | None = None, color: bool = False, echo: Callable[[str], None] | None = None,
                 pager: bool = False, before_prompt: Callable[[], None] | None = None,
                 preview_delay: float = 0.12, preview_budget: float = 1.5):
        self.session = session
        self.color = color
        self.echo = echo or self._write
        self.pager = pager
        self.before_prompt = before_prompt
        self.lexer = LazyLexer()
        self.previewer = Previewer(self._compute_preview, self._preview_ready, delay=preview_delay,
                                   budget=preview_budget)
        self.warmed = threading.Event()
        self.prompt = _PromptSession(
            PROMPT, multiline=True, prompt_continuation=self._continuation, lexer=self.lexer,
            completer=StreamLangCompleter(session), complete_in_thread=True, complete_while_typing=True,
            history=history if history is not None else file_history(history_path()),
            auto_suggest=AutoSuggestFromHistory(), key_bindings=self._keys(), style=STYLE,
            include_default_pygments_style=color, color_depth=None if color else ColorDepth.MONOCHROME,
            reserve_space_for_menu=8, input=input, output=output, bottom_toolbar=None,
            enable_suspend=True,
        )
        self.prompt.keep_input_compact()
        buffer = self.prompt.default_buffer
        buffer.on_text_changed += self._changed
        buffer.on_cursor_position_changed += self._changed

    # the loop ----------------------------------------------------------------------

    def run(self, show_banner: bool = True) -> int:
        if show_banner:
            self.echo(banner(self.session.files))
        first = True
        while True:
            if self.before_prompt is not None:
                self.before_prompt()
            try:
                text = self.prompt.prompt(pre_run=self._warm_up if first else None)
            except KeyboardInterrupt:
                continue  # Ctrl-C: the input is dropped, the session goes on
            except EOFError:
                break  # Ctrl-D on an empty line
            finally:
                first = False
                self._hide_preview()
            if not self.answer(text):
                break
        return 0

    def answer(self, text: str) -> bool:
        """Print the answer to one input; False when the session is over."""
        self.session.width = max(20, self.prompt.output.get_size().columns - 1)
        try:
            reply = self.session.submit(text)
        except KeyboardInterrupt:
            self.echo(self.session.paint("err", "interrupted"))
            return True
        if reply.preface:
            self.echo(reply.preface)
        if reply.page is not None:
            self.show_page(reply.page)
        if reply.text:
            self.echo(reply.text)
        return not reply.quit

    def show_page(self, path: str) -> None:
        try:
            command = pager_command() if self.pager else None
            if command is not None:
                try:
                    pager = subprocess.Popen([*command, path])
                except OSError as e:
                    self.echo(self.session.paint("err", "error: ") + f"cannot run the pager {command[0]}: {e}")
                    return
                while True:
                    try:
                        pager.wait()
                        break
                    except KeyboardInterrupt:
                        continue  # Ctrl-C belongs to the pager while it runs (less uses it)
            else:
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read().rstrip("\n")
                if text:
                    self.echo(text)
        finally:
            os.unlink(path)

    def _write(self, text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def _warm_up(self) -> None:
        """Load what the first answer needs while the user types it."""
        def load() -> None:
            # Any error here is met again, and reported, when the first input needs the same thing.
            with contextlib.suppress(Exception):
                self.lexer.load()
                self.prompt.app.invalidate()
                from ..driver import check
                from ..source import Source
                from .session import COMPILER
                with COMPILER:
                    check(Source("map _", "<warm-up>"))
                self.session.sample.segments()
                self.session.sample.total()  # for the label `first 1,000 of N lines`: counted once, here
            self.warmed.set()
        threading.Thread(target=load, name="sl-warm-up", daemon=True).start()

    # input -------------------------------------------------------------------------

    def _continuation(self, width: int, line_number: int, wrap_count: int) -> str:
        return "... ".rjust(width)

    def _keys(self) -> KeyBindings:
        kb = KeyBindings()

        @kb.add("enter", filter=~is_searching)
        def _enter(event: KeyPressEvent) -> None:
            self._enter(event.current_buffer)

        @kb.add("enter", filter=is_searching)
        def _accept_search(event: KeyPressEvent) -> None:
            # Ctrl-R ... Enter: take the match and run it, as readline does. (The input's own
            # Enter must not fire here: it would act on the search field.)
            accept_search()
            self._enter(event.app.current_buffer)

        @kb.add("escape", "enter")
        def _newline(event: KeyPressEvent) -> None:
            event.current_buffer.insert_text("\n")

        return kb

    def _enter(self, buf: Buffer) -> None:
        from .text import needs_more

        state = buf.complete_state
        if state is not None and state.current_completion is not None:
            buf.apply_completion(state.current_completion)
            return
        if needs_more(buf.text):
            buf.insert_text("\n")
        else:
            buf.validate_and_handle()

    # the preview pane ------------------------------------------------------------------

    def _changed(self, _buffer: object) -> None:
        buf = self.prompt.default_buffer
        if not self.session.live or not buf.text.strip() or buf.text.lstrip().startswith(":"):
            self._hide_preview()
            return
        self.previewer.request(buf.text, buf.cursor_position)

    def _hide_preview(self) -> None:
        self.previewer.clear()
        self.prompt.bottom_toolbar = None

    def _compute_preview(self, text: str, cursor: int, check: Callable[[], None]):  # type: ignore[no-untyped-def]
        self.warmed.wait()
        return self.session.preview(text, cursor, self._preview_rows(), check)

    def _preview_rows(self) -> int:
        rows = self.prompt.output.get_size().rows
        return max(1, min(self.session.show, rows // 2 - 4))

    def _preview_ready(self) -> None:
        self.prompt.bottom_toolbar = self._pane
        self.prompt.app.invalidate()

    def _pane(self) -> ANSI | str:
        reply = self.previewer.result
        if reply is None:
            return ""
        size = self.prompt.output.get_size()
        lines = reply.at_width(max(20, size.columns - 1)).split("\n")
        room = max(3, size.rows - self.prompt.default_buffer.document.line_count - 3)
        if len(lines) > room:
            lines = lines[:room - 1] + ["…"]
        # A keystroke since: this preview is of an older input until the new one is ready.
        label = " preview · updating… " if self.previewer.stale else " preview "
        rule = "──" + label + "─" * max(0, size.columns - len(label) - 3)
        return ANSI("\n".join([self.session.paint("note", rule), *lines]))


def pager_command() -> list[str] | None:
    pager = os.environ.get("PAGER")
    if pager:
        return shlex.split(pager)
    if shutil.which("less"):
        return ["less", "-FRSX"]
    if shutil.which("more"):
        return ["more"]
    return None
