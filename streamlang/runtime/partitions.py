"""`write "out/{day}.csv"`: one file per key, each complete or absent.

Each partition is written to a temporary name beside its final one and
renamed into place only when the run has finished, so a reader (or the next
night's run) never sees half a file. Under `--state`, a day's existing file
is copied into the temporary file first and the new rows added after it. With
`--skip-existing`, a partition whose file already exists is left alone: a
finished day is never redone.
"""
from __future__ import annotations

import os
from typing import Any

MAX_OPEN = 64


class Partitions:
    # `--state`: a run writes only the rows new since the last one, so a day's
    # file that exists is copied to the temporary file and the new rows added
    # after it (its header kept, not repeated); the whole is renamed into place.
    incremental = False

    def __init__(self, template: list[str | int], header: str | None, skip_existing: bool):
        self.template = template  # literal text, and indexes into the key tuple
        self.header = header
        self.skip_existing = skip_existing
        self.files: dict[str, dict[str, Any]] = {}  # final path -> tmp path, rows, handle
        self.skipped: set[str] = set()
        self.owners: dict[str, tuple[str, ...]] = {}  # path -> the key values that name it

    def path_for(self, key: tuple) -> str:
        """The file of `key`: its values written into the template, each checked by
        `_key_problem`, and never the file of another key (`{a}{b}` with `x`,`yz` and
        `xy`,`z`). An unsafe key is a rejection: the element is counted and kept."""
        from .core import Reject
        from .values import literal, plain
        parts, values = [], []
        for p in self.template:
            if isinstance(p, str):
                parts.append(p)
                continue
            text = plain(key[p])
            problem = _key_problem(text)
            if problem:
                raise Reject(f"the key {literal(text)} {problem}")
            parts.append(text)
            values.append(text)
        path = "".join(parts)
        owner = self.owners.setdefault(path, tuple(values))
        if owner != tuple(values):
            raise Reject(f"the key {', '.join(map(literal, values))} names the file {literal(path)} "
                         f"of the key {', '.join(map(literal, owner))}")
        return path

    def add(self, key: tuple, text: str) -> None:
        path = self.path_for(key)
        entry = self.files.get(path)
        if entry is None:
            if path in self.skipped:
                return
            if self.skip_existing and os.path.exists(path):
                self.skipped.add(path)
                return
            entry = self._start(path)
        f = entry["handle"]
        if f is None:
            f = entry["handle"] = open(entry["tmp"], "a", encoding="utf-8", errors="surrogateescape")
            self._limit_open(path)
        f.write(text + "\n")
        entry["rows"] += 1

    def _start(self, path: str) -> dict[str, Any]:
        tmp = os.path.join(os.path.dirname(path) or ".", f".{os.path.basename(path)}.{os.getpid()}.tmp")
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            if self.incremental and _copy_existing(path, tmp):
                f = open(tmp, "a", encoding="utf-8", errors="surrogateescape")
            else:
                f = open(tmp, "w", encoding="utf-8", errors="surrogateescape")
                if self.header is not None:
                    f.write(self.header + "\n")
        except OSError as e:
            # The error names the directory or the temporary file; the user wrote the path.
            raise OSError(e.errno, f"cannot write {path}: {e.strerror or e}") from None
        entry = self.files[path] = {"tmp": tmp, "rows": 0, "handle": f}
        self._limit_open(path)
        return entry

    def _limit_open(self, keep: str) -> None:
        open_ones = [p for p, e in self.files.items() if e["handle"] is not None and p != keep]
        for p in open_ones[:max(0, len(open_ones) - MAX_OPEN + 1)]:
            self.files[p]["handle"].close()
            self.files[p]["handle"] = None

    def finish(self) -> list[str]:
        """Rename every partition into place; one line per file written."""
        out = []
        for path, entry in self.files.items():
            if entry["handle"] is not None:
                entry["handle"].close()
            os.replace(entry["tmp"], path)
            out.append(f"{path}\t{entry['rows']}")
        return out

    def abandon(self) -> None:
        for entry in self.files.values():
            if entry["handle"] is not None:
                entry["handle"].close()
            try:
                os.unlink(entry["tmp"])
            except OSError:
                pass


def _copy_existing(path: str, tmp: str) -> bool:
    """Copy the partition file at `path` (if there is one) to `tmp`; whether there was."""
    import shutil
    try:
        shutil.copyfile(path, tmp)
    except FileNotFoundError:
        return False
    return True


# Longer names fail on most file systems (ENAMETOOLONG), in the middle of a run.
MAX_NAME_BYTES = 255


def _key_problem(text: str) -> str | None:
    """Why a key's value cannot be part of a file name, or None. A value is used as
    it is, so distinct keys are distinct names; one that could climb out of its
    directory, name a directory, hide among the temporaries or fail is refused."""
    if text == "":
        return "is empty (or null): it names no file"
    if text in (".", ".."):
        return "names a directory, not a file"
    if "/" in text or "\0" in text:
        return "contains `/` or NUL: it would leave its directory"
    if text.startswith("."):
        return "starts with `.`: a hidden name, like the temporary files"
    if len(text.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes: too long for a file name"
    return None
