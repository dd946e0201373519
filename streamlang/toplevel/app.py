"""`sl -i`: start the toplevel, showing the prompt before the slow imports.

prompt_toolkit takes about 300 ms to import, the compiler (with lark) as
long again. So `run_toplevel` first writes the banner and the prompt with
plain writes and puts the terminal in no-echo mode, so that what is typed
meanwhile waits in the terminal's buffer; then it imports prompt_toolkit,
whose prompt takes over the same line and reads what was typed. The
compiler, the highlighter and the sample load in a background thread while
the first input is being typed.

This module imports nothing slow itself: `sl` one-liners never load
prompt_toolkit.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable

PROMPT = "sl> "


def run_toplevel(files: list[str]) -> int:
    """The toplevel on these sample files; the exit status."""
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    color = terminal and "NO_COLOR" not in os.environ
    release = hold_keys() if terminal else _nothing
    try:
        if terminal:
            sys.stdout.write(banner(files) + "\n" + PROMPT + "\r")
            sys.stdout.flush()
        try:
            from .repl import Toplevel
            from .session import Session
        except ImportError as e:
            release()
            print(f"sl: the toplevel needs prompt_toolkit ({e}); install `streamlang[repl]`", file=sys.stderr)
            return 2
        session = Session(files, color=color)
        top = Toplevel(session, color=color, pager=terminal, before_first_prompt=release)
        return top.run(show_banner=not terminal)
    except KeyboardInterrupt:
        return 130
    finally:
        release()


def banner(files: list[str]) -> str:
    from .. import __version__
    sample = ", ".join(files) if files else "none yet (:load FILE)"
    return f"StreamLang {__version__} · sample: {sample} · :help for help · Ctrl-D leaves"


def _nothing() -> None:
    pass


def hold_keys() -> Callable[[], None]:
    """Stop the terminal from echoing (or acting on) keys until the prompt is ready;
    returns the function that gives the terminal back as it was."""
    try:
        import termios
        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except (ImportError, OSError, ValueError):
        return _nothing
    done = False

    def release() -> None:
        nonlocal done
        if not done:
            done = True
            try:
                termios.tcsetattr(fd, termios.TCSANOW, saved)
            except OSError:
                pass

    return release
