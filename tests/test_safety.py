"""Issue 21: no way in, no way to fill the disk.

Caches that another user could plant code in, partition keys that climb out
of their directory, a rejects file that is also an input, regexes from the
input that backtrack for ever, tracebacks from closed or full standard
streams and odd options, and rejections after `sort` or `tail`.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import sl_command


def run(cwd: Path, *args: str, stdin: bytes = b"", env: dict[str, str] | None = None,
        shell_redirect: str = "", timeout: float = 300) -> subprocess.CompletedProcess[bytes]:
    """`sl ARGS` in `cwd`; `shell_redirect` (say `2>/dev/full`) goes through a shell."""
    environment = {**os.environ, "NO_PROGRESS": "1", **(env or {})}
    if shell_redirect:
        import shlex
        command = " ".join(shlex.quote(a) for a in [sl_command(), *args]) + " " + shell_redirect
        return subprocess.run(["sh", "-c", command], input=stdin, capture_output=True, cwd=cwd, env=environment,
                              timeout=timeout)
    return subprocess.run([sl_command(), *args], input=stdin, capture_output=True, cwd=cwd, env=environment,
                          timeout=timeout)


# 3. --rejects that is also an input ------------------------------------------------------------

def test_rejects_file_that_is_an_input_is_refused_before_reading(tmp_path: Path) -> None:
    data = b"1\nx\n2\n"
    (tmp_path / "in.txt").write_bytes(data)
    os.link(tmp_path / "in.txt", tmp_path / "same.txt")
    message = "sl: --rejects {} is also an input ({}): it would be overwritten before it is read\n"
    (tmp_path / "r.why").write_bytes(data)
    for rejects, given in [("in.txt", "in.txt"), ("same.txt", "in.txt"), ("r", "r.why")]:
        r = run(tmp_path, "--rejects", rejects, "map int(_)", given)
        assert (r.returncode, r.stdout, r.stderr.decode()) == (2, b"", message.format(rejects, given))
        assert (tmp_path / given).read_bytes() == data
    with open(tmp_path / "in.txt", "rb") as stdin:
        r = subprocess.run([sl_command(), "--rejects", "in.txt", "map int(_)"], stdin=stdin,
                           capture_output=True, cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr.decode()) == (2, b"", message.format("in.txt", "stdin"))
    assert (tmp_path / "in.txt").read_bytes() == data


def test_rejects_file_inside_an_input_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.txt").write_bytes(b"1\nx\n")
    message = "sl: --rejects {} is also an input ({}): it would be overwritten before it is read\n"
    for rejects, inputs, shown in [("logs/rej.txt", ["logs"], "logs"), ("logs/rej.txt", ["logs/"], "logs/"),
                                   ("rej.txt", ["*.txt"], "*.txt")]:
        r = run(tmp_path, "--rejects", rejects, "map int(_)", *inputs)
        assert (r.returncode, r.stdout, r.stderr.decode()) == (2, b"", message.format(rejects, shown))
        assert not (tmp_path / rejects).exists()
    r = run(tmp_path, "--rejects", "rej.txt", "map int(_)", "logs")
    assert (r.returncode, r.stdout, (tmp_path / "rej.txt").read_bytes()) == (0, b"1\n", b"x\n")


# 10. Tracebacks -----------------------------------------------------------------------------------

def test_closed_stdout_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_bytes(b"a\n")
    r = run(tmp_path, "map _", "in.txt", shell_redirect=">&-")
    assert (r.returncode, r.stderr) == (2, b"sl: the standard output is closed: nowhere to write the output\n")
    r = run(tmp_path, "-q", "map _", "in.txt", shell_redirect=">&-")
    assert (r.returncode, r.stderr) == (0, b"")


@pytest.mark.parametrize("redirect", ["2>&-", "2>/dev/full"])
def test_closed_or_full_stderr_changes_no_exit_status(tmp_path: Path, redirect: str) -> None:
    (tmp_path / "in.txt").write_bytes(b"a\n")
    r = run(tmp_path, "map _", "in.txt", shell_redirect=redirect)
    assert (r.returncode, r.stdout) == (0, b"a\n")
    r = run(tmp_path, "map (", "in.txt", shell_redirect=redirect)
    assert (r.returncode, r.stdout) == (2, b"")
    # The rejection summary has nowhere to go: it never goes into the output.
    r = run(tmp_path, "map int(_)", stdin=b"x\n1\n", shell_redirect=redirect)
    assert (r.returncode, r.stdout) == (0, b"1\n")


@pytest.mark.parametrize("address", ["not a url", "tcp://[::1", "inproc://x", "tcp://host:port"])
def test_bad_scheduler_address_is_a_usage_error(tmp_path: Path, address: str) -> None:
    (tmp_path / "in.txt").write_bytes(b"a\n")
    r = run(tmp_path, "--engine", "dask", "--scheduler", address, "-j", "2", "map _", "in.txt")
    assert (r.returncode, r.stdout, r.stderr.decode()) == (
        2, b"", f"sl: --scheduler `{address}` is not a scheduler address such as tcp://HOST:8786\n")


def test_scheduler_address_is_checked_without_importing_dask() -> None:
    from streamlang import cli
    before = set(sys.modules)
    assert cli._scheduler_problem("tcp://127.0.0.1:8786") is None
    assert cli._scheduler_problem("[::1]:8786") is None
    assert cli._scheduler_problem("tcp://[::1") is not None
    assert not any(m.split(".")[0] in ("dask", "distributed") for m in set(sys.modules) - before)


def test_unreadable_zip_url_is_reported_by_name(tmp_path: Path) -> None:
    pytest.importorskip("fsspec")
    (tmp_path / "in.txt").write_bytes(b"a\n")
    (tmp_path / "b.txt").write_bytes(b"b\n")
    r = run(tmp_path, "map _", "zip://x::in.txt", "b.txt")
    assert (r.returncode, r.stdout, r.stderr) == (1, b"b\n", b"sl: cannot read zip://x::in.txt: File is not a zip file\n")


def test_state_and_script_from_dev_zero_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_bytes(b"a\n")
    r = run(tmp_path, "--state", "/dev/zero", "map _", "in.txt")
    assert (r.returncode, r.stdout, r.stderr) == (
        2, b"", b"sl: the state file /dev/zero is not a regular file\n")
    r = run(tmp_path, "-f", "/dev/zero", "in.txt")
    assert (r.returncode, r.stdout, r.stderr) == (2, b"", b"sl: /dev/zero is larger than 4 MB: not a program\n")


# 11. Rejections after sort or tail ------------------------------------------------------------------

@pytest.mark.parametrize("program,kept", [
    ("sort by _ | map int(_)", [b"b", b"x", b"\xef\xbb\xbfa"]),
    ("tail 3 | map int(_)", [b"x", b"\xef\xbb\xbfa"]),
])
def test_rejections_after_sort_or_tail_are_written_to_rejects(tmp_path: Path, program: str, kept: list) -> None:
    # The BOM starts the third line, not the file: it is data, kept byte for byte.
    lines = [b"b", b"x", b"\xef\xbb\xbfa", b"7"]
    (tmp_path / "in.txt").write_bytes(b"\n".join(lines) + b"\n")
    r = run(tmp_path, "--rejects", "rej.txt", program, "in.txt")
    assert (r.returncode, r.stdout) == (0, b"7\n")
    assert (tmp_path / "rej.txt").read_bytes() == b"".join(line + b"\n" for line in kept)
    import json
    why = [json.loads(w) for w in (tmp_path / "rej.txt.why").read_text(encoding="utf-8").splitlines()]
    texts = [k.decode("utf-8") for k in kept]
    assert [(w["file"], w["line"], w["stage"], w["reason"]) for w in why] == [
        (None, None, "map", f'cannot convert "{t}" to int') for t in texts]
    assert r.stderr.decode("utf-8").endswith("  rejected lines were written to rej.txt\n")


def test_rejected_records_after_grouping_are_said_not_to_be_in_rejects(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_bytes(b"b\n7\nb\n")
    r = run(tmp_path, "--rejects", "rej.txt", "count by k = _ | map int(.k)", "in.txt")
    assert (r.returncode, r.stdout, (tmp_path / "rej.txt").read_bytes()) == (0, b"7\n", b"")
    assert r.stderr.decode().endswith("  rejected lines were written to rej.txt\n"
                                      "  (1 rejected element after grouping was not a line of text: not written there)\n")


# 2. Partition keys -----------------------------------------------------------------------------------

def test_unsafe_partition_keys_are_rejected_and_distinct_keys_get_distinct_files(tmp_path: Path) -> None:
    keys = ["..", ".", "", "a/b", "a_b", "_", "a\0b", ".hidden", "x" * 256, "ok", "a_b"]
    unsafe = {"..": "names a directory, not a file", ".": "names a directory, not a file",
              "": "is empty (or null): it names no file", "a/b": "contains `/` or NUL: it would leave its directory",
              "a\0b": "contains `/` or NUL: it would leave its directory",
              ".hidden": "starts with `.`: a hidden name, like the temporary files",
              "x" * 256: "is longer than 255 bytes: too long for a file name"}
    lines = [f"{k}\t{i}" for i, k in enumerate(keys)]
    (tmp_path / "in.txt").write_bytes("".join(line + "\n" for line in lines).encode())
    r = run(tmp_path, "--rejects", "rej.txt", 'split "\\t" as {k: str, n: int} | write "out/{k}/f.tsv"', "in.txt")
    safe = [k for k in dict.fromkeys(keys) if k not in unsafe]
    rows = {k: [f"{k}\t{i}" for i, kk in enumerate(keys) if kk == k] for k in safe}
    assert (r.returncode, r.stdout.decode()) == (0, "".join(f"out/{k}/f.tsv\t{len(rows[k])}\n" for k in safe))
    for k in safe:
        assert (tmp_path / "out" / k / "f.tsv").read_text() == "k\tn\n" + "".join(row + "\n" for row in rows[k])
    rejected = [line for line, k in zip(lines, keys) if k in unsafe]
    assert (tmp_path / "rej.txt").read_bytes() == "".join(line + "\n" for line in rejected).encode()
    import json
    reasons = [json.loads(w)["reason"] for w in (tmp_path / "rej.txt.why").read_text().splitlines()]
    from streamlang.runtime.values import literal
    assert reasons == [f"the key {literal(k)} {unsafe[k]}" for k in keys if k in unsafe]
    # Nothing outside out/, no temporaries left: only the finished files.
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        ["in.txt", "rej.txt", "rej.txt.why"] + [f"out/{k}/f.tsv" for k in safe])


def test_two_keys_that_would_share_a_file_are_not_merged(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_bytes(b"x,yz,1\nxy,z,2\nx,yz,3\n")
    r = run(tmp_path, "--rejects", "rej.txt", 'split "," as {a: str, b: str, n: int} | write "out/{a}{b}.csv"', "in.txt")
    assert (r.returncode, r.stdout) == (0, b"out/xyz.csv\t2\n")
    assert (tmp_path / "out" / "xyz.csv").read_text() == "a,b,n\nx,yz,1\nx,yz,3\n"
    assert (tmp_path / "rej.txt").read_bytes() == b"xy,z,2\n"
    assert 'the key \\"xy\\", \\"z\\" names the file \\"out/xyz.csv\\" of the key \\"x\\", \\"yz\\"' in (
        tmp_path / "rej.txt.why").read_text()


def test_a_dot_key_leaves_no_temporaries(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_bytes(b"a,1\n.,2\nb,3\n")
    r = run(tmp_path, 'split "," as {k: str, n: int} | write "out/{k}"', "in.txt")
    assert (r.returncode, r.stdout) == (0, b"out/a\t1\nout/b\t1\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a", "b"]


# 1. Caches another user could plant code in ---------------------------------------------------------

class _Planted:
    """Unpickled, it creates the file `marker`: proof that a planted pickle was loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (str(self.marker), "w"))


