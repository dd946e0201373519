import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def sl_command() -> str:
    """The installed `sl` (next to this interpreter), or $SL."""
    if "SL" in os.environ:
        return os.environ["SL"]
    beside = Path(sys.executable).parent / "sl"
    return str(beside) if beside.exists() else (shutil.which("sl") or "sl")


@pytest.fixture
def sl() -> str:
    return sl_command()
