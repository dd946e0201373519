"""`sl -i`: start the toplevel, showing the prompt before the slow imports.

prompt_toolkit takes about 300 ms to import, the compiler (with lark) as
long again. So `run_toplevel` first writes the banner and the prompt with
plain writes and puts the terminal in no-echo mode, so that what is typed
meanwhile waits in the terminal's buffer; then it imports prompt_toolkit,
whose prompt takes over the same line and reads what was typed. Between
prompts (while an answer is computed) the terminal stays quiet the same way. The
compiler, the highlighter and the sample load in a background thread while
the first input is being typed.

This module imports nothing slow itself: `sl` one-liners never load
prompt_toolkit.
"""
from __future__ import annotations

import os
import shutil
import sys
from typing import TextIO

PROMPT = "sl> "


def run_toplevel(files: list[str]) -> int:
    """The toplevel on these sample files; the exit status."""
    problem = unreadable(files)
    if problem is not None:
        print(f"sl: {problem}", file=sys.stderr)
        return 2
    if not sys.stdin.isatty():
        return run_piped(files, sys.stdin)
    terminal = sys.stdout.isatty()
    color = terminal and "NO_COLOR" not in os.environ
    modes = TerminalModes() if terminal else None
    try:
        if modes is not None:
            modes.quiet(signals=False)  # Ctrl-C while loading goes to the prompt, as a key
            sys.stdout.write(banner(files) + "\n" + PROMPT + "\r")
            sys.stdout.flush()
        try:
            from .repl import Toplevel
            from .session import Session
        except ImportError as e:
            if modes is not None:
                modes.restore()
                sys.stdout.write("\n")
            return not_installed(e)
        session = Session(files, color=color)
        before = (lambda: modes.quiet(signals=True)) if modes is not None else None
        top = Toplevel(session, color=color, pager=terminal, before_prompt=before)
        return top.run(show_banner=not terminal)
    except KeyboardInterrupt:
        return 130
    finally:
        if modes is not None:
            modes.restore()


def run_piped(files: list[str], stream: TextIO) -> int:
    """`sl -i < inputs`: answer each input read from a pipe, without a prompt.

    Inputs are split as at the prompt (a trailing `|` or an open bracket
    continues one). The status is 1 if any answer was an error, else 0.
    """
    try:
        from .session import Session
        from .text import needs_more
    except ImportError as e:
        return not_installed(e)

    session = Session(files, width=shutil.get_terminal_size((100, 24)).columns - 1)
    failed = False
    pending: list[str] = []
    for line in [*stream, ""]:
        pending.append(line.rstrip("\n"))
        text = "\n".join(pending)
        if line and needs_more(text):
            continue
        pending = []
        reply = session.submit(text)
        failed = failed or not reply.ok
        if reply.preface:
            print(reply.preface)
        if reply.page is not None:
            with open(reply.page, encoding="utf-8", errors="replace") as f:
                sys.stdout.write(f.read())
            os.unlink(reply.page)
        if reply.text:
            print(reply.text)
        if reply.quit:
            break
    return 1 if failed else 0


def not_installed(e: ImportError) -> int:
    from ..cli import TOPLEVEL_INSTALL, TOPLEVEL_NEEDS, missing_dependency
    print(missing_dependency(TOPLEVEL_NEEDS, e.name, TOPLEVEL_INSTALL), file=sys.stderr)
    return 2


def unreadable(files: list[str]) -> str | None:
    """Why a sample file cannot be read (`cannot read nosuch.log: No such file or directory`), or None:
    said at once, not at the first input."""
    from .sample import expand_globs

    for path in expand_globs(files):
        if path == "-" or "://" in path or os.path.isdir(path):
            continue
        try:
            with open(path, "rb"):
                pass
        except OSError as e:
            return f"cannot read {path}: {e.strerror or e}"
    return None


def banner(files: list[str]) -> str:
    from .. import __version__
    sample = ", ".join(files) if files else "none yet (:load FILE)"
    return f"StreamLang {__version__} · sample: {sample} · :help for help · Ctrl-D leaves"


class TerminalModes:
    """The terminal's modes: quiet (no echo) while no prompt is reading, as they were at the end.

    Keys typed while the toplevel is loading or answering wait in the
    terminal's buffer without being echoed, and the next prompt shows them
    in their place instead of after stray echoed text. With `signals`,
    Ctrl-C still interrupts (a running pipeline); without, it is a key like
    any other (for the prompt to read).
    """

    def __init__(self) -> None:
        self.saved: list | None = None  # type: ignore[type-arg]
        try:
            import termios
            self.fd = sys.stdin.fileno()
            self.saved = termios.tcgetattr(self.fd)
        except (ImportError, OSError, ValueError):
            pass

    def quiet(self, signals: bool) -> None:
        if self.saved is None:
            return
        import termios
        mode = termios.tcgetattr(self.fd)
        mode[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN | termios.ISIG)
        if signals:
            mode[3] |= termios.ISIG
        try:
            termios.tcsetattr(self.fd, termios.TCSANOW, mode)
        except OSError:
            pass

    def restore(self) -> None:
        if self.saved is None:
            return
        import termios
        try:
            termios.tcsetattr(self.fd, termios.TCSANOW, self.saved)
        except OSError:
            pass
