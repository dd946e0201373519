#!/usr/bin/env python3
"""Write docs/reference.md from the builtin registry (streamlang/prelude.py).

Every stage, function, aggregate and format gets its signature (as `sl --help
NAME` shows it), its doc and its example. Each example is run with the
installed `sl` while the manual is generated, and the manual shows what it
printed; an example whose real output differs from the output the registry
states stops the generator with the differences, so the manual never shows
output that `sl` does not produce.

    .venv/bin/python scripts/gen_reference.py           # rewrite docs/reference.md
    .venv/bin/python scripts/gen_reference.py --check   # exit 1 if it is out of date

tests/test_reference.py fails when docs/reference.md is not what `generate()`
returns.
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from streamlang import docs
from streamlang.prelude import AGGREGATES, FORMATS, FUNCTIONS, STAGES, Example

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "reference.md"

# (kind, section title, registry), in the order the manual presents them.
KINDS = (("stage", "Stages", STAGES), ("function", "Functions", FUNCTIONS),
         ("aggregate", "Aggregates", AGGREGATES), ("format", "Formats", FORMATS))

INTRO = """\
# StreamLang reference

Every stage, function, aggregate and input format, generated from the builtin
registry (`streamlang/prelude.py`) by `scripts/gen_reference.py`: do not edit
this file by hand. `sl --help NAME` and `:help NAME` in the toplevel show the
same entries. Each example is a shell session that was run when this file was
generated: the program, its input (a here-document), and what `sl` printed.
Fields in plain output are separated by tabs.
"""


@dataclass(frozen=True)
class Entry:
    kind: str
    name: str
    doc: str
    example: Example

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.name}"


def entries() -> list[Entry]:
    """Every registry entry, by kind, in registry order."""
    return [Entry(kind, name, e.doc, e.example) for kind, _, registry in KINDS for name, e in registry.items()]


def sl_command() -> str:
    """The `sl` installed next to this Python, or $SL, or the one on PATH."""
    if "SL" in os.environ:
        return os.environ["SL"]
    beside = Path(sys.executable).parent / "sl"
    return str(beside) if beside.exists() else (shutil.which("sl") or "sl")


class StaleExample(Exception):
    """An example's real output is not the output its registry entry states."""


def run_examples(listed: list[Entry], sl: str) -> dict[str, str]:
    """The real stdout of every example, by anchor; raises StaleExample listing every one that disagrees."""
    def run(entry: Entry) -> tuple[Entry, subprocess.CompletedProcess[bytes]]:
        ex = entry.example
        return entry, subprocess.run([sl, ex.program], input=ex.input.encode(), capture_output=True, cwd=ROOT,
                                     env={"NO_COLOR": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin")})

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, listed))
    outputs, problems = {}, []
    for entry, proc in results:
        out, err = proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
        if proc.returncode != 0 or err or out != entry.example.output:
            problems.append(f"{entry.kind} `{entry.name}`: sl {shlex.quote(entry.example.program)}\n"
                            f"  states  {entry.example.output!r}\n  printed {out!r} (exit {proc.returncode})"
                            + (f"\n  stderr  {err.strip()}" if err else ""))
        outputs[entry.anchor] = out
    if problems:
        raise StaleExample("examples whose real output differs from the registry:\n" + "\n".join(problems))
    return outputs


def help_syntax(kind: str, name: str) -> list[str]:
    """The signature lines of one entry, exactly as `sl --help NAME` prints them (dedented)."""
    text = docs.entry(name)
    lines = text.splitlines() if text else []
    header = f"{name}  ({kind})"
    if header not in lines:
        raise LookupError(f"`sl --help {name}` has no {kind} section")
    out = []
    for line in lines[lines.index(header) + 1:]:
        if not line.startswith("    "):
            break
        out.append(line[4:])
    return out


def session(ex: Example, output: str) -> list[str]:
    """The example as a console block: the command with its input as a here-document, then the output."""
    command = f"sl {shlex.quote(ex.program)}"
    if ex.input == "":
        lines = [f"$ {command} < /dev/null"]
    elif ex.input.endswith("\n"):
        end = next(w for w in ("EOF", "END", "INPUT", "STREAMLANG_EOF") if w not in ex.input.splitlines())
        lines = [f"$ {command} <<'{end}'", *ex.input.splitlines(), end]
    else:
        lines = [f"$ printf '%s' {shlex.quote(ex.input)} | {command}"]
    return ["```console", *lines, *output.splitlines(), "```"]


def contents(listed: list[Entry]) -> list[str]:
    out = ["## Contents", ""]
    for kind, title, _ in KINDS:
        links = " · ".join(f"[`{e.name}`](#{e.anchor})" for e in listed if e.kind == kind)
        out.append(f"- [{title}](#{title.lower()}): {links}")
    return out


def section(entry: Entry, output: str) -> list[str]:
    return [f'<a id="{entry.anchor}"></a>', "", f"### `{entry.name}`", "",
            "```text", *help_syntax(entry.kind, entry.name), "```", "",
            entry.doc, "", *session(entry.example, output)]


def generate(sl: str | None = None) -> str:
    """The text of docs/reference.md for the registry as it is now, running every example with `sl`."""
    listed = entries()
    outputs = run_examples(listed, sl or sl_command())
    lines = [INTRO, *contents(listed)]
    for kind, title, _ in KINDS:
        lines += ["", f"## {title}"]
        for entry in (e for e in listed if e.kind == kind):
            lines += ["", *section(entry, outputs[entry.anchor])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/reference.md is out of date")
    parser.add_argument("--sl", help="the sl command to run the examples with")
    args = parser.parse_args(argv)
    try:
        text = generate(args.sl)
    except StaleExample as e:
        print(f"gen_reference: {e}", file=sys.stderr)
        return 1
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
    if args.check:
        if text != current:
            print(f"gen_reference: {OUTPUT.relative_to(ROOT)} is out of date; run scripts/gen_reference.py",
                  file=sys.stderr)
            return 1
        return 0
    if text != current:
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(entries())} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
