"""`--engine dask`: the same program on a real dask.distributed cluster (processes, loopback)."""
from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import ROOT, sl_command

pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'streamlang[dask]')")

LOG = str(ROOT / "examples" / "data" / "access.log")
WORDS = str(ROOT / "examples" / "data" / "wordfreqs")


@pytest.mark.parametrize("program, files", [
    ("parse apache | summarize n = count(), b = sum(.bytes) by .status", [LOG]),
    ("parse apache | where .status == 404 | select .ip, .path | csv", [LOG]),
    # Sorted, top and distinct parts travel as rows (a Dask worker's files are not the client's).
    ("parse apache | sort by .status desc, .ip | select .ip, .status", [LOG]),
    ("parse apache | top 5 by .bytes", [LOG]),
    ("parse apache | distinct by .ip | map .ip", [LOG]),
    ('split "\\t" as {freq: int, word: str} | summarize total = sum(.freq), words = count()', [WORDS]),
    # An fsspec URL naming a table's directory (file:// standing in for s3://): one part per file.
    ('split "\\t" as {freq: int, word: str} | summarize total = sum(.freq), n = count()', ["file://" + WORDS + "/"]),
])
def test_a_local_dask_cluster_gives_what_the_local_engine_gives(program, files):
    env = dict(os.environ, NO_COLOR="1", SL_JOBS_MIN_RANGE="200000")
    local = subprocess.run([sl_command(), program, *files], capture_output=True, env=env)
    dask = subprocess.run([sl_command(), "--engine", "dask", program, *files], capture_output=True, env=env,
                          timeout=300)
    assert dask.returncode == local.returncode == 0
    assert dask.stdout == local.stdout
    assert dask.stderr == local.stderr


def test_a_one_liner_never_imports_dask():
    code = ("import sys\n"
            "sys.argv = ['sl', 'count']\n"
            "import streamlang.cli\n"
            "try:\n    streamlang.cli.main()\nexcept SystemExit:\n    pass\n"
            "heavy = {'dask', 'distributed', 'prompt_toolkit', 'pygments'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}), file=sys.stderr)\n")
    python = os.path.join(os.path.dirname(sl_command()), "python")
    proc = subprocess.run([python, "-c", code], input=b"a\n", capture_output=True)
    assert proc.stdout == b"1\n"
    assert proc.stderr.decode().strip() == "[]"
