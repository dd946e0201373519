"""What a plain `pip install .` gives: the toplevel's packages are dependencies, and
an optional package that is missing (dask, fsspec and a URL's protocol package) is
one `sl:` line naming the install command, status 2, before any input is read.

A missing package is simulated: a finder placed first on `sys.meta_path` refuses
to import it, as a venv without it would."""
from __future__ import annotations

import os
import subprocess
import sys
import tomllib

from .conftest import ROOT

LOG = str(ROOT / "examples" / "data" / "access.log")
ENV = {"NO_COLOR": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent"}

WITHOUT = """\
import sys
missing = set(sys.argv.pop(1).split(","))

class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in missing:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Missing())
from streamlang.cli import main
main()
"""


def sl_without(modules: str, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """`sl ARGS` in an environment where `modules` (comma-separated) are not installed."""
    return subprocess.run([sys.executable, "-c", WITHOUT, modules, *args], capture_output=True, text=True,
                          input=input, env=ENV, cwd=ROOT, timeout=120)


def test_the_toplevel_packages_are_plain_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].split("[")[0].strip().lower() for d in project["dependencies"]}
    assert {"prompt_toolkit", "pygments", "lark"} <= names
    assert "repl" not in project.get("optional-dependencies", {})


def test_engine_dask_without_dask_is_one_line_with_the_install_command():
    proc = sl_without("distributed,dask", "--engine", "dask", "map _", LOG)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == ("sl: --engine dask needs dask.distributed, but distributed is not installed: "
                           "pip install 'dask[distributed]>=2024.1'\n")


def test_a_url_without_fsspec_is_one_line_with_the_install_command():
    proc = sl_without("fsspec,s3fs", "map _", "s3://bucket/table/")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == ("sl: reading s3:// URLs needs fsspec and s3fs, but fsspec is not installed: "
                           "pip install fsspec s3fs\n")


def test_a_url_without_its_protocol_package_is_one_line_with_the_install_command():
    proc = sl_without("s3fs", "map _", "s3://bucket/table/")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == ("sl: reading s3:// URLs needs fsspec and s3fs, but s3fs is not installed: "
                           "pip install fsspec s3fs\n")


def test_the_toplevel_without_its_packages_is_one_line_with_the_install_command():
    want = ("sl: the toplevel (sl -i) needs prompt_toolkit and pygments, but {} is not installed: "
            "pip install 'prompt_toolkit>=3.0.40' 'pygments>=2.15'\n")
    piped = sl_without("pygments", "-i", LOG, input="parse apache | count\n")
    assert (piped.returncode, piped.stdout, piped.stderr) == (2, "", want.format("pygments"))
    both = sl_without("prompt_toolkit,pygments", "-i", LOG, input="parse apache | count\n")
    assert (both.returncode, both.stdout, both.stderr) == (2, "", want.format("pygments"))


def test_sl_i_on_a_file_that_cannot_be_read_says_so_at_once(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "streamlang.cli", "-i", "nosuch.log"], capture_output=True,
                          text=True, input="parse apache | count\n", env=ENV, cwd=tmp_path, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        2, "", "sl: cannot read nosuch.log: No such file or directory\n")


def test_one_liners_import_no_toplevel_package_and_no_dask():
    code = ("import sys; from streamlang.cli import _main; _main(['--check', 'parse apache | count']); "
            "_main(['parse apache | count', " + repr(LOG) + "]); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'prompt_toolkit', 'pygments', 'dask', 'distributed', 'fsspec'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, cwd=ROOT)
    assert out.stdout.strip().split("\n")[-1] == "[]"
