"""Code generation safety: no literal, field name or `-v` value can become code.

A program compiles to Python (SPEC §11), built as an AST, never by pasting
strings. These tests feed the generator every way out of a string that
Python has — quotes, triple quotes, backslashes, `{}` of f-strings, `%`,
`__import__` — through literals, f-strings, schema field names, regex groups,
pattern fields, CSV headers, JSON keys and `-v` values, then check three
things: the marker file the payload would create never appears, the output is
the payload as literal text, and `sl --emit python` parses as Python in
which the payload exists only as string constants.

Regexes written in a program are compiled by the checker, so one that does
not compile is a diagnostic with its location (status 2) before any input is
read; a regex that only exists at run time (built from the input) is a
rejection, never a crash.
"""
from __future__ import annotations

import ast
import csv
import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

MARKER = Path("/tmp/pwned")


def sl_argv() -> list[str]:
    if "SL" in os.environ:
        return shlex.split(os.environ["SL"])
    return [str(Path(sys.executable).parent / "sl")]


def run(tmp: Path, *args: str, stdin: bytes = b"x\n") -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, NO_COLOR="1", XDG_CACHE_HOME=str(tmp / ".cache"))
    return subprocess.run(sl_argv() + list(args), input=stdin, capture_output=True, env=env, cwd=tmp,
                          timeout=60)


@pytest.fixture(autouse=True)
def no_marker(tmp_path: Path):
    """Every payload touches /tmp/pwned or ./pwned; neither may ever exist."""
    MARKER.unlink(missing_ok=True)
    yield
    assert not MARKER.exists(), "a payload ran: /tmp/pwned was created"
    assert not (tmp_path / "pwned").exists(), "a payload ran: ./pwned was created"


def payloads() -> list[str]:
    call = "__import__('os').system('touch /tmp/pwned')"
    dcall = '__import__("os").system("touch pwned")'
    return [
        f'"); {dcall}; ("',
        f"'); {call}; ('",
        f'"""); {dcall}; ("""',
        f"'''); {call}; ('''",
        f"\\'); {call} #",
        f'\\"); {dcall} #',
        f"{{{call}}}",
        f"{{{{{call}}}}}",
        f"{{0.__class__}} %s %(x)s {{}} {call}",
        f"\\\\\\'\\\\\\\" {call}",
        f"\n{call}\n",
        f"\r\n{call}\t",
        f"\x00{call}",
        f"\\N{{LATIN SMALL LETTER A}} \\x41 \\u0041 {call}",
        f"ü€😀 {call}",
        f"__import__ {call}",
    ]


PAYLOADS = payloads()


def sl_string(text: str) -> str:
    """`text` as a StreamLang string literal (SPEC §1 escapes)."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
               .replace("\r", "\\r").replace("\x00", "\\u{0}"))
    return f'"{escaped}"'


def sl_fstring_text(text: str) -> str:
    """`text` as the literal part of a StreamLang f-string: braces doubled."""
    return sl_string(text.replace("{", "{{").replace("}", "}}"))[1:-1]


def emitted_names(source: str) -> set[str]:
    """Every identifier and attribute name used in generated Python."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add(node.name)
    return names


def assert_emitted_code_is_clean(tmp: Path, *args: str) -> None:
    """`--emit python` parses, and nothing of a payload is code in it."""
    r = run(tmp, "--emit", "python", *args)
    assert r.returncode == 0, r.stderr.decode()
    source = r.stdout.decode("utf-8", "surrogateescape")
    names = emitted_names(source)
    assert "__import__" not in names and "system" not in names, sorted(names)
    assert not {"eval", "exec", "getattr", "globals", "locals"} & names, sorted(names)


def output_of(r: subprocess.CompletedProcess[bytes]) -> str:
    assert r.returncode == 0, r.stderr.decode()
    assert b"Traceback" not in r.stderr
    return r.stdout.decode("utf-8", "surrogateescape")


# Literals --------------------------------------------------------------------
# All payloads go into one program, so that the file stays quick.

