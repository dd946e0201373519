"""Fuzzing the compiler: whatever text a user types, the outcome is a compiled
program or a user-facing diagnostic with a span — never another exception,
never a hang.

Programs come from three places:

- the grammar itself (`hypothesis.extra.lark.from_lark`);
- mutations of real programs (the examples, the golden cases): tokens
  deleted, duplicated, swapped and inserted, odd Unicode, NUL, huge numbers,
  deep nesting;
- `tests/fuzz_corpus/`, the seed corpus kept from the long campaign
  (`scripts/fuzz_campaign.py`), replayed here one test per file.

The oracle (`check_program`) is shared with the campaign script, which runs
the same checks on 100,000 programs and more.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

import streamlang
from streamlang.driver import _LinesInput, build
from streamlang.errors import CompileError, Diagnostic
from streamlang.parser import MAX_DEPTH, make_lark
from streamlang.runtime.run import Run, RunError
from streamlang.source import Source, Span

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"

# The time one program may take to compile (and run on a few lines) before
# it counts as a hang. Generous: CI machines are slow and shared.
TIME_LIMIT = 10


# The oracle -----------------------------------------------------------------

class Hang(Exception):
    """A program took longer than its time limit."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise `Hang` in this thread after `seconds` (SIGALRM: main thread, POSIX only)."""
    def on_alarm(signum: int, frame: object) -> None:
        # Fire again in a second, in case this one lands where exceptions are
        # swallowed (a gc callback, a __del__).
        signal.alarm(1)
        raise Hang(f"no answer after {seconds} s")
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# Lines a compiled program is run on: the hostile input of SPEC §7 in small.
SAMPLE_LINES = [
    "a b c", "1,2,3", "", "   ", "\x00", "caf\udcc3", "\ufeffx", "-", "a=1 b=\"x y\"", '{"a": 1}',
    "9" * 50, "x\ty\tz", '"""', "\u202e\u0301",
]

_LOCATION = re.compile(r"\A<program>:\d+:\d+\Z")


def check_diagnostic(text: str, d: Diagnostic) -> None:
    assert isinstance(d, Diagnostic), f"not a Diagnostic: {d!r}"
    # A span may reach one past the end: "unexpected end of input" points just after the text.
    assert 0 <= d.span.start <= d.span.end <= len(text) + 1, f"span {d.span} outside 0..{len(text)}"
    assert isinstance(d.message, str) and d.message.strip(), "empty message"
    assert d.hint is None or (isinstance(d.hint, str) and d.hint.strip()), "empty hint"
    assert _LOCATION.match(d.location), d.location


def check_run_error(text: str, e: RunError) -> None:
    """A run stopped by a value outside any element: located in the program, like a diagnostic."""
    assert isinstance(e.message, str) and e.message.strip(), "empty message"
    assert e.span is not None and e.location is not None, f"a RunError without a place: {e}"
    assert 0 <= e.span[0] <= e.span[1] <= len(text) + 1, f"span {e.span} outside 0..{len(text)}"
    assert _LOCATION.match(e.location), e.location


def check_program(text: str, run: bool = True) -> str:
    """Compile `text`: a diagnostic or a program, and a program also runs on
    `SAMPLE_LINES` without an exception escaping but a located `RunError` (a
    value outside any element that failed). Returns "diagnostic" or "program";
    anything else raises (`Hang` for a hang)."""
    try:
        compiled = build(Source(text))
    except CompileError as e:
        assert e.diagnostics, "CompileError without diagnostics"
        for d in e.diagnostics:
            check_diagnostic(text, d)
        rendered = e.render()
        assert isinstance(rendered, str) and "<program>:" in rendered
        return "diagnostic"
    # `--emit python` prints this; it must be valid Python again.
    ast.parse(compiled.python_source)
    if run and not reads_outside_world(text) and not grows_exponentially(text):
        rt = Run(compiled.run_sites(), err=lambda _text: None)
        try:
            out = compiled.run(_LinesInput(SAMPLE_LINES), rt)
            if out is not None:
                for _ in zip(range(50), out):
                    pass
        except RunError as e:
            check_run_error(text, e)
        rt.summary()
    return "program"


def reads_outside_world(text: str) -> bool:
    # `lines "..."` and `stdin` read files and the terminal; generated paths
    # could name `/` or a FIFO, so such programs are compiled but not run.
    return re.search(r"\b(lines|stdin)\b", text) is not None


def grows_exponentially(text: str) -> bool:
    # Each `json` or `csv` of a text quotes it again, doubling its backslashes or
    # quotes: fifty of them in a row (a mutation repeats stages) ask for 2**50
    # bytes, as the user would get. Compiled, not run.
    return len(re.findall(r"\b(json|csv)\b", text)) > 20


