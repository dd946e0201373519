"""The `sl` command: arguments, running, exit statuses (SPEC §6)."""
from __future__ import annotations

import argparse
import os
import sys

# `typing` costs 20 ms to import; a one-liner's start-up goes without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

USAGE = """\
sl [OPTIONS] PROGRAM [FILE ...]
       sl [OPTIONS] -f SCRIPT.sl [FILE ...]
       sl -i [FILE ...]"""

EXAMPLES = """\
examples:
  sl 'parse apache | count by .status' access.log
  sl 'parse apache | where .status >= 500 | select .time, .path | csv' access.log
  sl 'words | count by w = _[0] | top 5 by .count' notes.txt
  sl -q 'parse apache | where .status == 503' access.log && echo "503s!"
  sl -f errors.sl /var/log/nginx/
  sl --help where          (the reference entry of a stage, function, format or operator)
  sl --help stages         (all of one kind: stages functions aggregates formats operators)

exit status: 0 success; 1 the run failed (I/O, --strict, -q found nothing);
2 a usage, syntax or type error (no input was read)."""


# A script is a program someone wrote: past this it is not one (`-f /dev/zero`).
MAX_SCRIPT_BYTES = 4 << 20
# dask.distributed's protocols that reach another process (`inproc://` does not).
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")


class ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ArgumentError(message)