def as_list(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def test_string_literals_are_written_as_their_text(tmp_path: Path) -> None:
    program = f"map {as_list([sl_string(p) for p in PAYLOADS])} | json"
    assert json.loads(output_of(run(tmp_path, program))) == PAYLOADS
    assert_emitted_code_is_clean(tmp_path, program)


def test_plain_writer_writes_literals_byte_for_byte(tmp_path: Path) -> None:
    program = "map " + ' + "|" + '.join(sl_string(p) for p in PAYLOADS)
    r = run(tmp_path, program)
    assert r.returncode == 0
    assert r.stdout == ("|".join(PAYLOADS) + "\n").encode("utf-8", "surrogateescape")
    assert_emitted_code_is_clean(tmp_path, program)


def test_string_literals_in_bindings_comparisons_and_regex_calls_stay_text(tmp_path: Path) -> None:
    lets = "".join(f"let p{i} = {sl_string(p)}\n" for i, p in enumerate(PAYLOADS))
    checks = " && ".join(f"p{i} + _ != {sl_string(p)} && replace(p{i} + _, r\"x$\", \"\") == {sl_string(p)}"
                         for i, p in enumerate(PAYLOADS))
    program = f"{lets}where {checks} | map {as_list([f'p{i}' for i in range(len(PAYLOADS))])} | json"
    assert json.loads(output_of(run(tmp_path, program))) == PAYLOADS
    assert_emitted_code_is_clean(tmp_path, program)


def test_fstring_literal_parts_and_braces_stay_text(tmp_path: Path) -> None:
    parts = [f'f"{sl_fstring_text(p)}{{_}}{{{{}}}}"' for p in PAYLOADS]
    program = f"map {as_list(parts)} | json"
    assert json.loads(output_of(run(tmp_path, program))) == [p + "x{}" for p in PAYLOADS]
    assert_emitted_code_is_clean(tmp_path, program)


FSTRING_WITH_QUOTES = 'map f"{_ + "\'\'\'" + "\\"\\"\\""} {"{}"} {{__import__(\'os\')}}"'


def test_fstring_with_strings_inside_its_expressions(tmp_path: Path) -> None:
    expected = "x" + "\'" * 3 + '"' * 3 + " {} {__import__(\'os\')}\n"
    assert output_of(run(tmp_path, FSTRING_WITH_QUOTES)) == expected


def test_emitted_python_of_fstring_with_both_triple_quotes_parses(tmp_path: Path) -> None:
    assert_emitted_code_is_clean(tmp_path, FSTRING_WITH_QUOTES)


def emitted_python_output(tmp: Path, program: str, stdin: bytes) -> bytes:
    """The output of the module `sl --emit python` prints, run as Python."""
    source = output_of(run(tmp, "--emit", "python", program))
    script = tmp / "emitted.py"
    script.write_text(source + "\n"
                      "import sys\n"
                      "from streamlang.driver import _LinesInput\n"
                      "from streamlang.runtime.run import Run\n"
                      "rt = Run([], err=lambda text: None)\n"
                      "rt.write = print\n"
                      "run(_LinesInput(sys.stdin.read().splitlines()), rt)\n", encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], input=stdin, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout


# ast.unparse of Python 3.11 cannot print these f-strings as f-strings: a
# no-break space, a newline or a tab in a string inside the expression.
@pytest.mark.parametrize("program", [
    FSTRING_WITH_QUOTES,
    'map f"{len(_)} {len(split(_, "\u00a0"))}"',
    r'map f"[{_ + "\n"}] {replace(_, "\t", "-")} {f"{_ + "!"}"}"',
])
def test_emitted_python_of_fstring_with_escaped_strings_runs_like_the_program(tmp_path: Path, program: str) -> None:
    stdin = "a\u00a0b\tc '''\n".encode()
    expected = output_of(run(tmp_path, program, stdin=stdin)).encode()
    assert emitted_python_output(tmp_path, program, stdin) == expected

def test_nul_and_control_characters_in_literals(tmp_path: Path) -> None:
    r = run(tmp_path, r'map "a\u{0}b\u{1b}[31mc\r\\"')
    assert r.returncode == 0 and r.stdout == b"a\x00b\x1b[31mc\r\\\n"


# Names -------------------------------------------------------------------------

PY_NAMES = ["__import__", "__class__", "__builtins__", "class", "None", "True", "lambda", "def", "yield",
            "import", "rt", "src", "write", "line", "n", "e", "chunk", "run", "print", "exec", "self"]


def test_schema_field_names_that_are_python_words(tmp_path: Path) -> None:
    schema = ", ".join(f"{name}: str" for name in PY_NAMES)
    line = ",".join(f"v{i}" for i in range(len(PY_NAMES))) + "\n"
    program = f'split "," as {{{schema}}} | json'
    out = output_of(run(tmp_path, program, stdin=line.encode()))
    expected = "{" + ", ".join(f'"{name}": "v{i}"' for i, name in enumerate(PY_NAMES)) + "}\n"
    assert out == expected
    assert_emitted_code_is_clean(tmp_path, program)


def test_field_names_in_select_derive_count_and_summarize(tmp_path: Path) -> None:
    program = ('split "," as {a: str, b: str} | derive __import__ = .a, class = .b '
               '| count by None = .__import__, lambda = .class | csv')
    assert output_of(run(tmp_path, program, stdin=b"p,q\np,q\n")) == "None,lambda,count\np,q,2\n"
    program = 'split "," as {a: str} | summarize exec = count(), eval = max(.a) by __class__ = .a | json'
    assert output_of(run(tmp_path, program, stdin=b"z\n")) == '{"__class__": "z", "exec": 1, "eval": "z"}\n'
    assert_emitted_code_is_clean(tmp_path, program)


def test_bindings_and_parameters_named_like_generated_variables(tmp_path: Path) -> None:
    program = ("let rt = 1\nlet src = 2\nlet write = 3\nlet n = 4\nlet line = 5\nlet e = 6\nlet chunk = 7\n"
               "let __import__ = fun x -> x\nlet f run = run * 10\n"
               'map f"{rt}{src}{write}{n}{line}{e}{chunk}{__import__(f(1))}"')
    assert output_of(run(tmp_path, program)) == "123456710\n"
    assert_emitted_code_is_clean(tmp_path, program)


def test_regex_group_and_pattern_field_names(tmp_path: Path) -> None:
    program = r'extract r"(?P<__import__>\w+)=(?P<class>\S+)" | json'
    assert output_of(run(tmp_path, program, stdin=b"os=system\n")) == '{"__import__": "os", "class": "system"}\n'
    program = 'parse "*=*" as __builtins__, self | csv'
    assert output_of(run(tmp_path, program, stdin=b"a=b\n")) == "__builtins__,self\na,b\n"
    assert_emitted_code_is_clean(tmp_path, program)


def test_csv_header_and_json_keys_are_data(tmp_path: Path) -> None:
    usable = [p for p in PAYLOADS if "\x00" not in p and p.strip() == p]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([usable, [str(i) for i in range(len(usable))]])
    out = output_of(run(tmp_path, "parse csv | json", stdin=buf.getvalue().encode()))
    assert json.loads(out) == {p: str(i) for i, p in enumerate(usable)}
    line = json.dumps({p: i for i, p in enumerate(PAYLOADS)}) + "\n"
    out = output_of(run(tmp_path, "parse json | json", stdin=line.encode()))
    assert json.loads(out) == {p: i for i, p in enumerate(PAYLOADS)}


# -v values --------------------------------------------------------------------------

def test_v_values_for_string_bindings_are_literal(tmp_path: Path) -> None:
    usable = [p for p in PAYLOADS if "\x00" not in p]  # an argv cannot hold NUL
    lets = "".join(f'let x{i} = "default"\n' for i in range(len(usable)))
    program = f"{lets}map {as_list([f'x{i}' for i in range(len(usable))])} | json"
    args = [arg for i, p in enumerate(usable) for arg in ("-v", f"x{i}={p}")]
    assert json.loads(output_of(run(tmp_path, *args, program))) == usable
    assert_emitted_code_is_clean(tmp_path, *args, program)


V_CASES = [(binding, payload) for binding in ["1", "1.5", "true", "5m", "[1]", "{a = 1}"]
           for payload in PAYLOADS[:2]] + [("1", p) for p in PAYLOADS[2:6]] + [
           ("1", "1); __import__('os').system('touch /tmp/pwned'")]


@pytest.mark.parametrize("binding,payload", V_CASES, ids=[f"{b}-{i}" for i, (b, _) in enumerate(V_CASES)])
def test_v_value_that_does_not_convert_is_a_usage_error(tmp_path: Path, binding: str, payload: str) -> None:
    r = run(tmp_path, "-v", f"x={payload}", f"let x = {binding}\nmap x")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == b"" and b"Traceback" not in r.stderr
    assert r.stderr.startswith(b"sl: -v x=")


def test_v_value_with_equals_signs_and_newlines(tmp_path: Path) -> None:
    r = run(tmp_path, "-v", 'x=a=b\n"c"\\', 'let x = ""\nmap x')
    assert output_of(r) == 'a=b\n"c"\\\n'


# Regexes ----------------------------------------------------------------------------------

BAD_REGEXES = [
    ('extract r"("', 11, "missing ), unterminated subpattern"),
    ('map _ ~ r"["', 11, "unterminated character set"),
    ('where matches(_, r"(?P<a") != []', 24, "missing >, unterminated name"),
    ('map replace(_, r"*", "")', 18, "nothing to repeat"),
    ('join r"("', 8, "missing ), unterminated subpattern"),
    ('map find(_, r"(")', 15, "missing ), unterminated subpattern"),
    ('map _ !~ r"a{2,1}"', 14, "min repeat greater than max repeat"),
    ('extract r"(?P<1a>x)"', 15, "bad character in group name"),
    ('where _ ~ "(?i"', 15, "missing -, : or )"),
    ('extract r"(?P<a>x)(?P<a>y)"', 23, "redefinition of group name"),
]


@pytest.mark.parametrize("program,column,reason", BAD_REGEXES, ids=[p for p, _, _ in BAD_REGEXES])
def test_regex_that_does_not_compile_is_a_compile_time_diagnostic(
        tmp_path: Path, program: str, column: int, reason: str) -> None:
    r = run(tmp_path, program, stdin=b"never read\n")
    assert r.returncode == 2
    assert r.stdout == b""
    err = r.stderr.decode()
    assert err.startswith(f"<program>:1:{column}: error: this regex does not compile: {reason}"), err
    assert "Traceback" not in err


BAD_REPLACEMENTS = [
    ('map replace(_, "x", r"\\9")', 21, "invalid group reference 9", "the regex has no groups; `\\g<0>` is the whole match"),
    ('map replace(_, r"(a)", "\\\\2")', 24, "invalid group reference 2", "the regex has 1 group: `\\1`"),
    ('map replace(_, r"(?P<a>x)", r"\\g<b>")', 29, "unknown group name 'b'",
     "the regex has 1 group: `\\1`; by name `\\g<a>`"),
    ('map replace(_, r"(a)(b)", r"\\q")', 27, "bad escape \\q", "the regex has 2 groups: `\\1`, `\\2`"),
]


@pytest.mark.parametrize("program,column,reason,hint", BAD_REPLACEMENTS, ids=[p for p, _, _, _ in BAD_REPLACEMENTS])
def test_bad_replacement_template_is_a_compile_time_diagnostic(
        tmp_path: Path, program: str, column: int, reason: str, hint: str) -> None:
    r = run(tmp_path, program, stdin=b"ax\n")
    assert r.returncode == 2 and r.stdout == b"", (r.stdout, r.stderr)
    template = program[column - 1:-1]
    assert r.stderr.decode() == (f"<program>:1:{column}: error: bad replacement: {reason}\n"
                                 f"  |\n1 | {program}\n  | {' ' * (column - 1)}{'^' * len(template)}\n"
                                 f"  = hint: {hint}\n")


def test_good_replacement_templates_still_compile(tmp_path: Path) -> None:
    # `\0` is NUL in a Python template, not the whole match; a name and a number may name one group.
    r = run(tmp_path, 'map replace(_, r"(?P<a>x)", r"[\\g<a>|\\1|\\g<0>]")', stdin=b"ax\n")
    assert output_of(r) == "a[x|x|x]\n"


@pytest.mark.parametrize("program", ['where _ ~ r"[[a]"', 'extract r"(?P<x>[a&&b])"'])
def test_regex_python_warns_about_prints_no_python_warning(tmp_path: Path, program: str) -> None:
    r = run(tmp_path, program, stdin=b"a\n")
    assert r.returncode == 0
    assert b"Warning" not in r.stderr and b".py:" not in r.stderr, r.stderr


def test_regex_built_from_input_that_does_not_compile_is_a_rejection(tmp_path: Path) -> None:
    r = run(tmp_path, 'where "a(b" ~ _', stdin=b"(\na\n[\n")
    assert r.returncode == 0 and r.stdout == b"a\n"
    assert r.stderr.decode().startswith("sl: 2 of 3 input lines rejected\n")


def test_regex_built_from_input_nested_too_deeply_is_a_rejection(tmp_path: Path) -> None:
    r = run(tmp_path, 'where "x" ~ _', stdin=b"(" * 1000 + b"\nx\n")
    assert b"Traceback" not in r.stderr
    assert r.returncode == 0 and r.stdout == b"x\n"
    assert r.stderr.decode().startswith("sl: 1 of 2 input lines rejected\n")