def failure_signature(e: BaseException) -> str:
    """A short name for a failure, the same for the same bug: exception type
    and the innermost StreamLang frame."""
    tb = e.__traceback__
    where = "?"
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if "/streamlang/" in filename:
            where = f"{Path(filename).stem}.{tb.tb_frame.f_code.co_name}"
        tb = tb.tb_next
    cause = e
    if type(e).__name__ == "VisitError" and getattr(e, "orig_exc", None) is not None:
        cause = e.orig_exc  # type: ignore[attr-defined]
    return f"{type(cause).__name__}-{where}"


# Known bugs: each has its own strict-xfail test below (HOSTILE_BUGS,
# CORPUS_BUGS). When one is fixed, delete its entry here too, so that the
# random tests hold the fix.

def _cause(e: BaseException) -> BaseException:
    orig = getattr(e, "orig_exc", None)  # lark's VisitError wraps what a rule raised (maybe another one)
    return _cause(orig) if isinstance(orig, BaseException) else e


def _raised_in_generated_code(e: BaseException) -> bool:
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<streamlang>":
            return True
        tb = tb.tb_next
    return False


BUG_HUGE_INT = ("BUG: an integer literal of more than 100,000 digits raises lark's VisitError (Python's "
                "int-string conversion limit) instead of a diagnostic on the literal")
BUG_HUGE_DURATION = ("BUG: a duration literal past timedelta's range (`99999999999999999999w`) raises "
                     "OverflowError (VisitError) instead of a diagnostic on the literal")
BUG_TIME_OF_RECORD = ("BUG: `time(x)` type-checks for any x (`map time({a = 1})`, `time([1])`): each line is then "
                      "rejected with the Python message `'tuple' object has no attribute 'strip'`; SPEC §2 "
                      "wants a compile-time type error (time takes a str)")
BUG_CRLF_HANG = ("BUG: a program with CRLF line ends and many blank lines takes exponential time to lex: "
                 "the _NL/CONTINUATION terminals `(\\r?\\n[ \\t\\f\\r]*...)+` backtrack on `\\r` "
                 "(24 blank lines: ~10 s; `sl \"$(cat crlf.sl)\"`)")

KNOWN_BUGS: list[tuple[str, Callable[[BaseException], bool]]] = [
    ("huge-int-literal", lambda e: isinstance(_cause(e), ValueError) and "conversion" in str(_cause(e))),
    ("huge-duration-literal", lambda e: isinstance(_cause(e), OverflowError) and not _raised_in_generated_code(e)),
]


def known_bug(e: BaseException) -> str | None:
    """The name of the known bug `e` shows, or None for a new failure."""
    for name, matches in KNOWN_BUGS:
        if matches(e):
            return name
    return None


# Seeds and mutations ---------------------------------------------------------

