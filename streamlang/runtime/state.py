"""`--state FILE`: incremental runs for cron and monitoring jobs (SPEC §9).

The state records, per input file, its identity (device, inode and a
fingerprint of its first bytes) and the byte offset and line number after
the last complete line read. The next run reads only what was appended; a
last line without its newline waits for the next run. A file replaced by
rotation (a new inode at the path) has the rest of the old file read first,
if it can be found beside it under a new name (`access.log.1`); a file
truncated in place (copytruncate) is read again from its start.

The new state is written (to a temporary file, then renamed over the old
one) only after the output has been written and flushed. The contract is
therefore at-least-once: a run killed between its output and its state write
repeats those lines next time, and never skips any.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Any

FINGERPRINT_BYTES = 64
VERSION = 1


def fingerprint(path: str, size: int) -> str:
    with open(path, "rb") as f:
        return hashlib.sha1(f.read(min(size, FINGERPRINT_BYTES))).hexdigest()


# A state file holds a few hundred bytes per input file; past this it is not one (`--state /dev/zero`).
MAX_STATE_BYTES = 64 << 20


def _read_state_file(path: str) -> bytes:
    with open(path, "rb") as f:
        data = f.read(MAX_STATE_BYTES + 1)
    if len(data) > MAX_STATE_BYTES:
        raise ValueError(f"larger than {MAX_STATE_BYTES >> 20} MB: not a state file")
    return data


class State:
    def __init__(self, path: str):
        self.path = path
        self.files: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(_read_state_file(path))
            if data.get("version") == VERSION:
                self.files = data.get("files", {})
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as e:
            raise ValueError(f"cannot read the state file {path}: {e}") from None

    def plan(self, paths: list[str]) -> list[tuple[str, int, int]]:
        """(path, byte offset, first line number) of what this run reads, in order."""
        out: list[tuple[str, int, int]] = []
        for path in paths:
            key = os.path.abspath(path)
            saved = self.files.get(key)
            try:
                st = os.stat(path)
            except OSError:
                out.append((path, 0, 1))  # the reader reports it
                continue
            if saved is None:
                out.append((path, 0, 1))
                continue
            same = (st.st_dev, st.st_ino) == (saved["dev"], saved["ino"])
            if same and st.st_size >= saved["offset"] and \
                    fingerprint(path, saved["offset"]) == saved["fingerprint"]:
                out.append((path, saved["offset"], saved["line"]))
                continue
            if not same:
                rotated = self._find_rotated(path, saved)
                if rotated is not None:
                    out.append((rotated, saved["offset"], saved["line"]))
            out.append((path, 0, 1))  # rotated, truncated or replaced: from the start
        return out

    def _find_rotated(self, path: str, saved: dict[str, Any]) -> str | None:
        directory = os.path.dirname(os.path.abspath(path))
        for name in sorted(os.listdir(directory)):
            candidate = os.path.join(directory, name)
            try:
                st = os.stat(candidate)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == (saved["dev"], saved["ino"]) and st.st_size >= saved["offset"] \
                    and fingerprint(candidate, saved["offset"]) == saved["fingerprint"]:
                return candidate
        return None

    def save(self, positions: dict[str, tuple[int, int]], keys: dict[str, str]) -> None:
        """Record where each file's reading stopped. `keys` maps the path read (a
        rotated file's new name, say) to the path the state is kept under."""
        for read_path, (offset, line) in positions.items():
            key = os.path.abspath(keys.get(read_path, read_path))
            if keys.get(read_path, read_path) != read_path:
                continue  # a rotated file's remainder: the new file at the path is what is tracked
            st = os.stat(read_path)
            self.files[key] = {"dev": st.st_dev, "ino": st.st_ino, "offset": offset, "line": line,
                               "fingerprint": fingerprint(read_path, offset)}
        tmp = f"{self.path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"version": VERSION, "files": self.files}, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