def _old_lark_cache_file(tmp: Path) -> Path:
    """Where `Lark(..., cache=True)` kept the parser for this grammar: lark makes it there now."""
    import tempfile

    from lark import Lark

    from streamlang.parser import _Continuations
    saved, tempfile.tempdir = tempfile.tempdir, str(tmp)
    try:
        Lark.open_from_package("streamlang.grammar", "streamlang.lark", parser="lalr", lexer="contextual",
                               propagate_positions=True, maybe_placeholders=True, postlex=_Continuations(),
                               start=["start", "expr"], cache=True)
    finally:
        tempfile.tempdir = saved
    (found,) = tmp.glob(".lark_cache_*")
    return found


def test_planted_lark_cache_pickle_is_never_loaded(tmp_path: Path) -> None:
    import pickle
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    planted = _old_lark_cache_file(shared)
    marker = tmp_path / "ran-planted-code"
    first_line = planted.read_bytes().split(b"\n", 1)[0]
    planted.write_bytes(first_line + b"\n" + pickle.dumps(_Planted(marker)))
    (tmp_path / "in.txt").write_bytes(b"a\n")
    r = run(tmp_path, 'map _ + "?"', "in.txt", env={"TMPDIR": str(shared), "SL_NO_CACHE": "1"})
    assert (r.returncode, r.stdout, r.stderr) == (0, b"a?\n", b"")
    assert not marker.exists()
    assert [p.name for p in shared.iterdir()] == [planted.name]  # and nothing written there