def _count(text: str) -> int:
    """`-j N`: a number of processes, at least one."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"`{text}` is not a number of processes (1 or more)")
    return n


def _jobs(text: str) -> int | None:
    """`-j N` or `-j auto` (None: as many as pays off, see runtime/parallel.py)."""
    return None if text == "auto" else _count(text)


def _megabytes(text: str) -> float:
    """`--memory MB`: a size above zero (a fraction of a megabyte is allowed)."""
    try:
        mb = float(text)
    except ValueError:
        mb = 0.0
    if not 0 < mb < float("inf"):
        raise argparse.ArgumentTypeError(f"`{text}` is not a size in megabytes above 0")
    return mb


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="sl", usage=USAGE, add_help=False, epilog=EXAMPLES,
                formatter_class=argparse.RawDescriptionHelpFormatter,
                description="StreamLang: a typed pipeline language for text streams.")
    p.add_argument("program", nargs="?", help="the program (unless -f is given)")
    p.add_argument("files", nargs="*", help="input files (- for stdin, directories, .gz/.bz2/.xz)")
    p.add_argument("-f", dest="script", metavar="FILE", help="read the program from a .sl file")
    p.add_argument("-o", dest="output", metavar="FORMAT", choices=["plain", "csv", "tsv", "json", "table"],
                   help="output format when the program has no final format stage: plain csv tsv json table")
    p.add_argument("-v", dest="vars", metavar="NAME=VALUE", action="append", default=[],
                   help="set `let NAME = ...` in the program")
    p.add_argument("-q", dest="quiet", action="store_true",
                   help="print nothing; exit 0 if the pipeline yields an element, else 1")
    p.add_argument("--strict", action="store_true", help="stop at the first rejected line (status 1)")
    p.add_argument("--rejects", metavar="FILE", help="write every rejected input line to FILE (reasons in FILE.why)")
    p.add_argument("--ascii", action="store_true", help="draw charts with plain ASCII")
    p.add_argument("--live", action="store_true",
                   help="redraw count by/summarize tables as input arrives (on by default for a pipe to a terminal)")
    p.add_argument("--memory", metavar="MB", type=_megabytes,
                   help="memory `sort` may use before it spills to disk (default 256), and a grouping "
                        "before the run stops with an error (default: 3/4 of the machine's)")
    p.add_argument("--state", metavar="FILE",
                   help="incremental runs: read only what was appended since the last run with this FILE")
    p.add_argument("--skip-existing", action="store_true",
                   help="`write` leaves alone the files that already exist")
    p.add_argument("-j", dest="jobs", metavar="N", type=_jobs, default=None,
                   help="N worker processes over the input files (same output as one); default `auto`: "
                        "all cores for 32 MB of files or more, else one; -j 1 for one process")
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="where to run: this machine, or a dask.distributed cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: the cluster's scheduler (default: start a local one)")
    p.add_argument("--check", action="store_true", help="type-check only")
    p.add_argument("--types", action="store_true", help="print the type of each stage")
    p.add_argument("--emit", choices=["python"], help="print the generated Python")
    p.add_argument("-i", dest="interactive", action="store_true", help="the interactive toplevel")
    p.add_argument("--version", action="store_true", help="print the version")
    p.add_argument("-h", "--help", action="store_true", help="this help, or `--help NAME` for a reference entry")
    return p


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop like Ctrl-C does (output flushed, summary printed), status 143."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    import signal
    import warnings
    signal.signal(signal.SIGTERM, _terminate)
    stdout_closed = _standard_streams()
    # A user's regex may draw a FutureWarning from `re`; it is no concern of theirs.
    warnings.simplefilter("ignore")
    try:
        code = _main(sys.argv[1:] if argv is None else argv, stdout_closed)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        code = 0
    except Terminated:
        code = 143
    except KeyboardInterrupt:
        code = 130
    except OSError as e:
        # The output cannot be written: a full disk, /dev/full.
        _quiet_stdout()
        _err(f"sl: cannot write the output: {e.strerror or e}")
        code = 1
    sys.exit(code)


class _Diagnostics:
    """stderr that never fails the run: a message that cannot be written
    (stderr closed, or /dev/full) is lost, and the exit status still tells."""

    def __init__(self, stream):  # type: ignore[no-untyped-def]
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._stream, name)


def _standard_streams() -> bool:
    """Fill a closed stdin, stdout or stderr with /dev/null, so that no file
    the run opens takes its number (a rejects file read as stdin, the summary
    printed into the output); make stderr forgiving. True if stdout was closed."""
    closed = []
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(name)
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, "r" if fd == 0 else "w", encoding="utf-8",
                                    errors="surrogateescape", closefd=False))
    sys.stderr = _Diagnostics(sys.stderr)  # type: ignore[assignment]
    return "stdout" in closed


def _quiet_stdout() -> None:
    # Whoever read our output has gone; say nothing, not even at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _color() -> bool:
    return sys.stderr.isatty() and "NO_COLOR" not in os.environ


def _main(argv: list[str], stdout_closed: bool = False) -> int:
    parser = make_parser()
    try:
        opts = parser.parse_args(argv)
    except ArgumentError as e:
        _err(f"sl: {e}\nusage: {USAGE}\nTry `sl --help`.")
        return 2
    if stdout_closed and not opts.quiet:
        _err("sl: the standard output is closed: nowhere to write the output")
        return 2
    if opts.version:
        from . import __version__
        print(f"sl (StreamLang) {__version__}")
        return 0
    if opts.help:
        return _help(parser, opts.program)
    if opts.interactive or (opts.program is None and opts.script is None and sys.stdin.isatty()):
        files = ([opts.program] if opts.program else []) + opts.files
        return _toplevel(files)
    if opts.script is not None:
        if opts.program is not None:
            opts.files.insert(0, opts.program)
        try:
            with open(opts.script, "rb") as f:
                data, name = f.read(MAX_SCRIPT_BYTES + 1), opts.script
            if len(data) > MAX_SCRIPT_BYTES:
                _err(f"sl: {opts.script} is larger than {MAX_SCRIPT_BYTES >> 20} MB: not a program")
                return 2
            text = data.decode("utf-8")
        except OSError as e:
            _err(f"sl: cannot read {opts.script}: {e.strerror}")
            return 2
        except UnicodeDecodeError as e:
            _err(f"sl: {opts.script} is not UTF-8 text (at byte {e.start}); a script must be UTF-8")
            return 2
    elif opts.program is None:
        _err(f"sl: no program given\nusage: {USAGE}")
        return 2
    else:
        text, name = opts.program, "<program>"
    problem = _scheduler_problem(opts.scheduler) or _rejects_problem(opts.rejects, opts.files)
    if problem:
        _err(f"sl: {problem}")
        return 2
    missing = _missing_optional(opts)
    if missing is not None:
        _err(missing)
        return 2
    return _run(text, name, opts)


def _scheduler_problem(address: str | None) -> str | None:
    """`--scheduler`: a dask scheduler's network address, checked before dask is imported."""
    if address is None:
        return None
    from urllib.parse import urlsplit
    url = address if "://" in address else "tcp://" + address
    bad = f"--scheduler `{address}` is not a scheduler address such as tcp://HOST:8786"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return bad
    host = parts.hostname or ""
    if parts.scheme not in SCHEDULER_SCHEMES or parts.path or parts.query or parts.fragment:
        return bad
    if not host or not all(c.isalnum() or c in ".-_:" for c in host):
        return bad
    return None


