"""`write "out/{day}.csv"`: one complete file per key; `--skip-existing` never redoes one."""
from __future__ import annotations

import subprocess

from .conftest import ROOT, sl_command

LOG = str(ROOT / "examples" / "data" / "access.log")
PROGRAM = 'parse apache | where .status == 404 | select day = date(.time), .path | write "out/{day}.csv"'


def run(cwd, *args):
    return subprocess.run([sl_command(), *args], capture_output=True, text=True, cwd=cwd)


def test_one_file_per_day_written_whole(tmp_path):
    proc = run(tmp_path, PROGRAM, LOG)
    assert proc.returncode == 0
    assert proc.stdout == ("out/2015-05-17.csv\t30\nout/2015-05-18.csv\t63\n"
                           "out/2015-05-19.csv\t64\nout/2015-05-20.csv\t56\n")
    day = (tmp_path / "out" / "2015-05-17.csv").read_text().splitlines()
    assert day[0] == "day,path" and len(day) == 31
    assert all(line.startswith("2015-05-17,") for line in day[1:])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2015-05-17.csv", "2015-05-18.csv", "2015-05-19.csv", "2015-05-20.csv"]  # no temporary files left


def test_skip_existing_never_redoes_a_finished_day(tmp_path):
    run(tmp_path, PROGRAM, LOG)
    (tmp_path / "out" / "2015-05-18.csv").write_text("kept\n")
    (tmp_path / "out" / "2015-05-19.csv").unlink()
    proc = run(tmp_path, "--skip-existing", PROGRAM, LOG)
    assert proc.stdout == "out/2015-05-19.csv\t64\n"
    assert (tmp_path / "out" / "2015-05-18.csv").read_text() == "kept\n"


def test_a_failed_run_leaves_no_partial_file(tmp_path):
    (tmp_path / "in.txt").write_text("a,1\nb,2\nc,x\n")
    proc = run(tmp_path, "--strict", 'split "," as {k: str, n: int} | write "out/{k}.tsv"', "in.txt")
    assert proc.returncode == 1
    assert list((tmp_path / "out").iterdir()) == []


def test_a_key_cannot_climb_out_of_its_directory(tmp_path):
    (tmp_path / "in.txt").write_text("../evil,1\nok,2\n")
    proc = run(tmp_path, "--rejects", "rej.txt", 'split "," as {k: str, n: int} | write "out/{k}.txt"', "in.txt")
    assert (proc.returncode, proc.stdout) == (0, "out/ok.txt\t1\n")
    assert (tmp_path / "rej.txt").read_text() == "../evil,1\n"
    assert sorted(p.name for p in tmp_path.rglob("*.txt")) == ["in.txt", "ok.txt", "rej.txt"]
