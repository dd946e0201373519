"""`--state` in everyday cron situations (issue 20): headers, failed output,
rotation, identity, overlapping runs, `take`, missing files, directories,
`join`, partitioned writes, and state files that are not ours."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import time

from .conftest import sl_command


def sl(tmp, *args, state="state.json", stdout=subprocess.PIPE, env=None):
    return subprocess.run([sl_command(), "--state", str(tmp / state), *map(str, args)], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def append(path, text):
    with open(path, "a") as f:
        f.write(text)


def numbered(lo, hi):
    return "".join(f"line {i}\n" for i in range(lo, hi))


# 1 -------------------------------------------------------------------------

def test_a_resumed_csv_file_keeps_its_own_header(tmp_path):
    data = tmp_path / "app.csv"
    data.write_text("host,status\nweb1,200\nweb2,500\n")
    program = "parse csv | where .status >= 500 | csv"
    assert sl(tmp_path, program, data).stdout == "host,status\nweb2,500\n"
    rows = [("web3", 503), ("web4", 200), ("web5", 502)]
    append(data, "".join(f"{h},{s}\n" for h, s in rows))
    expected = "host,status\n" + "".join(f"{h},{s}\n" for h, s in rows if s >= 500)
    run = sl(tmp_path, program, data)
    assert (run.stdout, run.stderr, run.returncode) == (expected, "", 0)


def test_a_resumed_tsv_file_with_a_record_type_keeps_its_header(tmp_path):
    data = tmp_path / "app.tsv"
    data.write_text("host\tstatus\nweb1\t200\n")
    program = "parse tsv as {host: str, status: int} | map f\"{.host} {.status}\""
    assert sl(tmp_path, program, data).stdout == "web1 200\n"
    append(data, "web2\t503\n")
    run = sl(tmp_path, program, data)
    assert (run.stdout, run.stderr) == ("web2 503\n", "")


# 2 -------------------------------------------------------------------------

def test_output_that_failed_is_read_again_by_the_next_run(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(numbered(1, 20_000))
    with open("/dev/full", "w") as full:
        failed = sl(tmp_path, "map _", log, stdout=full)
    assert failed.returncode == 1
    assert failed.stderr == "sl: No space left on device\n"
    again = sl(tmp_path, "map _", log)
    assert again.stdout == numbered(1, 20_000)


# 3 -------------------------------------------------------------------------

def test_copytruncate_after_unread_appends_reads_the_copy_first(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(numbered(1, 3))
    assert sl(tmp_path, "map _", log).stdout == numbered(1, 3)
    append(log, numbered(3, 6))
    shutil.copyfile(log, tmp_path / "app.log.1")             # copytruncate
    log.write_text("")
    append(log, numbered(6, 8))
    run = sl(tmp_path, "map _", log)
    assert (run.stdout, run.stderr) == (numbered(3, 8), "")
    assert sl(tmp_path, "map _", log).stdout == ""


def test_copytruncate_while_a_run_reads_loses_and_repeats_nothing(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(numbered(0, 200_000))
    reading = subprocess.Popen([sl_command(), "--state", str(tmp_path / "state.json"), "map _", str(log)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)                                           # blocked on its full output pipe, mid-file
    assert reading.poll() is None
    shutil.copyfile(log, tmp_path / "app.log.1")
    with open(log, "r+") as f:
        f.truncate(0)
    append(log, numbered(200_000, 200_010))
    first, first_err = reading.communicate()
    assert (reading.returncode, first_err) == (0, "")
    second = sl(tmp_path, "map _", log)
    assert (second.returncode, second.stderr) == (0, "")
    assert first + second.stdout == numbered(0, 200_010)


def test_two_rotations_between_runs_read_the_middle_file(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(numbered(1, 3))
    sl(tmp_path, "map _", log)
    append(log, numbered(3, 5))
    os.rename(log, tmp_path / "app.log.1")
    log.write_text(numbered(5, 9))                             # the middle file
    os.rename(tmp_path / "app.log.1", tmp_path / "app.log.2")
    os.rename(log, tmp_path / "app.log.1")
    log.write_text(numbered(9, 11))
    run = sl(tmp_path, "map _", log)
    assert (run.stdout, run.stderr) == (numbered(3, 11), "")


def test_a_rotated_file_compressed_at_once_is_read_from_its_gz(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(numbered(1, 3))
    sl(tmp_path, "map _", log)
    append(log, numbered(3, 6))
    with open(log, "rb") as f, gzip.open(tmp_path / "app.log.1.gz", "wb") as z:
        z.write(f.read())                                     # `compress` without `delaycompress`
    log.unlink()
    log.write_text(numbered(6, 7))
    run = sl(tmp_path, "map _", log)
    assert (run.stdout, run.stderr) == (numbered(3, 7), "")


def test_a_date_suffixed_rotation_is_followed(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(numbered(1, 3))
    sl(tmp_path, "map _", log)
    append(log, numbered(3, 4))
    os.rename(log, tmp_path / "app.log-20261201")
    (tmp_path / "app.log-20261130").write_text("older\n")
    log.write_text(numbered(4, 5))
    assert sl(tmp_path, "map _", log).stdout == numbered(3, 5)


def test_a_remainder_that_cannot_be_found_is_reported_and_fails_under_strict(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("a\nb\n")
    sl(tmp_path, "map _", log)
    shutil.copyfile(tmp_path / "state.json", tmp_path / "saved.json")
    append(log, "partial")
    sl(tmp_path, "map _", log)                                 # records the size, 11 bytes
    shutil.copyfile(tmp_path / "state.json", tmp_path / "saved.json")
    log.unlink()                                              # rotated and deleted (`rotate 0`)
    log.write_text("c\n")
    message = (f"sl: {log} was rotated or truncated since the last run and its old file is not beside it: "
               f"what followed byte 4 (line 3) of it is not read, at least 7 bytes\n")
    run = sl(tmp_path, "map _", log)
    assert (run.stdout, run.stderr, run.returncode) == ("c\n", message, 0)
    shutil.copyfile(tmp_path / "saved.json", tmp_path / "state.json")
    strict = sl(tmp_path, "--strict", "map _", log)
    assert (strict.stdout, strict.stderr, strict.returncode) == ("c\n", message, 1)


# 4 -------------------------------------------------------------------------

def test_a_csv_export_regenerated_in_place_with_a_long_header_is_read_whole(tmp_path):
    data = tmp_path / "export.csv"
    header = ",".join(f"column_number_{i}" for i in range(8))
    data.write_text(header + "\n" + ",".join("1" * 8) + "\n")
    sl(tmp_path, "parse csv | map .column_number_0", data)
    rows = [str(i) * 3 for i in range(2, 6)]
    with open(data, "w") as f:                                 # the same inode, new contents
        f.write(header + "\n" + "".join(",".join([r] * 8) + "\n" for r in rows))
    run = sl(tmp_path, "parse csv | map .column_number_0", data)
    assert (run.stdout, run.stderr) == ("".join(r + "\n" for r in rows), "")


def test_a_log_truncated_and_grown_again_with_a_constant_prefix_is_read_from_its_start(tmp_path):
    log = tmp_path / "app.jsonl"
    prefix = '{"service":"payments-gateway","environment":"production","seq_no":'
    assert len(prefix) >= 64
    log.write_text("".join(f"{prefix}{i}}}\n" for i in range(3)))
    sl(tmp_path, "map _", log)
    with open(log, "w") as f:                                  # truncated in place, then more than before
        f.write("".join(f"{prefix}{i}}}\n" for i in range(100, 105)))
    run = sl(tmp_path, "map _", log)
    assert run.stdout == "".join(f"{prefix}{i}}}\n" for i in range(100, 105))


# 5 -------------------------------------------------------------------------

def test_a_second_run_on_the_same_state_waits_for_the_first(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(numbered(1, 1000))
    state = tmp_path / "state.json"
    first_out = tmp_path / "first.out"
    with open(first_out, "w") as out:
        first = subprocess.Popen([sl_command(), "--state", str(state), "map _", str(log)], stdout=out,
                                 env={**os.environ, "SL_STATE_PAUSE": "2"})
    deadline = time.monotonic() + 30
    while first_out.read_text() != numbered(1, 1000) and time.monotonic() < deadline:
        time.sleep(0.02)                                      # written; it holds the lock, paused
    second = subprocess.run([sl_command(), "--state", str(state), "map _", str(log)], capture_output=True,
                            text=True)
    assert first.wait() == 0
    assert first_out.read_text() == numbered(1, 1000)
    assert second.stderr == f"sl: waiting for another run with --state {state} to finish\n"
    assert (second.stdout, second.returncode) == ("", 0)


# 6 -------------------------------------------------------------------------

def test_take_goes_on_after_the_lines_it_took(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(numbered(1, 11))
    assert sl(tmp_path, "take 3", log).stdout == numbered(1, 4)
    assert sl(tmp_path, "take 3", log).stdout == numbered(4, 7)
    assert sl(tmp_path, "where _ ~ r\"[89]\" | take 1", log).stdout == numbered(8, 9)
    assert sl(tmp_path, "map _", log).stdout == numbered(9, 11)


def test_a_missing_input_file_does_not_stop_the_others_state_being_saved(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(numbered(1, 4))
    missing = tmp_path / "gone.log"
    run = sl(tmp_path, "map _", log, missing)
    assert (run.stdout, run.returncode) == (numbered(1, 4), 1)
    assert run.stderr == f"sl: cannot read {missing}: No such file or directory\n"
    append(log, numbered(4, 5))
    assert sl(tmp_path, "map _", log, missing).stdout == numbered(4, 5)


def test_a_directory_after_rotation_does_not_read_the_rotated_file_again(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "app.log"
    log.write_text(numbered(1, 4))
    assert sl(tmp_path, "map _", logs).stdout == numbered(1, 4)
    append(log, numbered(4, 6))
    os.rename(log, logs / "app.log.1")
    log.write_text(numbered(6, 7))
    run = sl(tmp_path, "map _", logs)
    assert (run.stdout, run.stderr) == (numbered(4, 7), "")
    append(log, numbered(7, 8))
    assert sl(tmp_path, "map _", logs).stdout == numbered(7, 8)
    assert sl(tmp_path, "map _", f"{logs}/app.log*").stdout == ""


def test_a_join_element_split_across_two_runs_comes_out_whole(tmp_path):
    log = tmp_path / "app.log"
    program = 'join r"^ " | map replace(_, r"\\n", "|")'
    log.write_text("start\nERROR boom\n  at a\n")
    first = sl(tmp_path, program, log)
    assert (first.stdout, first.stderr) == ("start\n", "")      # the last element may still grow
    append(log, "  at b\nnext\n")
    assert sl(tmp_path, program, log).stdout == "ERROR boom|  at a|  at b\n"
    append(log, "after\n")
    assert sl(tmp_path, program, log).stdout == "next\n"


def test_take_after_join_goes_on_at_the_next_element(tmp_path):
    log = tmp_path / "app.log"
    program = 'join r"^ " | map replace(_, r"\\n", "|") | take 1'
    log.write_text("one\n  1a\ntwo\n  2a\nthree\n")
    assert sl(tmp_path, program, log).stdout == "one|  1a\n"
    assert sl(tmp_path, program, log).stdout == "two|  2a\n"


# 7 -------------------------------------------------------------------------

def test_partitioned_writes_add_a_days_new_rows_to_its_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "events.csv"
    data.write_text("day,n\nd1,1\nd1,2\n")
    program = 'parse csv | write "out/{day}.csv"'
    assert sl(tmp_path, program, data).returncode == 0
    append(data, "d1,3\nd2,4\n")
    run = sl(tmp_path, program, data)
    assert (run.stdout, run.stderr) == ("out/d1.csv\t1\nout/d2.csv\t1\n", "")
    assert (tmp_path / "out/d1.csv").read_text() == "day,n\nd1,1\nd1,2\nd1,3\n"
    assert (tmp_path / "out/d2.csv").read_text() == "day,n\nd2,4\n"


def test_skip_existing_with_state_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "events.csv"
    data.write_text("day,n\nd1,1\n")
    run = sl(tmp_path, "--skip-existing", 'parse csv | write "out/{day}.csv"', data)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == ("sl: --state and --skip-existing cannot go together: with --state, `write` adds a "
                          "day's new rows to its file (--skip-existing would drop them)\n")
    assert not (tmp_path / "state.json").exists()
    assert not (tmp_path / "out").exists()


# 8, 9 -----------------------------------------------------------------------

def refused(tmp_path, content, message):
    state = tmp_path / "state.json"
    if isinstance(content, bytes):
        state.write_bytes(content)
    else:
        state.write_text(content)
    log = tmp_path / "app.log"
    log.write_text("a\n")
    run = sl(tmp_path, "map _", log)
    assert (run.returncode, run.stdout, run.stderr) == (2, "", f"sl: {message.format(state=state)}\n")
    assert state.read_bytes() == (content if isinstance(content, bytes) else content.encode())


def test_another_programs_json_is_an_error_and_left_alone(tmp_path):
    refused(tmp_path, '{"theme": "dark", "files": {}}\n',
            "{state} is not a StreamLang state file (left as it is; name another file)")


def test_a_state_an_earlier_streamlang_wrote_goes_on_where_it_stopped(tmp_path):
    # Version 1 (no marker): the sha1 of the first 64 bytes read was the fingerprint.
    import hashlib
    log, state = tmp_path / "app.log", tmp_path / "state.json"
    log.write_text("".join(f"line {i}\n" for i in range(1, 21)))
    offset = len("".join(f"line {i}\n" for i in range(1, 11)))
    st = log.stat()
    head = log.read_bytes()[:64]
    gone = str(tmp_path / "gone.log")
    state.write_text(json.dumps({"version": 1, "files": {
        str(log): {"dev": st.st_dev, "ino": st.st_ino, "offset": offset, "line": 11,
                   "fingerprint": hashlib.sha1(head).hexdigest()},
        gone: {"dev": 1, "ino": 2, "offset": 5, "line": 2, "fingerprint": "x"}}}))
    run = sl(tmp_path, "map _", log)
    assert (run.returncode, run.stdout, run.stderr) == (0, "".join(f"line {i}\n" for i in range(11, 21)), "")
    saved = json.loads(state.read_text())
    assert (saved["format"], saved["version"], list(saved["files"])) == ("streamlang-state", 2, [str(log)])


def test_a_state_of_another_version_is_an_error_and_left_alone(tmp_path):
    refused(tmp_path, '{"version": 7, "files": {}}',
            "{state} is not a StreamLang state file (left as it is; name another file)")
    refused(tmp_path, '{"format": "streamlang-state", "version": 3, "files": {}}',
            "the state file {state} has version 3, this sl reads version 2 (left as it is; move it away to start "
            "over)")


def test_state_files_of_the_wrong_shape_are_one_line_errors(tmp_path):
    for content in ["[1,2]", "null", "{", "\xff\xfe"]:
        refused(tmp_path, content, "{state} is not a StreamLang state file (left as it is; name another file)")
    good = {"dev": 1, "ino": 2, "offset": 3, "line": 2, "size": 3, "fingerprint": "x"}
    damaged = "the state file {state} is damaged (left as it is; move it away to start over)"
    for entry in [{k: v for k, v in good.items() if k != "dev"}, {**good, "offset": -1}, {**good, "line": 0},
                  {**good, "size": 1}, {**good, "ino": "2"}, {**good, "offset": True}, 7]:
        refused(tmp_path, json.dumps({"format": "streamlang-state", "version": 2, "files": {"/x": entry}}),
                damaged)
    refused(tmp_path, json.dumps({"format": "streamlang-state", "version": 2, "files": []}), damaged)


def test_a_state_path_that_is_not_a_regular_file_or_is_huge_is_refused(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("a\n")
    run = subprocess.run([sl_command(), "--state", "/dev/zero", "map _", str(log)], capture_output=True,
                         text=True, timeout=20)
    assert (run.returncode, run.stderr) == (2, "sl: the state file /dev/zero is not a regular file\n")
    refused(tmp_path, b" " * (16 * 2**20 + 1), "the state file {state} is larger than 16 MiB: not a state file")


# 10 ------------------------------------------------------------------------

def test_the_temporary_state_file_never_follows_a_symlink(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("a\n")
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    state = tmp_path / "state.json"
    # `exec` keeps the shell's process id: the name a temporary file with the
    # process id in it would have is known in advance.
    script = f'ln -s {victim} {state}.$$.tmp; exec "$0" --state {state} "map _" {log}'
    run = subprocess.run(["sh", "-c", script, sl_command()], capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (0, "a\n")
    assert victim.read_text() == "precious\n"
    assert json.loads(state.read_text())["format"] == "streamlang-state"
    assert not state.is_symlink()
    assert oct(state.stat().st_mode & 0o777) == oct(0o600)


def test_an_empty_state_file_is_a_new_state(tmp_path):
    (tmp_path / "state.json").write_text("")                  # made by `touch`
    log = tmp_path / "app.log"
    log.write_text("a\nb\n")
    assert sl(tmp_path, "map _", log).stdout == "a\nb\n"
    assert json.loads((tmp_path / "state.json").read_text())["files"][str(log)]["offset"] == 4
    assert sl(tmp_path, "map _", log).stdout == ""


def test_a_join_element_longer_than_a_chunk_is_held_whole(tmp_path):
    log = tmp_path / "app.log"
    element = "E\n" + "".join(f"  at {k}\n" for k in range(30_000))
    log.write_text("head\n" + element)
    program = 'join r"^ " | map f"{lineno()} {len(_)}"'
    assert sl(tmp_path, program, log).stdout == "1 4\n"
    append(log, "next\n")
    assert sl(tmp_path, program, log).stdout == f"2 {len(element) - 1}\n"