def test_the_shipped_parser_tables_are_current_and_parse_like_the_grammar() -> None:
    import importlib.util

    from streamlang.parser import _lark, make_lark
    from tests.conftest import ROOT
    spec = importlib.util.spec_from_file_location("gen_parser_tables", ROOT / "scripts" / "gen_parser_tables.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.is_current(), "streamlang/grammar/tables.json is out of date: run scripts/gen_parser_tables.py"
    from streamlang import parser

    def not_built() -> None:
        raise AssertionError("the shipped tables were not used")
    _lark.cache_clear()
    saved, parser.make_lark = parser.make_lark, not_built  # type: ignore[assignment]
    try:
        shipped = _lark()
    finally:
        parser.make_lark = saved
    built = make_lark()
    assert shipped.options.cache is False
    programs = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.sl"))]
    assert programs
    for text in programs + ['parse apache | where .status >= 500 | count by .path | top 3 by .count']:
        assert shipped.parse(text, start="start") == built.parse(text, start="start")


def _planted_code(marker: Path, entry: Path) -> bytes:
    """A compile-cache entry whose code creates `marker` when it is loaded: the
    real `entry`'s report data and plan, so that only its code differs from what
    the loader accepts (an entry of another layout would be passed over anyway,
    and the tests below would hold vacuously)."""
    import marshal
    data = entry.read_bytes()
    head = data[:4 + int.from_bytes(data[:4], "little")]
    code = compile(f"open({str(marker)!r}, 'w').close()\ndef run(src, rt):\n    pass\n", "<planted>", "exec")
    return head + marshal.dumps(code)


def _cached_run(tmp: Path) -> tuple[Path, subprocess.CompletedProcess[bytes]]:
    """A first run, which stores the program in a fresh compile cache: that cache's directory."""
    (tmp / "in.txt").write_bytes(b"a\n")
    r = run(tmp, 'map _ + "!"', "in.txt", env={"XDG_CACHE_HOME": str(tmp / "cache")})
    return tmp / "cache" / "streamlang", r


def _rerun(tmp: Path) -> subprocess.CompletedProcess[bytes]:
    return run(tmp, 'map _ + "!"', "in.txt", env={"XDG_CACHE_HOME": str(tmp / "cache")})


def test_compile_cache_is_private_to_its_user(tmp_path: Path) -> None:
    cache, r = _cached_run(tmp_path)
    assert r.stdout == b"a!\n"
    (entry,) = cache.glob("*.bin")
    assert (cache.stat().st_mode & 0o777, entry.stat().st_mode & 0o777) == (0o700, 0o600)
    # The entry is what the next run loads: code planted in it, as this user, runs.
    marker = tmp_path / "ran-planted-code"
    entry.write_bytes(_planted_code(marker, entry))
    entry.chmod(0o600)
    _rerun(tmp_path)
    assert marker.exists()


@pytest.mark.parametrize("how", ["directory-writable-by-others", "file-writable-by-others",
                                 "file-of-another-user", "directory-of-another-user", "symlinked-file",
                                 "symlinked-directory"])
def test_planted_compile_cache_entry_is_never_loaded(tmp_path: Path, how: str) -> None:
    cache, _ = _cached_run(tmp_path)
    (entry,) = cache.glob("*.bin")
    marker = tmp_path / "ran-planted-code"
    other_uid = 65534 if os.geteuid() != 65534 else 65533
    if how == "symlinked-file":
        (tmp_path / "elsewhere.bin").write_bytes(_planted_code(marker, entry))
        entry.unlink()
        entry.symlink_to(tmp_path / "elsewhere.bin")
    elif how == "symlinked-directory":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        (tmp_path / "elsewhere" / entry.name).write_bytes(_planted_code(marker, entry))
        os.rename(cache, tmp_path / "old-cache")
        cache.symlink_to(tmp_path / "elsewhere")
    else:
        entry.write_bytes(_planted_code(marker, entry))
        if how == "directory-writable-by-others":
            cache.chmod(0o777)
        elif how == "file-writable-by-others":
            entry.chmod(0o666)
        elif os.geteuid() != 0:
            pytest.skip("giving a file to another user needs root")
        elif how == "file-of-another-user":
            os.chown(entry, other_uid, other_uid)
        else:
            os.chown(cache, other_uid, other_uid)
    r = _rerun(tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, b"a!\n", b"")
    assert not marker.exists()


# 8. Regexes taken from the input ---------------------------------------------------------------------

def test_catastrophic_regex_from_the_input_is_a_rejection_not_a_hang(tmp_path: Path) -> None:
    import re
    subject = "a" * 40 + "b"
    rows = [(subject, "(a+)+$"), (subject, "a+b$"), ("abab", "(a|ab)*$"), ("x1y22", r"\d+"),
            ("aa", r"(\w)\1"), ("GET /a", "(GET|POST)")]
    refused = {"(a+)+$": "a repeat inside a repeat (like `(a+)+`)",
               "(a|ab)*$": "repeated alternatives that can begin alike (like `(a|ab)*`)",
               r"(\w)\1": r"a back-reference (like `\1`)"}
    (tmp_path / "in.tsv").write_text("".join(f"{s}\t{p}\n" for s, p in rows))
    started = time.monotonic()
    try:
        r = run(tmp_path, "--rejects", "rej.tsv",
                'split "\\t" as {s: str, p: str} | map join(matches(.s, .p), ",")', "in.tsv", timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("no answer after 60 s")
    assert time.monotonic() - started < 30  # unguarded, `(a+)+$` on this line backtracks 2**40 times
    expected = [",".join(m.group(1) if m.re.groups else m.group(0) for m in re.finditer(p, s))
                for s, p in rows if p not in refused]
    assert (r.returncode, r.stdout.decode()) == (0, "".join(e + "\n" for e in expected))
    assert (tmp_path / "rej.tsv").read_text() == "".join(f"{s}\t{p}\n" for s, p in rows if p in refused)
    import json
    reasons = [json.loads(w)["reason"] for w in (tmp_path / "rej.tsv.why").read_text().splitlines()]
    assert reasons == [f"a regex from the input with {refused[p]} could run for ever: not run"
                       for _, p in rows if p in refused]