def _rejects_problem(rejects: str | None, files: list[str]) -> str | None:
    """`--rejects FILE` is opened (truncated) before any input is read: it may not
    be an input, nor lie inside an input directory (it would be read back as it grows)."""
    if rejects is None:
        return None
    from fnmatch import fnmatch
    for path in files or ["-"]:
        for target in (rejects, rejects + ".why"):
            if (_same_file(target, path) or (os.path.isdir(path) and _inside(target, path))
                    or (not os.path.exists(path) and fnmatch(os.path.normpath(target), os.path.normpath(path)))):
                shown = "stdin" if path == "-" else path
                return f"--rejects {rejects} is also an input ({shown}): it would be overwritten before it is read"
    return None


def _same_file(path: str, other: str) -> bool:
    try:
        a = os.stat(path)
        b = os.fstat(0) if other == "-" else os.stat(other)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _inside(path: str, directory: str) -> bool:
    parent = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    top = os.path.realpath(directory)
    return parent == top or parent.startswith(top.rstrip(os.sep) + os.sep)


def _help(parser: argparse.ArgumentParser, topic: str | None) -> int:
    if topic is None:
        parser.print_help()
        return 0
    from .docs import entry, suggestion
    text = entry(topic)
    if text is None:
        hint = suggestion(topic)
        _err(f"sl: no reference entry for `{topic}`" + (f"; {hint}" if hint else "")
             + " (sl --help stages|functions|aggregates|formats|operators lists them)")
        return 2
    print(text)
    return 0


TOPLEVEL_NEEDS = "the toplevel (sl -i) needs prompt_toolkit and pygments"
TOPLEVEL_INSTALL = "pip install 'prompt_toolkit>=3.0.40' 'pygments>=2.15'"
DASK_INSTALL = "pip install 'dask[distributed]>=2024.1'"
# The package each fsspec protocol needs besides fsspec itself (fsspec's own registry says so
# too, but it is not there to ask when fsspec itself is missing).
URL_PACKAGES = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs",
                "http": "aiohttp", "https": "aiohttp", "hdfs": "pyarrow", "sftp": "paramiko"}


def missing_dependency(needs: str, module: str | None, install: str) -> str:
    """The one line for an optional dependency that is not installed."""
    what = f"{module} is not installed" if module else "it is not installed"
    return f"sl: {needs}, but {what}: {install}"


def _toplevel(files: list[str]) -> int:
    try:
        from .toplevel.app import run_toplevel
    except ImportError as e:
        _err(missing_dependency(TOPLEVEL_NEEDS, e.name, TOPLEVEL_INSTALL))
        return 2
    return run_toplevel(files)


def _missing_optional(opts: argparse.Namespace) -> str | None:
    """What this run needs and cannot import (dask, fsspec and a URL's protocol package),
    checked before any input is read: the one line to say so, or None."""
    if opts.engine == "dask":
        try:
            import distributed  # noqa: F401 - only whether it imports
        except ImportError as e:
            return missing_dependency("--engine dask needs dask.distributed", e.name, DASK_INSTALL)
    from .runtime.inputs import is_url
    for path in opts.files:
        if not is_url(path):
            continue
        protocol = path.split("://")[0]
        extra = URL_PACKAGES.get(protocol)
        install = "pip install fsspec" + (f" {extra}" if extra else "")
        try:
            import fsspec
            fsspec.get_filesystem_class(protocol)
        except ImportError as e:
            return missing_dependency(f"reading {protocol}:// URLs needs fsspec"
                                      + (f" and {extra}" if extra else ""), e.name or extra, install)
        except ValueError:
            pass  # an unknown protocol: reading it reports that
    return None


