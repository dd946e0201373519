#!/usr/bin/env python3
"""A long fuzzing campaign against the StreamLang compiler.

Runs N programs (default 100,000) through the oracle of tests/test_fuzz.py —
each must compile (and then run on a few hostile lines) or get a diagnostic
with a span — in this process, each guarded against hangs by SIGALRM. The
programs are generated from the grammar (hypothesis `from_lark`) and mutated
from real programs (the examples and golden cases: tokens deleted,
duplicated, swapped, inserted; odd Unicode, NUL, huge numbers, deep nesting).

Failures are grouped by signature (exception type and innermost StreamLang
frame); the shortest programs of each group go to tests/fuzz_corpus/ as
`crash-*.sl` / `hang-*.sl`, where tests/test_fuzz.py replays them. With
`--keep-diagnostics`, the shortest program of each distinct diagnostic message
is kept as `diag-*.sl` too, so the corpus covers the compiler's error paths.

    .venv/bin/python scripts/fuzz_campaign.py                 # 100,000 programs
    .venv/bin/python scripts/fuzz_campaign.py -n 2000 --seed 7 --no-write

Exit status: 0 when every failure was of a known kind (tests/test_fuzz.py's
KNOWN_BUGS), 1 when something new turned up.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from streamlang.errors import CompileError  # noqa: E402
from streamlang.source import Source  # noqa: E402
from tests.test_fuzz import (  # noqa: E402
    Hang,
    check_program,
    failure_signature,
    grammar_programs,
    grammar_walk,
    known_bug,
    mutate,
    seed_programs,
    time_limit,
    write_corpus_file,
)

KEEP_PER_SIGNATURE = 3


class Campaign:
    def __init__(self, limit: int, keep_diagnostics: bool):
        self.limit = limit
        self.keep_diagnostics = keep_diagnostics
        self.outcomes: Counter[str] = Counter()
        self.sources: Counter[str] = Counter()
        self.failures: dict[str, list[str]] = {}
        self.failure_counts: Counter[str] = Counter()
        self.diagnostics: dict[str, str] = {}
        self.slowest = (0.0, "")

    def check(self, text: str, origin: str) -> None:
        self.sources[origin] += 1
        started = time.perf_counter()
        try:
            with time_limit(self.limit):
                outcome = check_program(text)
        except Hang:
            self.fail("hang", text)
        except Exception as e:  # noqa: BLE001 - every failure is recorded
            self.fail(failure_signature(e), text, e)
        else:
            self.outcomes[outcome] += 1
            if outcome == "diagnostic" and self.keep_diagnostics:
                self.note_diagnostic(text)
        elapsed = time.perf_counter() - started
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, text)

    def fail(self, signature: str, text: str, e: BaseException | None = None) -> None:
        known = known_bug(e) if e is not None else None
        key = f"{signature} [known: {known}]" if known else signature
        self.outcomes["failure"] += 1
        self.failure_counts[key] += 1
        kept = self.failures.setdefault(key, [])
        kept.append(text)
        kept.sort(key=len)
        del kept[KEEP_PER_SIGNATURE:]

    def note_diagnostic(self, text: str) -> None:
        try:
            from streamlang.driver import build
            build(Source(text))
        except CompileError as e:
            template = message_template(e.diagnostics[0].message)
            if template not in self.diagnostics or len(text) < len(self.diagnostics[template]):
                self.diagnostics[template] = text
        except Exception:  # noqa: BLE001 - already recorded as a failure
            pass


def message_template(message: str) -> str:
    """A diagnostic's message with names, numbers and quoted text taken out."""
    message = re.sub(r"`[^`]*`", "`_`", message)
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'_'", message)
    return re.sub(r"\d+", "N", message)


def run_hypothesis(campaign: Campaign, n: int, seed: int) -> None:
    @settings(max_examples=n, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(grammar_programs())
    def one(text: str) -> None:
        campaign.check(text, "hypothesis")

    random.seed(seed)
    one()


def run_walk(campaign: Campaign, n: int, seed: int) -> None:
    rng = random.Random(seed)
    walk = grammar_walk()
    for _ in range(n):
        campaign.check(walk.program(rng), "grammar")


def run_mutations(campaign: Campaign, n: int, seed: int) -> None:
    rng = random.Random(seed)
    seeds = seed_programs()
    for _ in range(n):
        text = mutate(rng, rng.choice(seeds), seeds)
        campaign.check(text, "mutation")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", type=int, default=100_000, help="programs to try (default 100000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--time-limit", type=int, default=10, help="seconds per program before it is a hang")
    p.add_argument("--grammar-share", type=float, default=0.3,
                   help="share of programs generated from the grammar; the rest are mutations")
    p.add_argument("--hypothesis", type=int, default=1000,
                   help="of the grammar's share, how many come from hypothesis' from_lark (slow, ~0.2 s each)")
    p.add_argument("--keep-diagnostics", action="store_true",
                   help="also keep the shortest program of each distinct diagnostic in the corpus")
    p.add_argument("--no-write", action="store_true", help="do not write to tests/fuzz_corpus/")
    opts = p.parse_args()

    # Programs that read stdin must not wait for a terminal.
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))

    campaign = Campaign(opts.time_limit, opts.keep_diagnostics)
    n_grammar = int(opts.n * opts.grammar_share)
    started = time.time()
    n_hypothesis = min(opts.hypothesis, n_grammar)
    if n_hypothesis:
        run_hypothesis(campaign, n_hypothesis, opts.seed)
    run_walk(campaign, n_grammar - campaign.sources["hypothesis"], opts.seed)
    run_mutations(campaign, opts.n - campaign.sources["hypothesis"] - campaign.sources["grammar"], opts.seed)
    elapsed = time.time() - started

    total = sum(campaign.sources.values())
    print(f"programs: {total} ({campaign.sources['hypothesis']} from hypothesis' from_lark, "
          f"{campaign.sources['grammar']} from a random walk of the grammar, "
          f"{campaign.sources['mutation']} mutated) in {elapsed:.0f} s, seed {opts.seed}")
    print(f"outcomes: {campaign.outcomes['program']} compiled and ran, "
          f"{campaign.outcomes['diagnostic']} diagnostics, {campaign.outcomes['failure']} failures")
    print(f"slowest program: {campaign.slowest[0]:.2f} s ({len(campaign.slowest[1])} characters)")
    new = 0
    for key, count in campaign.failure_counts.most_common():
        shortest = campaign.failures[key][0]
        print(f"  {count:7d}  {key}: shortest {len(shortest)} chars: {shortest[:100]!r}")
        if "[known:" not in key:
            new += 1
    if not opts.no_write:
        written = 0
        for key, texts in campaign.failures.items():
            # `bug-KIND` for a known kind (replayed as a strict xfail), `crash-SIGNATURE` for a new one.
            known = re.search(r"\[known: (.*)\]", key)
            kind = "hang" if key.startswith("hang") else f"bug-{known[1]}" if known else f"crash-{key}"
            for text in texts:
                write_corpus_file(text, kind)
                written += 1
        for text in campaign.diagnostics.values():
            write_corpus_file(text, "diag")
            written += 1
        print(f"kept {written} programs in tests/fuzz_corpus/")
    print("no new kinds of failure" if not new else f"{new} new kind(s) of failure")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
