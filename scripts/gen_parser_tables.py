#!/usr/bin/env python3
"""Write streamlang/grammar/tables.json: the parser's LALR tables as data.

Building the tables from the grammar takes a few hundred milliseconds, too
long for a one-liner's start-up. lark's own answer, `cache=True`, keeps a
pickle at a predictable name in the shared temporary directory and loads it
unchecked: a file planted there by another user runs as whoever runs `sl`
next. Instead the tables ship with the package as JSON, read as fast as
lark's pickle (a .py module of literals is as fast only where its .pyc could
be written), and nothing is ever unpickled or written at run time. JSON has
no tuples and no integer keys: `{"#tuple": [...]}` and `{"#map": [[k, v], ...]}`
stand for them (streamlang/parser.py reads them back).

    .venv/bin/python scripts/gen_parser_tables.py           # rewrite the tables
    .venv/bin/python scripts/gen_parser_tables.py --check   # exit 1 if they are out of date

Run it after any change to streamlang/grammar/streamlang.lark (or to lark's
version): tests/test_safety.py fails while the tables are out of date.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

from streamlang.parser import make_lark

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "streamlang" / "grammar" / "tables.json"
GRAMMAR = ROOT / "streamlang" / "grammar" / "streamlang.lark"

# Options that name objects rather than hold data: given again when the tables are loaded.
OBJECT_OPTIONS = ("postlex", "import_paths", "source_path")


def generate() -> str:
    import hashlib
    data, memo = make_lark().memo_serialize([TerminalDef, Rule])
    for name in OBJECT_OPTIONS:
        data["options"].pop(name, None)
    tables = {"lark_version": lark.__version__,
              "grammar_sha256": hashlib.sha256(GRAMMAR.read_bytes()).hexdigest(),
              "data": _encode(data), "memo": _encode(memo)}
    return json.dumps(tables, separators=(",", ":")) + "\n"


def _encode(value: object) -> object:
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"#map": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"#tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    assert value is None or isinstance(value, (str, int, float, bool)), f"cannot write {value!r} as JSON"
    return value


def is_current() -> bool:
    """The tables were made from this grammar by this lark (their numbering differs from
    one build to the next, so the text cannot be compared; `_lark()` checks the same)."""
    import hashlib
    tables = json.loads(OUTPUT.read_text(encoding="utf-8"))
    return (tables["lark_version"], tables["grammar_sha256"]) == (
        lark.__version__, hashlib.sha256(GRAMMAR.read_bytes()).hexdigest())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the tables are out of date")
    args = ap.parse_args()
    if args.check:
        if not OUTPUT.exists() or not is_current():
            print(f"{OUTPUT} is out of date: run scripts/gen_parser_tables.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(generate(), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