def seed_programs() -> list[str]:
    """Real programs: the examples, and every program of the golden cases."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.sl"))]
    for path in sorted((ROOT / "tests" / "golden").glob("*.toml")):
        for case in tomllib.loads(path.read_text(encoding="utf-8")).get("case", []):
            for key in ("program", "script"):
                if isinstance(case.get(key), str):
                    seeds.append(case[key])
    return list(dict.fromkeys(seeds))


_TOKEN = re.compile(r'''
    r"[^"\n]*"                        # raw string
  | f?"(?:\\.|[^"\\\n])*"             # string, format string
  | \d+(?:\.\d+)?(?:[eE][+-]?\d+)?\w* # number, duration
  | \.?[A-Za-z_]\w*                   # name, field
  | \|>|//|==|!=|<=|>=|!~|&&|\|\||\?\?|->
  | \s+
  | .''', re.VERBOSE | re.DOTALL)

KEYWORDS = ["map", "where", "filter", "select", "derive", "take", "drop", "tail", "sort", "by", "top",
            "uniq", "distinct", "count", "summarize", "fold", "lines", "split", "words", "parse", "as",
            "extract", "join", "stdin", "enumerate", "flatten", "csv", "tsv", "json", "table", "asc",
            "desc", "in", "let", "type", "fun", "if", "then", "else", "true", "false", "null", "apache",
            "logfmt", "syslog", "int", "str", "float", "bool", "time", "duration", "dyn", "stream",
            "stage", "_", ".status", ".a", "len(", "count(", "sum(", "p50(", "percentile(", "date(",
            "strptime(", "replace(", "matches(", "bucket("]
PUNCT = list("|()[]{},;:=+-*/%<>!?~.\"'#\\\n\t") + ["|>", "//", "==", "??", "->", "&&", "||", "!~", "r\"", "f\""]
ODD = ["\x00", "\ufeff", "\u200b", "\u00a0", "\u2028", "\r", "\r\n", "\x1b[31m", "é", "\u0301", "ﬁ",
       "𝟘", "١٢", "\U0001F600", "\udc80", "\ud800", "\x7f", "\u202e", "ſ", "K", "İ", "𝕞𝕒𝕡"]
HUGE = ["9" * 5000, "9" * 400, "1e99999", "1e-99999", "0." + "0" * 3000 + "1", "99999999999999999999w",
        "9" * 30 + "ms", "-" + "9" * 100, "18446744073709551616", "1" + "_" * 3]
OPENERS = [("(", ")"), ("[", "]"), ("{a=", "}"), ("len(", ")"), ("-", ""), ("!", ""), ("if true then ", " else 1"),
           ("fun x -> ", ""), ("f\"{", "}\""), ("1 + ", ""), ("{a: ", "}")]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _insert(rng: random.Random, toks: list[str]) -> None:
    pool = rng.choice([KEYWORDS, PUNCT, ODD, HUGE])
    toks.insert(rng.randrange(len(toks) + 1), rng.choice(pool))


def _delete(rng: random.Random, toks: list[str]) -> None:
    if toks:
        del toks[rng.randrange(len(toks))]


def _duplicate(rng: random.Random, toks: list[str]) -> None:
    if toks:
        i = rng.randrange(len(toks))
        j = min(len(toks), i + rng.randint(1, 6))
        toks[i:i] = toks[i:j] * rng.choice([1, 2, 50])


def _swap(rng: random.Random, toks: list[str]) -> None:
    if len(toks) > 1:
        i, j = rng.randrange(len(toks)), rng.randrange(len(toks))
        toks[i], toks[j] = toks[j], toks[i]


def _nest(rng: random.Random, toks: list[str]) -> None:
    """Wrap one token in the same opener many times: deep nesting."""
    if toks:
        i = rng.randrange(len(toks))
        left, right = rng.choice(OPENERS)
        depth = rng.choice([2, 30, 300, 3000])
        toks[i] = left * depth + toks[i] + right * depth


def _replace_char(rng: random.Random, toks: list[str]) -> None:
    """One character of a token (inside a string literal, say) becomes an odd one."""
    if toks:
        i = rng.randrange(len(toks))
        tok = toks[i]
        k = rng.randrange(len(tok) + 1)
        toks[i] = tok[:k] + rng.choice(ODD + PUNCT) + tok[k + 1:]


def _splice(rng: random.Random, toks: list[str], others: list[str]) -> None:
    other = tokens(rng.choice(others))
    if other:
        a = rng.randrange(len(other))
        b = min(len(other), a + rng.randint(1, 12))
        toks[rng.randrange(len(toks) + 1):0] = other[a:b]


MUTATIONS: list[Callable[[random.Random, list[str]], None]] = [
    _insert, _delete, _duplicate, _swap, _nest, _replace_char]


def mutate(rng: random.Random, text: str, seeds: list[str], rounds: int | None = None) -> str:
    """Apply 1–4 random token-level mutations to `text`."""
    toks = tokens(text) or [""]
    for _ in range(rounds if rounds is not None else rng.randint(1, 4)):
        if rng.random() < 0.1:
            _splice(rng, toks, seeds)
        else:
            rng.choice(MUTATIONS)(rng, toks)
    return "".join(toks)


# Grammar-generated programs ---------------------------------------------------

# Terminals whose regexes use look-around, given as plain examples instead
# (hypothesis cannot generate from look-around). Richer than test_properties'
# choice: odd Unicode in strings, huge numbers.
EXPLICIT = {
    "CALLNAME": st.sampled_from(["len", "lower", "count", "sum", "f", "int", "percentile", "replace", "x"]),
    "ATTR": st.sampled_from([".a", ".status", ".count", "._"]),
    "INDEX_LSQB": st.just("["),
    "CONTINUATION": st.sampled_from(["\n", "\n  # c\n "]),
    "DURATION": st.sampled_from(["5m", "1h30m", "250ms", "0s", "99999999999999999999w"]),
    "PIPE": st.sampled_from([" | ", " |> ", "|"]),
    "WS": st.sampled_from([" ", "\t", " \r"]),
    "INT": st.one_of(st.integers(0, 10**6).map(str), st.sampled_from(["0" * 30, "9" * 4400])),
}


def grammar_programs() -> st.SearchStrategy[str]:
    return from_lark(make_lark(), start="start", explicit=EXPLICIT)


def check_unless_known(text: str) -> None:
    """`check_program`, except that a failure of an already known (and
    separately xfailed) kind passes: random tests must not fail on a bug that
    has its own strict-xfail test, yet must still catch every new one."""
    with time_limit(TIME_LIMIT):
        try:
            check_program(text)
        except Exception as e:
            if known_bug(e) is None:
                raise


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(grammar_programs())
def test_grammar_generated_programs_compile_or_get_a_diagnostic(text: str) -> None:
    check_unless_known(text)


# hypothesis' `from_lark` explores well but takes ~0.2 s a program; this walk
# of the same grammar takes well under a millisecond, so the campaign and the
# test below can try many more. Terminals come from lists of typical and
# hostile examples.
TERMINAL_EXAMPLES: dict[str, list[str]] = {
    "NAME": ["a", "b", "x", "n", "status", "count", "_", "f", "topn", "hit", "int", "str", "time", "dyn",
             "apache", "json", "csv", "logfmt", "syslog", "nginx", "common", "tsv", "bogus", "Ä"],
    "FIELD": [".a", ".b", ".status", ".count", ".ip", ".time", ".bytes", ".path", "._"],
    "ATTR": [".a", ".status", ".count", ".i", ".value"],
    # Not `round`: round(x, <a huge literal>) computes 10**digits in C, which no alarm interrupts
    # (test_hostile.py::test_round_to_a_huge_number_of_digits_does_not_hang holds that bug).
    "CALLNAME": ["len", "lower", "upper", "count", "sum", "avg", "max", "int", "float", "str", "percentile",
                 "replace", "matches", "find", "date", "bucket", "strptime", "substr", "split", "f", "x",
                 "p50", "list", "first", "lineno", "now", "time", "query"],
    "INT": ["0", "1", "2", "42", "100", "9" * 30, "9" * 400],
    "FLOAT": ["0.5", "3.14", "1e6", "1e999", "1e-999", "2.5e-3"],
    "DURATION": ["5m", "1h30m", "250ms", "0s", "1d", "99999999999999999999w"],
    "STRING": [r'"a"', r'""', r'","', r'"\t"', r'"* - *"', r'"*"', r'"\u{1F600}"', r'"\""', r'"{}"', r'"\\"',
               r'"x\0y"', r'"-"', '"\'\'\'"'],
    "RAW_STRING": [r'r"\d+"', r'r"(?P<a>\w+) (?P<b>\d+)"', r'r"("', r'r"["', r'r""', r'r"^\s"', r'r"(a*)*b"',
                   r'r"(?P<n>x)(?P<n>y)"'],
    "FSTRING": [r'f"{_}"', r'f"{.a} -> {.b}"', r'f"{{}}"', r'f"x"', r'f"{len(_)}\n"', r'f"{"q"}"', r'f"{ }"'],
    "PIPE": ["|", "|>"],
    "COMPARE": ["==", "!=", "<", "<=", ">", ">=", "~", "!~"],
    "ADDOP": ["+", "-"],
    "MULOP": ["*", "/", "//", "%"],
    "INDEX_LSQB": ["["],
    "WS": [" "],
    "COMMENT": ["# c"],
    "CONTINUATION": ["\n"],
    "_NL": ["\n", "\r\n", "\n  # note\n"],
}
_GLUED = {"ATTR", "INDEX_LSQB"}  # written right after the token before them


class GrammarWalk:
    """Random programs from the lark grammar: each rule expanded at random,
    the shortest expansions preferred past a depth limit."""

    def __init__(self, max_depth: int = 12):
        lark = make_lark()
        self.max_depth = max_depth
        self.rules: dict[str, list[list[tuple[str, bool]]]] = {}
        for rule in lark.rules:
            expansion = [(sym.name, sym.is_term) for sym in rule.expansion]
            self.rules.setdefault(rule.origin.name, []).append(expansion)
        self.literal = {t.name: t.pattern.value for t in lark.terminals if t.pattern.type == "str"}
        self.height = self._heights()

    def _heights(self) -> dict[str, int]:
        """The least depth at which each rule can bottom out."""
        height: dict[str, int] = {}
        changed = True
        while changed:
            changed = False
            for name, expansions in self.rules.items():
                for exp in expansions:
                    if all(term or sym in height for sym, term in exp):
                        h = 1 + max((height[sym] for sym, term in exp if not term), default=0)
                        if h < height.get(name, 1 << 30):
                            height[name] = h
                            changed = True
        return height

    def _cost(self, exp: list[tuple[str, bool]]) -> int:
        return max((self.height[sym] for sym, term in exp if not term), default=0)

    def program(self, rng: random.Random, start: str = "start") -> str:
        out: list[tuple[str, str]] = []
        self._expand(rng, start, 0, out)
        text: list[str] = []
        for i, (name, value) in enumerate(out):
            glued = name in _GLUED or (name == "LPAR" and i > 0 and out[i - 1][0] == "CALLNAME")
            if text and not glued:
                text.append(" ")
            text.append(value)
        return "".join(text)

    def _expand(self, rng: random.Random, name: str, depth: int, out: list[tuple[str, str]]) -> None:
        expansions = self.rules[name]
        if depth >= self.max_depth:
            low = min(self._cost(e) for e in expansions)
            expansions = [e for e in expansions if self._cost(e) == low]
        for sym, term in rng.choice(expansions):
            if term:
                out.append((sym, self._terminal(rng, sym)))
            else:
                self._expand(rng, sym, depth + 1, out)

    def _terminal(self, rng: random.Random, name: str) -> str:
        if name in self.literal:
            return self.literal[name]
        return rng.choice(TERMINAL_EXAMPLES[name])


_WALK: GrammarWalk | None = None


def grammar_walk() -> GrammarWalk:
    global _WALK
    if _WALK is None:
        _WALK = GrammarWalk()
    return _WALK


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.randoms(use_true_random=False))
def test_grammar_walk_programs_compile_or_get_a_diagnostic(rng: random.Random) -> None:
    check_unless_known(grammar_walk().program(rng))


def test_grammar_walk_makes_programs_that_compile() -> None:
    # The walk is only useful if a fair share of what it makes gets past the parser.
    rng = random.Random(1)
    outcomes = Counter()
    for _ in range(300):
        text = grammar_walk().program(rng)
        try:
            build(Source(text))
            outcomes["program"] += 1
        except CompileError as e:
            syntax = e.diagnostics[0].message.startswith("unexpected")
            outcomes["syntax" if syntax else "other"] += 1
        except Exception:  # noqa: BLE001 - counted; the other tests judge them
            outcomes["crash"] += 1
    assert outcomes["syntax"] < 200, outcomes


SEEDS = seed_programs()


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SEEDS), st.randoms(use_true_random=False))
def test_mutated_programs_compile_or_get_a_diagnostic(seed: str, rng: random.Random) -> None:
    check_unless_known(mutate(rng, seed, SEEDS))


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=40))
def test_arbitrary_text_compiles_or_gets_a_diagnostic(text: str) -> None:
    check_unless_known(text)


def test_there_are_enough_seeds_to_mutate() -> None:
    assert len(SEEDS) > 100


# Hostile fragments, one test each ----------------------------------------------
# Each of these was a crash found by fuzzing (or is the obvious next case of
# one); the expected outcome is a program or a diagnostic.

DEPTH = 5000


def nested(left: str, right: str, inner: str, depth: int = DEPTH) -> str:
    return left * depth + inner + right * depth


HOSTILE = {
    "nul-in-program": "map \x00",
    "nul-in-string": 'map "a\x00b"',
    "nul-escape": r'map "\0"',
    "bom-before-program": "\ufeffmap _",
    "crlf-program": "map _\r\n| where _ != \"\"\r\n",
    "lone-surrogate-in-string": 'map "\udc80"',
    "lone-surrogate-outside-string": "map \udc80",
    "escape-past-unicode": r'map "\u{110000}"',
    "escape-surrogate": r'map "\u{D800}"',
    "zero-width-in-name": "map le\u200bn(_)",
    "fullwidth-digit": "take １０",
    "arabic-digit": "take ١٢",
    "long-string": 'map "' + "x" * 200_000 + '"',
    "long-name": "map " + "a" * 100_000,
    "long-comment": "# " + "c" * 200_000 + "\nmap _",
    "many-statements": "let a = 1\n" * 3000 + "map _",
    "many-stages": " | ".join(["map _"] * 3000),
    "long-sum": "map " + "1 + " * DEPTH + "1",
    "long-and": "map " + "true && " * DEPTH + "true",
    "long-list": "map [" + "1, " * DEPTH + "1]",
    "huge-int-400-digits": "map " + "9" * 400,
    "huge-int-5000-digits": "map " + "9" * 5000,
    "huge-int-200000-digits": "map " + "9" * 200_000,
    "huge-float": "map 1e99999",
    "tiny-float": "map 1e-99999",
    "huge-take": "take " + "9" * 40,
    "huge-negative-take": "take -" + "9" * 40,
    "huge-duration": "map 99999999999999999999w",
    "huge-ms-duration": "map " + "9" * 30 + "ms",
    "huge-index": "split \",\" | map _[" + "9" * 40 + "]",
    "huge-percentile": "words | summarize percentile(len(_), " + "9" * 40 + ")",
    "deep-parens": nested("(", ")", "1"),
    "deep-lists": nested("[", "]", "1"),
    "deep-records": nested("{a = ", "}", "1"),
    "deep-calls": nested("len(", ")", "_"),
    "deep-minus": nested("-", "", "1"),
    "deep-not": nested("!", "", "true"),
    "deep-if": nested("if true then ", " else 1", "1"),
    "deep-lambda": nested("fun x -> ", "", "1"),
    "deep-attr": "map _" + ".a" * DEPTH,
    "deep-index": "map _" + "[0]" * DEPTH,
    "deep-coalesce": "map " + "null ?? " * DEPTH + "1",
    "deep-list-type": 'split "," as ' + nested("[", "]", "int"),
    "deep-optional-type": "let f (x: int" + "?" * DEPTH + ") = x\nmap _",
    "deep-record-type": 'split "," as ' + nested("{a: ", "}", "int"),
    "deep-fstring": "map " + nested('f"{', '}"', "1", 300),
    "deep-regex-groups": 'map _ ~ r"' + nested("(", ")", "x", 1000) + '"',
    "regex-too-many-groups": 'extract r"' + "(x)" * 200 + '"',
    "regex-catastrophic-but-valid": 'where _ ~ r"(a*)*b"',
    "deep-if-300": "map " + "if true then " * 300 + "1" + " else 1" * 300,
    "deep-fstring-bang": 'map f"{f"{' + "!" * 3000 + 'true}"}"',
    "emit-fstring-nbsp": 'map f"{len(_)} {len(split(_, "\u00a0"))}"',
    "let-division-by-zero": "let x = 1 // 0\nmap x",
    "let-bad-int": 'let x = int("abc")\nmap x',
    "let-index": "let x = [1][5]\nmap x",
    "huge-tail": "tail 99999999999999999999",
    "huge-top": "top 99999999999999999999 by _",
    "huge-substr": "map substr(_, 99999999999999999999, 1)",
}


def hostile_param(name: str) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=HOSTILE_BUGS[name])] if name in HOSTILE_BUGS else []
    return pytest.param(HOSTILE[name], id=name, marks=marks)


HOSTILE_BUGS: dict[str, str] = {
}


@pytest.mark.parametrize("text", [hostile_param(name) for name in HOSTILE])
def test_hostile_program_compiles_or_gets_a_diagnostic(text: str) -> None:
    with time_limit(TIME_LIMIT * 3):
        check_program(text)


def test_constant_value_that_fails_is_a_compile_error_at_the_value() -> None:
    with pytest.raises(CompileError) as info:
        streamlang.compile("let x = 1 // 0\nmap x")
    [d] = info.value.diagnostics
    assert (d.span, d.message, d.location) == (Span(8, 14), "division by zero", "<program>:1:9")


def test_value_that_fails_at_run_time_raises_a_located_run_error() -> None:
    # `now()` is not known before the run, so the failure comes when it starts.
    text = "let x = [1][hour(now()) + 24]\nmap x"
    with pytest.raises(RunError) as info:
        list(streamlang.compile(text).run(["a"]))
    e = info.value
    assert (e.message, e.location, e.span) == ("index out of range", "<program>:1:9", (8, len(text) - 6))
    assert check_program(text) == "program"


@pytest.mark.parametrize("text", ["map time({a = 1})", "map time([1])"])
def test_time_of_a_record_or_list_is_a_type_error(text: str) -> None:
    assert check_program(text) == "diagnostic"


# Deep nesting ---------------------------------------------------------------------
# Past MAX_DEPTH levels a program is a diagnostic at the first node too deep;
# up to it, every stage works within Python's default recursion limit (checked
# through `sl`, a fresh process: the tests themselves may run with a higher one).

def deep_diagnostic(text: str) -> str:
    with pytest.raises(CompileError) as e:
        build(Source(text))
    return e.value.render()


def caret_line(col: int, width: int = 1) -> str:
    return "  | " + " " * (col - 1) + "^" * width


EXPR_HINT = "  = hint: split it up: give an inner part a name with `let`"
TOO_DEEP = f"expression nested too deeply (more than {MAX_DEPTH} levels)"


def test_list_one_level_too_deep_points_at_its_bracket() -> None:
    text = "map " + nested("[", "]", "1", MAX_DEPTH + 1)
    col = 5 + MAX_DEPTH
    assert deep_diagnostic(text) == "\n".join([
        f"<program>:1:{col}: error: {TOO_DEEP}", "  |", f"1 | {text}", caret_line(col), EXPR_HINT])


def test_long_sum_points_at_the_operator_one_level_too_deep() -> None:
    # `1 + 1 + ...` nests to the left: the innermost `+` is the deepest.
    text = "map " + "1 + " * (MAX_DEPTH + 1) + "1"
    assert deep_diagnostic(text) == "\n".join([
        f"<program>:1:7: error: {TOO_DEEP}", "  |", f"1 | {text}", caret_line(7), EXPR_HINT])


def test_if_one_level_too_deep_points_at_its_if() -> None:
    text = "map " + nested("if true then ", " else 1", "1", MAX_DEPTH + 1)
    col = 5 + len("if true then ") * MAX_DEPTH
    assert deep_diagnostic(text) == "\n".join([
        f"<program>:1:{col}: error: {TOO_DEEP}", "  |", f"1 | {text}", caret_line(col, 2), EXPR_HINT])


def test_optional_type_one_level_too_deep_points_at_its_question_mark() -> None:
    text = "let f (x: int" + "?" * (MAX_DEPTH + 1) + ") = x\nmap _"
    # The innermost `?` is the deepest: `int` itself nests nothing.
    assert deep_diagnostic(text) == "\n".join([
        f"<program>:1:14: error: type nested too deeply (more than {MAX_DEPTH} levels)", "  |",
        f"1 | {text.splitlines()[0]}", caret_line(14),
        "  = hint: split it up: give an inner part a name with `type NAME = ...`"])


def test_fstring_expressions_count_from_the_depth_of_the_fstring() -> None:
    # The f-string itself is no level, like parentheses.
    inside = nested("[", "]", "1", MAX_DEPTH - 1)
    assert check_program(f'map [f"{{{inside}}}"]') == "program"
    text = f'map [[f"{{{inside}}}"]]'
    col = 10 + MAX_DEPTH - 2
    assert deep_diagnostic(text) == "\n".join([
        f"<program>:1:{col}: error: {TOO_DEEP}", "  |", f"1 | {text}", caret_line(col), EXPR_HINT])


# A type grows one level per `let` or stage that wraps the value before it, so
# no single expression is deep, yet the value is: the checker measures types too.
WRAP_HINT = ("  = hint: keep fewer levels: take the fields you need (`.a.b`, `select`) "
             "instead of wrapping the whole value again")


def let_chain(levels: int) -> str:
    """`let a1 = {a = 1}` ... `let aN = {a = a(N-1)}`, then `map aN`."""
    lets = ["let a1 = {a = 1}"] + [f"let a{i} = {{a = a{i - 1}}}" for i in range(2, levels + 1)]
    return "\n".join([*lets, f"map a{levels}"])


def stage_chain(levels: int) -> str:
    return "map {a = 1}" + " | map {a = _}" * (levels - 1)


# g1 wraps four times, g2 sixteen, g3 sixty-four.
COMPOSED = "\n".join(["let f x = {a = x}", "let g1 x = f(f(f(f(x))))", "let g2 x = g1(g1(g1(g1(x))))",
                      "let g3 x = g2(g2(g2(g2(x))))"])


def test_a_let_chain_one_level_too_deep_points_at_the_value() -> None:
    text = let_chain(MAX_DEPTH + 1)
    line = f"let a{MAX_DEPTH + 1} = {{a = a{MAX_DEPTH}}}"
    assert deep_diagnostic(text) == "\n".join([
        f"<program>:{MAX_DEPTH + 1}:11: error: the type of this value is nested too deeply "
        f"(more than {MAX_DEPTH} levels)", "   |", f"{MAX_DEPTH + 1} | {line}", "   |" + " " * 11 + "^" * 9,
        " " + WRAP_HINT])  # the gutter is as wide as the line number


def test_a_stage_chain_one_level_too_deep_points_at_the_stage() -> None:
    text = stage_chain(MAX_DEPTH + 1)
    col = len(stage_chain(MAX_DEPTH)) + 4
    assert deep_diagnostic(text) == "\n".join([
        f"<program>:1:{col}: error: the type of this stage's elements is nested too deeply "
        f"(more than {MAX_DEPTH} levels)", "  |", f"1 | {text}", caret_line(col, len("map {a = _}")), WRAP_HINT])


def test_a_chain_of_type_declarations_one_level_too_deep_points_at_the_type() -> None:
    decls = ["type T1 = {a: int}"] + [f"type T{i} = {{a: T{i - 1}}}" for i in range(2, MAX_DEPTH + 2)]
    text = "\n".join([*decls, "map _"])
    n = MAX_DEPTH + 1
    assert deep_diagnostic(text) == "\n".join([
        f"<program>:{n}:12: error: type `T{n}` is nested too deeply (more than {MAX_DEPTH} levels)", "   |",
        f"{n} | type T{n} = {{a: T{n - 1}}}", "   |" + " " * 12 + "^" * 8,
        "   = hint: a value may nest records, lists and `?` at most that deep"])


def test_a_function_whose_result_is_too_deep_points_at_its_name() -> None:
    text = COMPOSED + "\nlet g4 x = g3(f(x))\nmap _"
    assert deep_diagnostic(text) == "\n".join([
        f"<program>:5:5: error: the type of `g4` is nested too deeply (more than {MAX_DEPTH} levels)", "  |",
        "5 | let g4 x = g3(f(x))", caret_line(5, 2), WRAP_HINT])


def test_a_type_too_deep_from_the_command_line_is_a_diagnostic_not_a_crash() -> None:
    for text in (let_chain(400), stage_chain(400), COMPOSED + "\nmap g3(g3(1))"):
        r = sl(text)
        assert (r.returncode, r.stdout) == (2, ""), text
        assert f"is nested too deeply (more than {MAX_DEPTH} levels)" in r.stderr
        assert "Traceback" not in r.stderr


def sl(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([str(Path(sys.executable).parent / "sl"), *args], input="a,b\n", capture_output=True,
                          text=True, env=env, timeout=60)


def test_sl_with_a_program_nested_too_deeply_prints_the_diagnostic_and_exits_2() -> None:
    text = "map " + "!" * 5000 + "true"
    r = sl(text)
    col = 5 + MAX_DEPTH
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == "\n".join([
        f"<program>:1:{col}: error: {TOO_DEEP}", "  |", f"1 | {text}", caret_line(col), EXPR_HINT, ""])


# Each as deep as the limit allows, and what `sl` prints for it.
AT_THE_LIMIT = {
    "map " + "1 + " * (MAX_DEPTH - 1) + "1": str(MAX_DEPTH),
    "map " + "true && " * (MAX_DEPTH - 1) + "true": "true",
    "map " + "null ?? " * (MAX_DEPTH - 1) + "1": "1",
    "map len(" + nested("[", "]", "1", MAX_DEPTH - 1) + ")": "1",
    # A record's fields are written tab-separated, records inside them as JSON.
    "map " + nested("{a = ", "}", "1", MAX_DEPTH): "{" + '"a": {' * (MAX_DEPTH - 2) + '"a": 1' + "}" * (MAX_DEPTH - 1),
    "map " + nested("!", "", "true", MAX_DEPTH): "true",
    "map " + nested("if true then ", " else 0", "1", MAX_DEPTH): "1",
    "map " + nested("upper(", ")", "_", MAX_DEPTH): "A,B",
    "map _" + "[0:]" * MAX_DEPTH: "a,b",
    "let f x = x\nmap " + nested("f (", ")", "1", MAX_DEPTH): "1",
    'map f"{' + nested("lower(", ")", "_", MAX_DEPTH - 1) + '}"': "a,b",
    "let f (x: " + nested("[", "]", "int", MAX_DEPTH - 1) + ") = x\nmap _": "a,b",
    'split ";" as ' + nested("{a: ", "}", "str", 1) + " | map len(" + nested("[", "]", ".a", MAX_DEPTH - 2)
    + ")": "1",
    # Types as deep as the limit, built one level at a time.
    let_chain(MAX_DEPTH): "{" + '"a": {' * (MAX_DEPTH - 2) + '"a": 1' + "}" * (MAX_DEPTH - 1),
    stage_chain(MAX_DEPTH): "{" + '"a": {' * (MAX_DEPTH - 2) + '"a": 1' + "}" * (MAX_DEPTH - 1),
    COMPOSED + "\nmap g3(1).a": "{" + '"a": {' * (MAX_DEPTH - 3) + '"a": 1' + "}" * (MAX_DEPTH - 2),
}


@pytest.mark.parametrize("text", AT_THE_LIMIT)
def test_nesting_up_to_the_limit_compiles_prints_and_runs_within_the_default_recursion_limit(text: str) -> None:
    r = sl(text)
    assert (r.returncode, r.stderr, r.stdout) == (0, "", AT_THE_LIMIT[text] + "\n")
    r = sl("--emit", "python", text)
    assert (r.returncode, r.stderr) == (0, "")
    ast.parse(r.stdout)

def test_crlf_program_with_blank_lines_compiles_quickly() -> None:
    text = "let a = 1" + "\r\n" * 26 + "map _"
    with time_limit(2):
        check_program(text)


def test_program_with_many_blank_lines_compiles_quickly() -> None:
    text = "let a = 1" + "\n" * 5000 + "map _" + "\n \t \n" * 2000 + "| map _"
    with time_limit(2):
        assert check_program(text) == "program"


# The seed corpus ------------------------------------------------------------------

def read_corpus_file(path: Path) -> str:
    # Programs may hold lone surrogates (an argv with invalid UTF-8 carries them),
    # so the files are written with surrogatepass.
    return path.read_bytes().decode("utf-8", "surrogatepass")


def write_corpus_file(text: str, kind: str) -> Path:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    path = CORPUS / f"{kind}-{digest}.sl"
    CORPUS.mkdir(exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


# Corpus files are named by what they showed: `diag-*` a diagnostic (the
# compiler's error paths), `regress-*` a crash since fixed, `bug-KIND-*` a
# crash of a known KIND that still fails, `hang-KIND-*` a hang.
CORPUS_BUGS = {
}
HANG_REASON = ("hangs inside one C call (a regex match, an integer power) that no alarm interrupts, so it is not "
               "replayed in-process; held by test_crlf_program_with_blank_lines_compiles_quickly and "
               "tests/test_hostile.py::test_round_to_a_huge_number_of_digits_does_not_hang")


def corpus_params() -> list[object]:
    params = []
    for path in sorted(CORPUS.glob("*.sl")):
        kind = path.name.rsplit("-", 1)[0]
        marks: list[pytest.MarkDecorator] = []
        if kind in CORPUS_BUGS:
            marks = [pytest.mark.xfail(strict=True, reason=CORPUS_BUGS[kind])]
        elif kind.startswith("hang-"):
            marks = [pytest.mark.skip(reason=HANG_REASON)]
        params.append(pytest.param(path, id=path.name, marks=marks))
    return params


def test_the_corpus_is_not_empty() -> None:
    assert len(list(CORPUS.glob("*.sl"))) >= 10


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_program_compiles_or_gets_a_diagnostic(path: Path) -> None:
    with time_limit(TIME_LIMIT * 3):
        check_program(read_corpus_file(path))
