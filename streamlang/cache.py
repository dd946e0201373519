"""A cache of compiled programs, so a repeated one-liner skips the compiler.

A monitoring check runs the same program every minute; parsing and checking
it again each time would cost more than the run itself. The cache keeps the
generated code (marshalled) and what the rejection report needs, keyed by the
program, its options, and a fingerprint of the compiler itself, so a changed
or upgraded StreamLang never runs stale code. Everything here fails quietly:
without a cache, programs are simply compiled.

Loading code runs it, so only code this user wrote is loaded: the directory
is made 0700 and used only while it is owned by this user and nobody else can
write to it; a file is opened without following a symbolic link, relative to
that directory, and loaded only if it is a regular file of this user's that
nobody else can write to. Anything else is passed over (compiled afresh).
"""
from __future__ import annotations

import json
import marshal
import os
import sys
from stat import S_ISREG
from types import CodeType

# `typing` costs 20 ms to import; a one-liner's start-up goes without it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .hints import InputHints

# pathlib and glob are avoided on purpose: this module is on the start-up path.
PACKAGE = os.path.dirname(os.path.abspath(__file__))


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "streamlang")


def _fingerprint() -> str:
    parts = [sys.version]
    paths = [os.path.join(PACKAGE, "grammar", "streamlang.lark")]
    for sub in ("", "formats"):  # the compiler and the formats whose regexes it bakes into code
        d = os.path.join(PACKAGE, sub)
        paths.extend(os.path.join(d, n) for n in sorted(os.listdir(d)) if n.endswith(".py"))
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        parts.append(f"{os.path.basename(path)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


def _sha256():  # type: ignore[no-untyped-def]
    # The built-in implementation imports in microseconds; hashlib's OpenSSL one takes milliseconds.
    try:
        from _sha256 import sha256
    except ImportError:
        from hashlib import sha256
    return sha256()


def key(text: str, name: str, options: dict[str, object], hints: InputHints) -> str:
    """The cache key of a program: the compiler, the program, its options, and what
    the checker was told of the input (a program typed for one CSV header is not
    the program for another)."""
    h = _sha256()
    for part in (_fingerprint(), name, text, json.dumps(options, sort_keys=True),
                 json.dumps(hints.key_part())):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _private_dir(create: bool) -> int | None:
    """The cache directory, opened, if it is this user's alone; else None."""
    path = cache_dir()
    try:
        if create:
            os.makedirs(path, mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    st = os.fstat(fd)
    if st.st_uid != os.geteuid() or st.st_mode & 0o022:
        os.close(fd)
        return None
    if st.st_mode & 0o077:
        # Made by an older sl under a 022 umask: nobody else could write in it; now nobody else reads it.
        os.fchmod(fd, 0o700)
    return fd


def load(k: str) -> tuple[CodeType, list[list[Any]], dict[str, Any]] | None:
    """The code, the report's sites and the plan (`Plan.to_json`) stored under `k`."""
    if os.environ.get("SL_NO_CACHE"):
        return None
    d = _private_dir(create=False)
    if d is None:
        return None
    try:
        with open(f"{k}.bin", "rb", opener=lambda name, flags: os.open(name, flags | os.O_NOFOLLOW, dir_fd=d)) as f:
            st = os.fstat(f.fileno())
            if not S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
                return None
            data = f.read()
        meta_len = int.from_bytes(data[:4], "little")
        meta = json.loads(data[4:4 + meta_len])
        sites, plan = meta["sites"], meta["plan"]
        code = marshal.loads(data[4 + meta_len:])
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        return None
    finally:
        os.close(d)
    return code, sites, plan


def store(k: str, code: CodeType, sites: list[list[Any]], plan: dict[str, Any]) -> None:
    if os.environ.get("SL_NO_CACHE"):
        return
    d = _private_dir(create=True)
    if d is None:
        return
    tmp = f".{k}.{os.getpid()}.tmp"
    try:
        meta = json.dumps({"sites": sites, "plan": plan}).encode()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=d)
        with open(fd, "wb") as f:
            f.write(len(meta).to_bytes(4, "little") + meta + marshal.dumps(code))
        os.replace(tmp, f"{k}.bin", src_dir_fd=d, dst_dir_fd=d)
    except (OSError, ValueError):
        try:
            os.unlink(tmp, dir_fd=d)
        except OSError:
            pass
    finally:
        os.close(d)


def load_run(code: CodeType) -> object:
    """The `run` function of compiled generated code."""
    namespace: dict[str, object] = {}
    exec(code, namespace)
    return namespace["run"]