def _overrides(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name.isidentifier():
            from .errors import UsageError
            raise UsageError(f"-v takes NAME=VALUE, not `{pair}`")
        out[name] = value
    return out


def _compile(text: str, name: str, opts: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The program's `run`, report sites and plan: from the cache, or compiled (and cached)."""
    from . import cache
    from .hints import hints_for
    from .plan import Plan
    from .runtime.run import Site

    options = {"vars": _overrides(opts.vars), "o": opts.output, "sink": "yield" if opts.quiet else "write",
               "live": _live(opts)}
    plain_run = not (opts.check or opts.types or opts.emit)
    # Read before checking, and part of the key: the checker types `parse csv` from these headers.
    hints = hints_for(text, opts.files)
    k = cache.key(text, name, options, hints) if plain_run else ""
    hit = cache.load(k) if plain_run else None
    if hit is not None:
        code, sites, plan = hit
        return None, cache.load_run(code), [Site(*s) for s in sites], Plan.from_json(plan)
    from .driver import build
    from .source import Source
    compiled = build(Source(text, name), overrides=options["vars"], output_format=opts.output,  # type: ignore[arg-type]
                     sink=options["sink"], hints=hints,  # type: ignore[arg-type]
                     live=bool(options["live"]))
    run_sites = compiled.run_sites()
    if plain_run:
        cache.store(k, compiled.code, [[s.name, s.location, s.text, s.span] for s in run_sites],
                    compiled.plan.to_json())
    return compiled, compiled.run, run_sites, compiled.plan


def _parallel_plan(opts: argparse.Namespace, plan, state):  # type: ignore[no-untyped-def]
    """The byte ranges for `-j N`, or None where one process runs the program
    (see runtime/parallel.py for which programs and inputs can be cut)."""
    info = plan.parallel
    if info is None or opts.quiet or opts.strict or opts.rejects or state is not None or not opts.files:
        return None
    from .runtime.parallel import auto_jobs, ranges
    if opts.engine == "dask":
        opts.jobs = max(opts.jobs or 2, 2)
    elif opts.jobs is None:
        opts.jobs = auto_jobs(opts.files)
    if opts.jobs <= 1:
        return None
    jobs = ranges(opts.files, opts.jobs)
    return jobs if jobs and len(jobs) > 1 else None


def _progress_writer():  # type: ignore[no-untyped-def]
    def write(text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()
    return write


def _live(opts: argparse.Namespace) -> bool:
    """Live tables need a terminal to redraw on; by default, only for unbounded
    input (stdin from a pipe, as in `tail -f log | sl ...`)."""
    if opts.quiet or not sys.stdout.isatty():
        return False
    if opts.live:
        return True
    import stat
    try:
        return not opts.files and stat.S_ISFIFO(os.fstat(0).st_mode)
    except OSError:
        return False


def _state_plan(opts: argparse.Namespace, src):  # type: ignore[no-untyped-def]
    """The state, locked and read, and what this run reads; or an error (exit 2)."""
    from .runtime.inputs import expand
    from .runtime.state import State, StateError
    paths = list(expand(opts.files))
    if not paths or "-" in paths:
        return None, "--state needs input files (stdin cannot be resumed)"
    if any(p.endswith((".gz", ".bz2", ".xz")) for p in paths):
        return None, "--state reads plain files; compressed files cannot be resumed where they stopped"
    if opts.skip_existing:
        return None, ("--state and --skip-existing cannot go together: with --state, `write` adds a day's "
                      "new rows to its file (--skip-existing would drop them)")
    state = State(opts.state)
    try:
        state.lock(lambda: _err(f"sl: waiting for another run with --state {opts.state} to finish"))
    except StateError as e:
        return None, str(e)
    src.tracked(state.plan(paths))
    from .runtime.partitions import Partitions
    Partitions.incremental = True
    return state, None


def _end_state(state, src, opts: argparse.Namespace, status: int, output_ok: bool) -> int:  # type: ignore[no-untyped-def]
    """Save how far the run got, if its output was all written; say what rotation lost."""
    for message in state.lost:
        _err(f"sl: {message}")
    if not output_ok or src.unsure:
        return status  # nothing recorded: the next run reads these lines again
    pause = os.environ.get("SL_STATE_PAUSE")
    if pause:
        # The window the at-least-once contract is about: output written, state not
        # yet. Tests hold the run here to kill it.
        import time
        time.sleep(float(pause))
    try:
        state.save(src.positions)
    except OSError as e:
        _err(f"sl: cannot write the state file {opts.state}: {e.strerror or e}")
        return 1
    if state.lost and opts.strict:
        return 1
    return status


def _run(text: str, name: str, opts: argparse.Namespace) -> int:
    from .runtime.run import Run, RunError, RunFailed, StrictFailure

    try:
        compiled, run, sites, plan = _compile(text, name, opts)
    except RecursionError:
        _err("sl: the program is nested too deeply to compile")
        return 2
    except Exception as e:
        # Imported only now: a cached program never loads the compiler.
        from .errors import CompileError, UsageError
        if isinstance(e, CompileError):
            _err(e.render(color=_color()))
            return 2
        if isinstance(e, UsageError):
            _err(f"sl: {e}")
            return 2
        raise
    if opts.check:
        return 0
    if opts.types:
        _print_types(compiled)
        return 0
    if opts.emit:
        try:
            source = compiled.python_source
        except (ValueError, RecursionError) as e:
            _err(f"sl: this program cannot be shown as Python source ({e}); it runs all the same")
            return 1
        print(source)
        return 0
    try:
        rt = Run(sites, strict=opts.strict, rejects=opts.rejects)
        rt.ascii = opts.ascii
        if opts.files and sys.stderr.isatty() and "NO_PROGRESS" not in os.environ:
            rt.progress = _progress_writer()
        rt.skip_existing = opts.skip_existing
        if opts.memory is not None:
            rt.memory = int(opts.memory * 1024 * 1024)
    except OSError as e:
        _err(f"sl: cannot write {opts.rejects}: {e.strerror}")
        return 1
    src = rt.open(opts.files)
    src.keep_newlines = plan.keep_newlines
    state = None
    if opts.state is not None:
        state, plan_error = _state_plan(opts, src)
        if plan_error:
            _err(f"sl: {plan_error}")
            rt.close()
            return 2
    status = 0
    output_ok = False  # the whole output written and flushed: only then is the state saved
    try:
        parallel = _parallel_plan(opts, plan, state)
        if opts.engine == "dask" and parallel is not None:
            from .hints import hints_for
            from .runtime.dask_engine import run_on_dask
            # The workers compile the program again: with the headers it was typed for here.
            hints = hints_for(text, opts.files)
            options = {"vars": _overrides(opts.vars), "o": opts.output,
                       "hints": [list(hints.headers), hints.complete]}
            run_on_dask(text, name, options, run, plan, rt, parallel, opts.scheduler, max(opts.jobs, 2))
            rt.flush()
        elif parallel is not None:
            from .runtime.parallel import run_parallel
            run_parallel(run, sites, plan, rt, parallel, opts.jobs)
            rt.flush()
        elif opts.quiet:
            found = False
            for _ in run(src, rt):
                found = True
                if state is None:
                    break  # with --state, every new line is read, so none is looked at twice
            status = 0 if found else 1
        else:
            run(src, rt)
            rt.flush()
        output_ok = True
    except (StrictFailure, RunFailed) as e:
        rt.flush()
        rt.abandon()
        _err(f"sl: {e}")
        rt.close()
        return 1
    except KeyboardInterrupt as e:
        rt.flush()
        rt.abandon()
        status = 143 if isinstance(e, Terminated) else 130
    except RunError as e:
        # A value computed once (a `let` reading `now()`, a stage's argument) failed:
        # an element that fails is a rejection instead.
        _err(_run_error_text(e, text, name))
        rt.abandon()
        status = 1
    except OSError as e:
        if isinstance(e, BrokenPipeError):
            raise
        _err(f"sl: {e.strerror or e}")
        status = 1
    finally:
        try:
            rt.close()
        except OSError as e:
            _err(f"sl: cannot write {opts.rejects}: {e.strerror or e}")
            status = 1
            output_ok = False
    rt.end_progress()
    summary = rt.summary()
    if summary:
        _err(summary)
    if state is not None:
        status = _end_state(state, src, opts, status, output_ok)
    if rt.io_failed and status == 0:
        status = 1
    return status


def _run_error_text(e, text: str, name: str) -> str:  # type: ignore[no-untyped-def]
    """A `RunError` shown like a diagnostic, with the program line and a caret."""
    if e.span is None:
        return f"sl: {e}"
    from .errors import Diagnostic
    from .render import render
    from .source import Source, Span
    return render(Diagnostic(Source(text, name), Span(*e.span), e.message), color=_color())


def _print_types(compiled) -> None:  # type: ignore[no-untyped-def]
    from .typesys import show
    for info in compiled.ir.stages:
        i = info.info
        loc = compiled.source.location(i.span)
        print(f"{loc}: {i.name} : stage<{show(i.inp)}, {show(i.out)}>")
    print(f"- : {show(compiled.ir.type)}")


if __name__ == "__main__":
    main()
