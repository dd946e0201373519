"""Hostile input for every format and stage, through the real `sl` (SPEC §7).

Each test states exactly what comes out: the output bytes, the head of the
rejection summary on stderr (`sl: R of N input lines rejected`), and the
bytes of the `--rejects` file, which must hold every rejected line as it was
read. Input is binary and NUL bytes, invalid UTF-8, a 5 MB line, 100,000
quotes on a line, empty files, a missing final newline, a byte order mark,
CRLF line ends and lines of only whitespace; and for every built-in parser,
1 MB lines built to make a backtracking regex take forever.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest


def sl_argv() -> list[str]:
    if "SL" in os.environ:
        return shlex.split(os.environ["SL"])
    return [str(Path(sys.executable).parent / "sl")]


def run(tmp: Path, *args: str, stdin: bytes = b"", timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, NO_COLOR="1", XDG_CACHE_HOME=str(tmp / ".cache"))
    return subprocess.run(sl_argv() + list(args), input=stdin, capture_output=True, env=env, cwd=tmp,
                          timeout=timeout)


def ok(r: subprocess.CompletedProcess[bytes]) -> subprocess.CompletedProcess[bytes]:
    assert b"Traceback" not in r.stderr, r.stderr.decode(errors="replace")
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    return r


def summary_head(r: subprocess.CompletedProcess[bytes]) -> str:
    return r.stderr.decode("utf-8", "replace").split("\n")[0]


def rejected_head(rejected: int, read: int) -> str:
    return f"sl: {rejected} of {read} input line{'s' if read != 1 else ''} rejected"


# Every format against every hostile line -----------------------------------------

APACHE = b'1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /a HTTP/1.1" 200 12 "-" "ua"'

HOSTILE_LINES = {
    "empty": b"",
    "blank": b"  \t ",
    "nul": b"\x00\x00",
    "invalid-utf8": b"\xff\xfe\xc3(",
    "quotes": b'"' * 100_000,
    "bom-mid-file": b"\xef\xbb\xbfx",
    "equals": b"=",
    "brace": b"{",
    "control": b"\x1b[31m\x07",
    # Control bytes that are not whitespace to anyone, and every byte that is never UTF-8.
    "binary": bytes(range(1, 9)) + bytes(range(14, 28)) + bytes(range(128, 256)),
}

# format: (program, header lines, a good line, what the good line writes)
FORMATS = {
    "apache": ("parse apache | map .status", b"", APACHE, b"200\n"),
    "common": ("parse common | map .bytes", b"", APACHE.rsplit(b' "-"', 1)[0], b"12\n"),
    "nginx": ("parse nginx | map .path", b"", APACHE, b"/a\n"),
    "syslog": ("parse syslog | map .app", b"", b"Jan  2 03:04:05 host app[12]: hello", b"app\n"),
    "logfmt": ("parse logfmt | map .a", b"", b"a=1 b=2", b"1\n"),
    "json": ("parse json | map .a", b"", b'{"a": 1}', b"1\n"),
    "csv": ("parse csv | map .a", b"a,b\n", b"1,2", b"1\n"),
    "tsv": ("parse tsv | map .a", b"a\tb\n", b"1\t2", b"1\n"),
    "pattern": ('parse "*=*" as k, v | map .v', b"", b"a=b", b"b\n"),
    "extract": (r'extract r"(?P<n>\d+)" as {n: int} | map .n', b"", b"x 42 y", b"42\n"),
    "split-as": ('split "," as {a: str, n: int} | map .n', b"", b"x,1", b"1\n"),
    "words-as": ("words as {a: str, b: str} | map .b", b"", b"x y", b"y\n"),
    "words": ("words | map len(_)", b"", b"x y", b"2\n"),
    "map-int": ("map int(_)", b"", b"7", b"7\n"),
}

# The hostile lines a format accepts, and what each writes (None: skipped
# without a rejection, as the format documents). Every other hostile line is
# rejected.
ACCEPTED: dict[str, dict[str, bytes | None]] = {
    # logfmt: a word without `=` is a bare key (true), so `.a` is null: an empty line.
    "logfmt": {"empty": b"\n", "blank": b"\n", "nul": b"\n", "invalid-utf8": b"\n", "bom-mid-file": b"\n",
               "brace": b"\n", "control": b"\n", "binary": b"\n"},
    # JSON Lines: blank lines are skipped.
    "json": {"empty": None, "blank": None},
    # CSV: an empty line is no record (as for csv.reader).
    "csv": {"empty": None},
    # TSV: a line with a tab in it has two fields.
    "tsv": {"blank": b"  \n"},
    # `*=*` takes `=` as two empty fields.
    "pattern": {"equals": b"\n"},
    # \d+ finds the 31 of the escape sequence.
    "extract": {"control": b"31\n"},
    "words": {"empty": b"0\n", "blank": b"0\n", "nul": b"1\n", "invalid-utf8": b"1\n", "quotes": b"1\n",
              "bom-mid-file": b"1\n", "equals": b"1\n", "brace": b"1\n", "control": b"1\n", "binary": b"1\n"},
}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_hostile_line_is_written_or_rejected_and_kept(tmp_path: Path, fmt: str) -> None:
    program, header, good, good_out = FORMATS[fmt]
    accepted = ACCEPTED.get(fmt, {})
    data = header + good + b"\n"
    expected_out = good_out
    rejected = []
    for name, line in HOSTILE_LINES.items():
        data += line + b"\n" + good + b"\n"
        if name in accepted:
            expected_out += accepted[name] or b""
        else:
            rejected.append(line)
        expected_out += good_out
    (tmp_path / "in.txt").write_bytes(data)
    r = ok(run(tmp_path, "--rejects", "rej.txt", program, "in.txt"))
    assert r.stdout == expected_out
    read = data.count(b"\n")
    assert summary_head(r) == (rejected_head(len(rejected), read) if rejected else "")
    assert (tmp_path / "rej.txt").read_bytes() == b"".join(line + b"\n" for line in rejected)
    why = [json.loads(w) for w in (tmp_path / "rej.txt.why").read_text(encoding="utf-8").splitlines()]
    assert len(why) == len(rejected)
    first_hostile = header.count(b"\n") + 2
    names = list(HOSTILE_LINES)
    assert [w["line"] for w in why] == [first_hostile + 2 * names.index(n) for n in names if n not in accepted]
    assert all(w["file"] == "in.txt" and w["reason"] for w in why)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_reads_crlf_like_lf_and_keeps_the_cr_in_rejects(tmp_path: Path, fmt: str) -> None:
    program, header, good, good_out = FORMATS[fmt]
    lines = [good, b"bad \x00 line", good]
    lf = header + b"".join(line + b"\n" for line in lines)
    crlf = lf.replace(b"\n", b"\r\n")
    (tmp_path / "lf.txt").write_bytes(lf)
    (tmp_path / "crlf.txt").write_bytes(crlf)
    r_lf = ok(run(tmp_path, "--rejects", "lf.rej", program, "lf.txt"))
    r_crlf = ok(run(tmp_path, "--rejects", "crlf.rej", program, "crlf.txt"))
    assert r_crlf.stdout == r_lf.stdout
    assert summary_head(r_crlf) == summary_head(r_lf)
    rejected_lf = (tmp_path / "lf.rej").read_bytes()
    assert (tmp_path / "crlf.rej").read_bytes() == rejected_lf.replace(b"\n", b"\r\n")


# Bytes, encodings, line ends -------------------------------------------------------

def test_nul_binary_and_invalid_utf8_pass_through_unchanged(tmp_path: Path) -> None:
    data = b"a\x00b\n" + bytes(range(1, 10)) + bytes(range(11, 256)) + b"\n\xff\xfe\n\xc3\n\xed\xa0\x80\n"
    assert ok(run(tmp_path, "map _", stdin=data)).stdout == data
    # As fields too: split, words, a pattern and the csv/json writers carry the bytes through.
    assert ok(run(tmp_path, 'split "," | map _[1]', stdin=b"a,\xff\x00\xfe,c\n")).stdout == b"\xff\x00\xfe\n"
    assert ok(run(tmp_path, "words | map _[0]", stdin=b"caf\xe9 x\n")).stdout == b"caf\xe9\n"
    assert ok(run(tmp_path, 'parse "*:*" as a, b | map .b', stdin=b"k:\xff\n")).stdout == b"\xff\n"
    r = ok(run(tmp_path, 'split "," as {a: str, b: str} | csv', stdin=b"\xff,\x00\n"))
    assert r.stdout == b"a,b\n\xff,\x00\n"


def test_invalid_utf8_in_functions(tmp_path: Path) -> None:
    # Each undecodable byte is one character; case functions leave it alone.
    r = ok(run(tmp_path, 'map f"{len(_)} {upper(_)} {_[3]}"', stdin=b"caf\xe9\n"))
    assert r.stdout == b"4 CAF\xe9 \xe9\n"


def test_no_final_newline(tmp_path: Path) -> None:
    assert ok(run(tmp_path, 'map _ + "!"', stdin=b"a\nb")).stdout == b"a!\nb!\n"
    (tmp_path / "a.txt").write_bytes(b"1\n2")
    (tmp_path / "b.txt").write_bytes(b"3")
    assert ok(run(tmp_path, "map int(_) * 10", "a.txt", "b.txt")).stdout == b"10\n20\n30\n"


def test_no_final_newline_in_a_rejected_line(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_bytes(b"1\nx")
    r = ok(run(tmp_path, "--rejects", "rej.txt", "map int(_)", "in.txt"))
    assert r.stdout == b"1\n"
    assert summary_head(r) == rejected_head(1, 2)
    # Each rejected line is written as a line, so the file can be fed back to sl.
    assert (tmp_path / "rej.txt").read_bytes() == b"x\n"


def test_crlf_and_lone_cr(tmp_path: Path) -> None:
    r = ok(run(tmp_path, 'map _ + "!"', stdin=b"a\r\nb\rc\r\n\r\nd\r"))
    # A CR alone inside a line is data; CR LF, and a CR ending the input, end the line.
    assert r.stdout == b"a!\nb\rc!\n!\nd!\n"


def test_byte_order_mark_starts_each_file_not_each_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbf1\n\xef\xbb\xbf2\n")
    (tmp_path / "b.txt").write_bytes(b"\xef\xbb\xbf3\n")
    r = ok(run(tmp_path, "--rejects", "rej.txt", "map int(_)", "a.txt", "b.txt"))
    assert r.stdout == b"1\n3\n"
    assert summary_head(r) == rejected_head(1, 3)
    assert (tmp_path / "rej.txt").read_bytes() == b"\xef\xbb\xbf2\n"
    assert ok(run(tmp_path, "map _", stdin=b"\xef\xbb\xbfx\n")).stdout == b"x\n"


def test_byte_order_mark_of_a_rejected_first_line_is_not_kept(tmp_path: Path) -> None:
    # The BOM marks the file's encoding; it is not part of the first line, so
    # it is not in --rejects either (fed back, that file reads the same).
    (tmp_path / "in.txt").write_bytes(b"\xef\xbb\xbfbad\n1\n")
    r = ok(run(tmp_path, "--rejects", "rej.txt", "map int(_)", "in.txt"))
    assert r.stdout == b"1\n"
    assert (tmp_path / "rej.txt").read_bytes() == b"bad\n"


def test_whitespace_only_lines(tmp_path: Path) -> None:
    data = b" \n\t\t\n \r\n\x0b\x0c\n"
    assert ok(run(tmp_path, "words | map len(_)", stdin=data)).stdout == b"0\n0\n0\n0\n"
    assert ok(run(tmp_path, "map len(trim(_))", stdin=data)).stdout == b"0\n0\n0\n0\n"
    r = ok(run(tmp_path, "parse json | count", stdin=data))
    assert (r.stdout, r.stderr) == (b"0\n", b"")
    r = ok(run(tmp_path, "words as {a: str} | count", stdin=data))
    assert r.stdout == b"0\n" and summary_head(r) == rejected_head(4, 4)


# Empty input -------------------------------------------------------------------------

@pytest.mark.parametrize("program,expected", [
    ("map _", b""),
    ("count", b"0\n"),
    ("summarize n = count(), s = sum(len(_)), l = list(_)", b"0\t\t[]\n"),
    ("parse csv | count", b"0\n"),
    ("parse json | map .a", b""),
    ("words | count by w = _[0]", b""),
    ("sort by _ | tail 3", b""),
    ('split "," as {a: str} | csv', b"a\n"),  # the header, even with no rows
    ("parse syslog | json", b""),
])
def test_empty_input(tmp_path: Path, program: str, expected: bytes) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    r = ok(run(tmp_path, program, stdin=b""))
    assert (r.stdout, r.stderr) == (expected, b"")
    r = ok(run(tmp_path, program, "empty.txt", "empty.txt"))
    assert (r.stdout, r.stderr) == (expected, b"")


def test_empty_files_among_others(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    for name, data in [("1", b""), ("2", b"a,b\n1,2\n"), ("3", b""), ("4", b"a,b\n3,4")]:
        (tmp_path / "d" / name).write_bytes(data)
    assert ok(run(tmp_path, "parse csv | map .b", "d")).stdout == b"2\n4\n"


# Long lines ------------------------------------------------------------------------------

FIVE_MB = 5 * 1024 * 1024


def test_five_megabyte_line(tmp_path: Path) -> None:
    line = (b"word \xff\x00\"" * (FIVE_MB // 9))[:FIVE_MB]
    data = b"before\n" + line + b"\nafter\n"
    (tmp_path / "in.txt").write_bytes(data)
    assert ok(run(tmp_path, "map _", "in.txt")).stdout == data
    chars = len(line.decode("utf-8", "surrogateescape"))  # an undecodable byte is one character
    assert ok(run(tmp_path, "map len(_)", "in.txt")).stdout == b"6\n%d\n5\n" % chars
    r = ok(run(tmp_path, "--rejects", "rej.txt", "map int(_)", "in.txt"))
    assert summary_head(r) == rejected_head(3, 3)
    assert (tmp_path / "rej.txt").read_bytes() == data


def test_five_megabyte_json_string_and_csv_field(tmp_path: Path) -> None:
    value = "é\"\\" * (FIVE_MB // 4)
    data = json.dumps({"a": value}).encode() + b"\n"
    (tmp_path / "in.json").write_bytes(data)
    r = ok(run(tmp_path, "parse json | map len(.a)", "in.json"))
    assert r.stdout == b"%d\n" % len(value)
    field = b'"' + b'x""' * (FIVE_MB // 3) + b'"'
    (tmp_path / "in.csv").write_bytes(b"a,b\n" + field + b",1\n")
    r = ok(run(tmp_path, "parse csv | map len(.a)", "in.csv"))
    assert r.stdout == b"%d\n" % (2 * (FIVE_MB // 3))


def test_many_rejections_are_all_counted_and_kept(tmp_path: Path) -> None:
    data = b"".join(b"bad %d\n" % i if i % 3 else b"%d\n" % i for i in range(60_000))
    (tmp_path / "in.txt").write_bytes(data)
    r = ok(run(tmp_path, "--rejects", "rej.txt", "map int(_) | count", "in.txt"))
    assert r.stdout == b"20000\n"
    assert summary_head(r) == rejected_head(40_000, 60_000)
    assert "... and 39997 more" in r.stderr.decode()
    kept = b"".join(line + b"\n" for line in data.split(b"\n")[:-1] if line.startswith(b"bad"))
    assert (tmp_path / "rej.txt").read_bytes() == kept
    assert len((tmp_path / "rej.txt.why").read_bytes().splitlines()) == 40_000


def test_rejects_file_fed_back_gives_the_same_rejections(tmp_path: Path) -> None:
    data = b"1\r\nx\x00\r\n\xff\n2\n \n"
    (tmp_path / "in.txt").write_bytes(data)
    r1 = ok(run(tmp_path, "--rejects", "rej1.txt", "map int(_)", "in.txt"))
    r2 = ok(run(tmp_path, "--rejects", "rej2.txt", "map int(_)", "rej1.txt"))
    assert r1.stdout == b"1\n2\n" and r2.stdout == b""
    assert (tmp_path / "rej1.txt").read_bytes() == (tmp_path / "rej2.txt").read_bytes() == b"x\x00\r\n\xff\n \n"


def test_strict_stops_at_the_first_hostile_line(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_bytes(b"1\n2\n\xff\x00\n3\n")
    r = run(tmp_path, "--strict", "map int(_)", "in.txt")
    assert r.returncode == 1 and r.stdout == b"1\n2\n"
    err = r.stderr.decode()
    assert err.startswith("sl: in.txt:3: cannot convert ") and "Traceback" not in err


# Errors outside any element -------------------------------------------------------

BUG_ROUND = ("BUG: `sl 'map round(float(_), 100000000)'` never answers: round_half_away computes 10 ** digits "
             "in one C call; a digits argument out of any float's range should be a rejection (or clamped)")


def test_round_to_a_huge_number_of_digits_does_not_hang(tmp_path: Path) -> None:
    try:
        r = run(tmp_path, "map round(float(_), 100000000)", stdin=b"2.5\n", timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("no answer after 10 s")
    assert r.returncode == 0 and b"Traceback" not in r.stderr


@pytest.mark.parametrize("program,status", [
    ("let x = 1 // 0\nmap x", 2), ('let x = int("abc")\nmap x', 2), ("let x = [1][5]\nmap x", 2),
    ("let x = [1][hour(now()) + 24]\nmap x", 1)])
def test_error_outside_any_element_points_at_the_value(tmp_path: Path, program: str, status: int) -> None:
    # A value that fails whatever the input is found at compile time (2); one that
    # depends on the clock fails at run time (1); both point at the value with a caret.
    r = run(tmp_path, program, stdin=b"1\n")
    assert b"Traceback" not in r.stderr, r.stderr.decode()
    assert r.returncode == status and r.stdout == b""
    assert r.stderr.startswith(b"<program>:1:9: error: ")
    assert b"\n  |         ^^^^^^" in r.stderr


@pytest.mark.parametrize("stage", ["tail", "top", "take"])
def test_count_past_what_python_can_index_keeps_everything(tmp_path: Path, stage: str) -> None:
    by = " by _" if stage == "top" else ""
    r = run(tmp_path, f"{stage} {'9' * 40}{by}", stdin=b"b\na\n")
    assert ok(r).stdout == b"b\na\n"


# Rejected records that span lines ---------------------------------------------------

def why(tmp: Path, name: str) -> list[tuple[str, int, str]]:
    """(file, line, stage) of each record of the `--rejects` companion `name.why`."""
    records = [json.loads(line) for line in (tmp / f"{name}.why").read_text().splitlines()]
    return [(rec["file"], rec["line"], rec["stage"]) for rec in records]


@pytest.mark.parametrize("eol", [b"\n", b"\r\n"])
def test_rejected_multiline_csv_record_is_kept_whole(tmp_path: Path, eol: bytes) -> None:
    # Reported at the line the record starts on, kept byte for byte, line ends and all.
    data = b'id,n\n1,"a\nb",extra\n2,x\n'.replace(b"\n", eol)
    (tmp_path / "in.csv").write_bytes(data)
    r = ok(run(tmp_path, "--rejects", "rej.txt", "parse csv | map .n", "in.csv"))
    assert r.stdout == b"x\n"
    assert r.stderr.decode().splitlines()[:3] == [
        # The one record rejected is the two input lines it was read from.
        rejected_head(2, 4), "  2 lines (1 element) by `parse csv` (<program>:1:1)",
        '    in.csv:2: expected 2 fields (as in the header), got 3: 1,"a\\nb",extra']
    assert (tmp_path / "rej.txt").read_bytes() == b'1,"a\nb",extra\n'.replace(b"\n", eol)
    assert why(tmp_path, "rej.txt") == [("in.csv", 2, "parse csv")]


def test_rejected_multiline_csv_record_fed_back_is_rejected_the_same(tmp_path: Path) -> None:
    data = b'id,n\r\n1,"a\r\n\r\nb",extra\r\n2,x\r\n3,"c\r\nd"\r\n'
    (tmp_path / "in.csv").write_bytes(data)
    ok(run(tmp_path, "--rejects", "rej1.txt", "parse csv | map int(.n)", "in.csv"))
    (tmp_path / "again.csv").write_bytes(b"id,n\r\n" + (tmp_path / "rej1.txt").read_bytes())
    ok(run(tmp_path, "--rejects", "rej2.txt", "parse csv | map int(.n)", "again.csv"))
    assert (tmp_path / "rej1.txt").read_bytes() == (tmp_path / "rej2.txt").read_bytes() == (
        b'1,"a\r\n\r\nb",extra\r\n2,x\r\n3,"c\r\nd"\r\n')
    assert why(tmp_path, "rej1.txt") == [("in.csv", 2, "parse csv"), ("in.csv", 5, "map"), ("in.csv", 6, "map")]
    assert why(tmp_path, "rej2.txt") == [("again.csv", 2, "parse csv"), ("again.csv", 5, "map"),
                                         ("again.csv", 6, "map")]


def test_unterminated_csv_record_is_kept_whole_under_its_own_file(tmp_path: Path) -> None:
    # The open quote swallows the rest of its file: all of it is rejected, and
    # reported under that file's name, not the next one's.
    (tmp_path / "a.csv").write_bytes(b'id,n\r\n1,"open\r\n2,3\r\n')
    (tmp_path / "b.csv").write_bytes(b"id,n\n4,5\n")
    r = ok(run(tmp_path, "--rejects", "rej.txt", "parse csv | map .n", "a.csv", "b.csv"))
    assert r.stdout == b"5\n"
    assert r.stderr.decode().splitlines()[2] == (
        '    a.csv:2: unterminated quoted field (the record starts at line 2): 1,"open\\n2,3')
    assert (tmp_path / "rej.txt").read_bytes() == b'1,"open\r\n2,3\r\n'
    assert why(tmp_path, "rej.txt") == [("a.csv", 2, "parse csv")]


@pytest.mark.parametrize("ending", ["", " | json", " | csv", " | tsv", " | table", " | map .id", " | take 3 | json"])
def test_unterminated_csv_record_is_reported_whatever_stage_writes(tmp_path: Path, ending: str) -> None:
    # A format stage at the end writes straight from the input's loop; the
    # check for a quoted field left open must still run when the input ends.
    (tmp_path / "a.csv").write_bytes(b'id,n\n1,"open\n')
    r = ok(run(tmp_path, "parse csv" + ending, "a.csv"))
    assert r.stderr.decode().splitlines() == [
        "sl: 1 of 2 input lines rejected",
        "  1 by `parse csv` (<program>:1:1)",
        '    a.csv:2: unterminated quoted field (the record starts at line 2): 1,"open']


def test_rejected_joined_element_is_kept_whole(tmp_path: Path) -> None:
    data = b"start 1\n  cont a\n  cont b\n7\nbad\n  cont c\n"
    (tmp_path / "in.txt").write_bytes(data)
    r = ok(run(tmp_path, "--rejects", "rej.txt", r'join r"^\s" | map int(_)', "in.txt"))
    assert r.stdout == b"7\n"
    assert (tmp_path / "rej.txt").read_bytes() == b"start 1\n  cont a\n  cont b\nbad\n  cont c\n"
    assert why(tmp_path, "rej.txt") == [("in.txt", 1, "map"), ("in.txt", 5, "map")]


def test_rejected_joined_element_with_crlf_is_kept_whole(tmp_path: Path) -> None:
    data = b"start 1\r\n  cont a\r\n  cont b\r\n7\r\nbad\r\n  cont c\r\n"
    (tmp_path / "in.txt").write_bytes(data)
    r = ok(run(tmp_path, "--rejects", "rej.txt", r'join r"^\s" | map int(_)', "in.txt"))
    assert r.stdout == b"7\n"
    assert r.stderr.decode().splitlines()[2:4] == [
        "    in.txt:1: cannot convert \"start 1\\n  cont a\\n  cont b\" to int: start 1\\n  cont a\\n  cont b",
        "    in.txt:5: cannot convert \"bad\\n  cont c\" to int: bad\\n  cont c"]
    assert (tmp_path / "rej.txt").read_bytes() == b"start 1\r\n  cont a\r\n  cont b\r\nbad\r\n  cont c\r\n"
    assert why(tmp_path, "rej.txt") == [("in.txt", 1, "map"), ("in.txt", 5, "map")]


def test_rejected_joined_elements_across_chunks_and_files_are_kept_whole(tmp_path: Path) -> None:
    # Elements that straddle a 64 KiB read, begin on LF lines and go on with CRLF
    # ones, or end only when the next file begins: each kept as read, under its file.
    long = b"bad a\n" + b"  cont\r\n" * 20_000  # 160 KB: more than one read
    (tmp_path / "a.txt").write_bytes(b"1\n" + long + b"2\r\nbad b\r\n  last\r\n")
    (tmp_path / "b.txt").write_bytes(b"bad c\n  cont\n3\n")
    r = ok(run(tmp_path, "--rejects", "rej.txt", r'join r"^\s" | map int(_)', "a.txt", "b.txt"))
    assert r.stdout == b"1\n2\n3\n"
    assert (tmp_path / "rej.txt").read_bytes() == long + b"bad b\r\n  last\r\nbad c\n  cont\n"
    assert why(tmp_path, "rej.txt") == [("a.txt", 2, "map"), ("a.txt", 20_004, "map"), ("b.txt", 1, "map")]


BUG_CRLF_REJECTS_SLOW = (
    "BUG: --rejects on a CRLF file costs a split of the whole read chunk per rejected line "
    "(Input.raw_line: self._raw.split('\\n')[...]): 200,000 rejected CRLF lines take ~44 s against ~5 s for "
    "LF; it should cost the same as LF")


def test_rejects_on_crlf_input_cost_what_they_cost_on_lf(tmp_path: Path) -> None:
    n = 40_000
    (tmp_path / "lf.txt").write_bytes(b"bad line number x\n" * n)
    (tmp_path / "crlf.txt").write_bytes(b"bad line number x\r\n" * n)
    timings = {}
    for name in ("lf", "crlf"):
        started = time.perf_counter()
        r = ok(run(tmp_path, "--rejects", f"{name}.rej", "map int(_)", f"{name}.txt"))
        timings[name] = time.perf_counter() - started
        assert summary_head(r) == rejected_head(n, n)
    assert (tmp_path / "crlf.rej").read_bytes() == (tmp_path / "crlf.txt").read_bytes()
    assert timings["crlf"] < 2.5 * timings["lf"] + 0.5, timings


# 1 MB adversarial lines: no catastrophic backtracking ---------------------------------

MB = 1 << 20
HEAD = b'1.2.3.4 - - [17/May/2015:10:05:03 +0000] "'


def adversarial_lines() -> list[bytes]:
    """Lines shaped to make a backtracking regex or a naive scanner go quadratic."""
    lines = [
        b'"' * MB,
        b" " * MB,
        b'\\"' * (MB // 2),
        b"\\" * MB,
        b"a " * (MB // 2),
        b"=" * MB,
        b"a=" * (MB // 2),
        b'a="' * (MB // 3),
        b'a="' + b"\\" * MB,
        b"[" * MB,
        b'{"a":' * (MB // 5),
        b'"' + b"\\u0000" * (MB // 6),
        b"1" * MB,
        b'","' * (MB // 3),
        b'"a' * (MB // 2),
        b"\t" * MB,
        b"* " * (MB // 2),
        HEAD + b"a \\" * (MB // 3),
        HEAD + b"GET " * (MB // 4) + b'" 200 1 "' + b'\\"' * 1000,
        HEAD + b'GET / HTTP/1.1" 200 1 "' + b"\\" * MB,
        HEAD + b'GET / HTTP/1.1" 200 1 "x" "' + b'\\"' * (MB // 2),
        b"1.2.3.4 - - [" + b"x" * MB,
        b"<1>" + b"Jan  1 00:00:00 " * (MB // 16),
        b"Jan  1 00:00:00 host " + b"[" * MB,
        b"Jan  1 00:00:00 host " + b"a" * MB + b"[1",
        b"<34>1 2003-10-11T22:14:15.003Z h a p m [x " + b'a="' + b'\\"' * (MB // 2),
        b"<34>1 2003-10-11T22:14:15.003Z h a p m " + b"[x" * (MB // 2),
        b"2024-03-01T10:00:00 " + b":" * MB,
    ]
    return lines


PARSERS = {
    "apache": "parse apache | count",
    "common": "parse common | count",
    "nginx": "parse nginx | count",
    "syslog": "parse syslog | count",
    "logfmt": "parse logfmt | count",
    "json": "parse json | count",
    "csv": "parse csv | count",
    "tsv": "parse tsv | count",
    "pattern": r'parse "* - * [*] \"* * *\" * * \"*\" \"*\"" as a, b, c, d, e, f, g, h, i, j | count',
    "pattern-quotes": r'parse "*\"*\"*=*" as a, b, c, d | count',
    "split-as": 'split "," as {a: str, b: int} | count',
    "words": "words | count",
    "join": r'join r"^\s" | count',
}

# Generous: each adversarial line parses in milliseconds; a quadratic or
# exponential parser takes minutes. The budget covers start-up and a slow,
# shared CI machine.
BUDGET = 20.0


@pytest.mark.parametrize("parser", list(PARSERS))
def test_parser_handles_adversarial_megabyte_lines_in_linear_time(tmp_path: Path, parser: str) -> None:
    lines = adversarial_lines()
    header = b"h1,h2\n" if parser == "csv" else b"h1\th2\n" if parser == "tsv" else b""
    data = header + b"".join(line + b"\n" for line in lines)
    (tmp_path / "in.txt").write_bytes(data)
    started = time.perf_counter()
    r = ok(run(tmp_path, "--rejects", "rej.txt", PARSERS[parser], "in.txt", timeout=BUDGET * 3))
    elapsed = time.perf_counter() - started
    assert elapsed < BUDGET, f"{len(lines)} lines of 1 MB took {elapsed:.1f} s"
    count = int(r.stdout)
    rejected = int(summary_head(r).split()[1]) if r.stderr else 0
    # Every line is accounted for: counted, or rejected and kept.
    kept = (tmp_path / "rej.txt").read_bytes()
    if parser == "join":
        # A line starting with whitespace continues the element before it.
        assert (count, rejected) == (sum(not line[:1].isspace() for line in lines), 0)
    elif parser == "csv":
        # Quoted fields span lines; Python's csv module says which records there are.
        csv.field_size_limit(sys.maxsize)
        text = data.decode("utf-8", "surrogateescape")
        # A rejected record counts as the lines it was read from.
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader)
        accepted = rejected_lines = 0
        read = reader.line_num
        for record in reader:
            if len(record) == 2:
                accepted += 1
            else:
                rejected_lines += reader.line_num - read
            read = reader.line_num
        assert (count, rejected) == (accepted, rejected_lines)
        assert kept.count(b"\n") == rejected
    else:
        blank = sum(not line.strip() for line in lines) if parser == "json" else 0  # skipped by JSON Lines
        assert count + rejected + blank == len(lines), (count, rejected)
        assert kept.count(b"\n") == rejected
    assert len(kept) <= len(data)


# Determinism ----------------------------------------------------------------------------------

DETERMINISM_PROGRAMS = [
    "words | flatten | distinct",
    "words | flatten | count by w = _",
    "words | flatten | summarize n = count(), d = count_distinct(_), l = list(_) by k = len(_)",
    "words | flatten | sort by len(_)",
    "words | flatten | top 5 by len(_)",
    "words | flatten | uniq",
    "parse json | json",
]


@pytest.mark.parametrize("program", DETERMINISM_PROGRAMS)
def test_output_is_byte_identical_across_runs_and_hash_seeds(tmp_path: Path, program: str) -> None:
    words = ["b", "a", "c", "a", "bb", "b", "é", "\udcff", "aa", "c", "10", "9", "B"]
    if program.startswith("parse json"):
        data = b'{"z": 1, "a": [2, {"y": null, "b": "x"}], "m": "\\u00e9"}\n{"b": 1, "a": 2}\n'
    else:
        data = "\n".join(" ".join(words[i:] + words[:i]) for i in range(len(words))).encode(
            "utf-8", "surrogateescape") + b"\n"
    outputs = set()
    for seed in ("0", "1", "4242", "random"):
        env = dict(os.environ, NO_COLOR="1", XDG_CACHE_HOME=str(tmp_path / ".cache"), PYTHONHASHSEED=seed)
        r = subprocess.run(sl_argv() + [program], input=data, capture_output=True, env=env, cwd=tmp_path,
                           timeout=60)
        outputs.add(ok(r).stdout)
    assert len(outputs) == 1


def test_groups_come_out_in_order_of_first_appearance(tmp_path: Path) -> None:
    data = b"b\na\nc\na\nb\nd\n"
    assert ok(run(tmp_path, "distinct", stdin=data)).stdout == b"b\na\nc\nd\n"
    assert ok(run(tmp_path, "count by k = _", stdin=data)).stdout == b"b\t2\na\t2\nc\t1\nd\t1\n"
    assert ok(run(tmp_path, "summarize n = count() by k = _", stdin=data)).stdout == b"b\t2\na\t2\nc\t1\nd\t1\n"
    # sort is stable: equal keys keep their input order.
    assert ok(run(tmp_path, "sort by len(_)", stdin=b"bb\nb\naa\na\n")).stdout == b"b\na\nbb\naa\n"


def test_a_script_that_is_not_utf8_is_a_usage_error_at_its_byte(tmp_path: Path) -> None:
    (tmp_path / "bad.sl").write_bytes(b"map \xff\n")
    r = run(tmp_path, "-f", "bad.sl")
    assert (r.returncode, r.stdout) == (2, b"")
    assert r.stderr == b"sl: bad.sl is not UTF-8 text (at byte 4); a script must be UTF-8\n"
