"""A cache of compiled programs, so a repeated one-liner skips the compiler.

A monitoring check runs the same program every minute; parsing and checking
it again each time would cost more than the run itself. The cache keeps the
generated code (marshalled) and what the rejection report needs, keyed by the
program, its options, and a fingerprint of the compiler itself, so a changed
or upgraded StreamLang never runs stale code. Everything here fails quietly:
without a cache, programs are simply compiled.
"""
from __future__ import annotations

import json
import marshal
import os
import sys
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


def load(k: str) -> tuple[CodeType, list[list[Any]]] | None:
    if os.environ.get("SL_NO_CACHE"):
        return None
    try:
        with open(os.path.join(cache_dir(), f"{k}.bin"), "rb") as f:
            data = f.read()
        meta_len = int.from_bytes(data[:4], "little")
        sites = json.loads(data[4:4 + meta_len])
        code = marshal.loads(data[4 + meta_len:])
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return code, sites


def store(k: str, code: CodeType, sites: list[list[Any]]) -> None:
    if os.environ.get("SL_NO_CACHE"):
        return
    try:
        d = cache_dir()
        os.makedirs(d, exist_ok=True)
        meta = json.dumps(sites).encode()
        tmp = os.path.join(d, f".{k}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(len(meta).to_bytes(4, "little") + meta + marshal.dumps(code))
        os.replace(tmp, os.path.join(d, f"{k}.bin"))
    except (OSError, ValueError):
        pass


def load_run(code: CodeType) -> object:
    """The `run` function of compiled generated code."""
    namespace: dict[str, object] = {}
    exec(code, namespace)
    return namespace["run"]
