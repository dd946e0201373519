"""End-to-end golden cases: every `[[case]]` of tests/golden/*.toml runs the installed `sl`.

Adding a test is adding a case. The format is the one of the public conformance
cases (shared/conformance/run.py), plus a few keys marked (+):

  name          unique within its file; the test id is FILE-STEM/NAME
  program       the program text, or
  script        the program text, written to prog.sl and passed with -f
                (neither: ARGS alone, e.g. `--version` or `-f` of a file made by the case)
  args          options placed before the program; "{tmp}" is the case's temp dir.
                The command is `sl ARGS PROGRAM FILES` (or `sl ARGS -f prog.sl FILES`),
                run with NO_COLOR=1 in the case's own temp dir as cwd. The compiled-program
                cache (XDG_CACHE_HOME) is one fresh directory per test session: cases
                that share a program also exercise the cache, and no earlier run leaks in.
  stdin         text fed to stdin (default: empty)  | stdin_hex: bytes, as hex
  stdin_repeat  n: stdin is repeated n times
  input_data    names of files in examples/data/ passed as input files (absolute paths)
  input_files   {name = text} written into in/ and passed as files `in/NAME`, in order
  gzip_inputs   true: input_files are written gzip-compressed, with .gz added
  compress (+)  "gz", "bz2" or "xz": like gzip_inputs, with that compressor and suffix
  input_dir     true: pass the directory `in` instead of its files
  files (+)     explicit FILE arguments (e.g. ["in/a.log", "missing.log", "-"]); when
                given, input_files are written but only these are passed
  stdout        exact expected stdout                 | stdout_hex: exact bytes
  stdout_json   expected stdout as a list of JSON values, one per line (key order and
                exact types checked: 1, 1.0 and true differ)
  stdout_lines  expected number of stdout lines
  exit          expected exit status (default 0)
  stderr (+)    the EXACT expected stderr (diagnostics: location, source line, caret, hint)
  stderr_regex  list of regexes that must all be found in stderr
  file_regex    {relative path under the temp dir = regex} that must be found in that file
  file_hex (+)  {relative path under the temp dir = hex}: the file's exact bytes
  emit_compiles true: stdout must compile as Python source
  head          n: stdout is piped into `head -n n`; sl must exit 0 with nothing on stderr

Every case also requires: no "Traceback" on stderr. Cases in pending.toml (behaviour
the implementation gets wrong, kept until it is fixed) are skipped.

`sl` is $SL if set, else the `sl` next to this Python, else the one on PATH.
"""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
DATA = Path(__file__).resolve().parent.parent / "examples" / "data"
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}
KEYS = {"name", "program", "script", "args", "stdin", "stdin_hex", "stdin_repeat", "input_data",
        "input_files", "gzip_inputs", "compress", "input_dir", "files", "stdout", "stdout_hex",
        "stdout_json", "stdout_lines", "exit", "stderr", "stderr_regex", "file_regex", "file_hex",
        "emit_compiles", "head"}


def sl_command() -> list[str]:
    if "SL" in os.environ:
        return shlex.split(os.environ["SL"])
    beside = Path(sys.executable).parent / "sl"
    found = str(beside) if beside.exists() else shutil.which("sl")
    if found is None:
        pytest.skip("no `sl` installed")
    return [found]


def load_cases() -> list:
    params = []
    for path in sorted(GOLDEN.glob("*.toml")):
        cases = tomllib.loads(path.read_text(encoding="utf-8"))["case"]
        names = [c["name"] for c in cases]
        assert len(names) == len(set(names)), f"{path.name}: duplicate case names"
        marks = [pytest.mark.skip(reason="pending: see report")] if path.stem == "pending" else []
        params += [pytest.param(c, id=f"{path.stem}/{c['name']}", marks=marks) for c in cases]
    return params


def write_inputs(case: dict, tmp: Path) -> list[str]:
    files = [str(DATA / name) for name in case.get("input_data", [])]
    suffix = case.get("compress", "gz" if case.get("gzip_inputs") else None)
    if "input_files" in case:
        (tmp / "in").mkdir()
        for name, text in case["input_files"].items():
            data = text.encode()
            if suffix:
                name, data = f"{name}.{suffix}", COMPRESSORS[suffix](data)
            (tmp / "in" / name).write_bytes(data)
            files.append(f"in/{name}")
        if case.get("input_dir"):
            files = ["in"]
    return case.get("files", files)


def as_pairs(value):
    """JSON objects as [key, value] lists, so that key order is compared too."""
    if isinstance(value, dict):
        return [[k, as_pairs(v)] for k, v in value.items()]
    if isinstance(value, list):
        return [as_pairs(v) for v in value]
    return value


def same(a, b) -> bool:
    """Equality that also demands the same JSON type (1, 1.0 and true differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.fixture(scope="session")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def run_sl(case: dict, tmp: Path, cache: Path) -> subprocess.CompletedProcess:
    argv = sl_command() + [a.replace("{tmp}", str(tmp)) for a in case.get("args", [])]
    if "script" in case:
        (tmp / "prog.sl").write_text(case["script"], encoding="utf-8")
        argv += ["-f", "prog.sl"]
    elif "program" in case:
        argv.append(case["program"])
    argv += write_inputs(case, tmp)
    stdin = bytes.fromhex(case["stdin_hex"]) if "stdin_hex" in case else case.get("stdin", "").encode()
    stdin *= case.get("stdin_repeat", 1)
    env = dict(os.environ, NO_COLOR="1", XDG_CACHE_HOME=str(cache))
    if "head" in case:
        shell = f"set -o pipefail; {shlex.join(argv)} | head -n {int(case['head'])}"
        argv = ["bash", "-c", shell]
    return subprocess.run(argv, input=stdin, capture_output=True, timeout=60, env=env, cwd=tmp)


@pytest.mark.parametrize("case", load_cases())
def test_golden(case: dict, tmp_path: Path, cache_home: Path) -> None:
    assert not set(case) - KEYS, f"unknown keys {set(case) - KEYS}"
    proc = run_sl(case, tmp_path, cache_home)
    out, err = proc.stdout, proc.stderr.decode(errors="replace")
    assert "Traceback" not in err
    if "stderr" in case:
        assert err == case["stderr"]
    for rx in case.get("stderr_regex", []):
        assert re.search(rx, err), f"stderr lacks /{rx}/"
    if "head" in case:
        assert err == "", "stderr not quiet after the reader closed the pipe"
    if "stdout" in case:
        assert out.decode(errors="replace") == case["stdout"]
    if "stdout_hex" in case:
        assert out == bytes.fromhex(case["stdout_hex"])
    if "stdout_json" in case:
        got = [as_pairs(json.loads(line)) for line in out.decode().split("\n") if line]
        want = as_pairs(case["stdout_json"])
        assert same(got, want), f"JSON {got!r}, expected {want!r}"
    if "stdout_lines" in case:
        assert len(out.splitlines()) == case["stdout_lines"]
    for rel, rx in case.get("file_regex", {}).items():
        text = (tmp_path / rel).read_text(errors="replace")
        assert re.search(rx, text), f"{rel} lacks /{rx}/: {text[:300]!r}"
    for rel, hexdata in case.get("file_hex", {}).items():
        assert (tmp_path / rel).read_bytes() == bytes.fromhex(hexdata)
    if case.get("emit_compiles"):
        assert out.strip(), "--emit python printed nothing"
        compile(out.decode(), "<emitted>", "exec")
    assert proc.returncode == case.get("exit", 0), f"exit {proc.returncode}; stderr: {err[:500]}"
