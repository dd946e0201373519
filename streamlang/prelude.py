"""The builtin registry: one entry per function, aggregate, stage and format.

Each function entry holds its signature (how the checker types a call), its
implementation (how codegen writes a call as Python), a one-line doc and a
runnable example. The checker, codegen, `--help`, the toplevel's `:help`
and completion, and the reference docs all read this one table; a test runs
every example.
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from . import pyast as P
from .typesys import BOOL, DYN, FLOAT, INT, STR, TIME, ListT, Opt, Type


class CodegenHooks(Protocol):
    """What an implementation may ask of codegen."""

    def runtime(self, module: str, fn: str) -> ast.expr: ...
    def regex(self, pattern: ast.expr) -> ast.expr: ...
    def plain(self, value: ast.expr, type: Type) -> ast.expr: ...
    def hoist(self, value: ast.expr) -> ast.expr: ...


Impl = Callable[[CodegenHooks, list[ast.expr], list[Type]], ast.expr]
Result = Type | Callable[[list[Type]], Type]


@dataclass(frozen=True)
class Example:
    program: str
    input: str
    output: str


@dataclass(frozen=True)
class Function:
    name: str
    # Parameter kinds: str int num bool time duration seq list any any? regex ordered.
    # A null passes on through every kind (the call is null) but `any?`, which takes it as a value.
    params: tuple[str, ...]
    result: Result
    impl: Impl
    doc: str
    example: Example
    optional: int = 0  # trailing parameters that may be left out
    variadic: bool = False  # the last parameter repeats
    # For a function of one `time`: the same from a log format's time text, so
    # that a field never converted to a time costs no `datetime` (`date(.time)`).
    from_log_text: Impl | None = None
    # For a conversion: the static types it can convert; any other (`int(.time)`)
    # would reject every element, so it is a compile error.
    converts: tuple[Type, ...] = ()

    @property
    def signature(self) -> str:
        shown = {"num": "number", "seq": "str | [T]", "list": "[T]", "any": "T", "any?": "T", "regex": "str",
                 "ordered": "T"}
        ps = [shown.get(p, p) for p in self.params]
        if self.optional:
            ps[-self.optional:] = [p + "?" for p in ps[-self.optional:]]
        if self.variadic:
            ps[-1] += ", ..."
        res = self.result if isinstance(self.result, Type) else "..."
        return f"{self.name}({', '.join(ps)}) -> {res}"


def _first(types: list[Type]) -> Type:
    return types[0]


def _method(meth: str) -> Impl:
    return lambda g, a, t: P.method(a[0], meth, *a[1:])


def _runtime(module: str, fn: str) -> Impl:
    return lambda g, a, t: P.call(g.runtime(module, fn), *a)


def _substr(g: CodegenHooks, a: list[ast.expr], t: list[Type]) -> ast.expr:
    if len(a) == 2:
        return ast.Subscript(value=a[0], slice=ast.Slice(lower=a[1]), ctx=ast.Load())
    return P.call(g.runtime("core", "substr"), *a)


def _join(g: CodegenHooks, a: list[ast.expr], t: list[Type]) -> ast.expr:
    elem = t[0].elem if isinstance(t[0], ListT) else STR
    if elem == STR:
        return P.method(a[1], "join", a[0])
    item = "_x"
    gen = ast.GeneratorExp(elt=g.plain(P.name(item), elem), generators=[
        ast.comprehension(target=P.store(item), iter=a[0], ifs=[], is_async=0)])
    return P.method(a[1], "join", gen)


def _contains(g: CodegenHooks, a: list[ast.expr], t: list[Type]) -> ast.expr:
    return P.compare(a[1], ast.In(), a[0])


def _to_int(g: CodegenHooks, a: list[ast.expr], t: list[Type]) -> ast.expr:
    if t[0] == INT:
        return a[0]
    if t[0] == STR:
        return P.call("int", a[0])
    return P.call(g.runtime("core", "to_int"), a[0])


def _to_float(g: CodegenHooks, a: list[ast.expr], t: list[Type]) -> ast.expr:
    return P.call("float", a[0]) if t[0] in (INT, FLOAT, STR) else P.call(g.runtime("core", "to_float"), a[0])


def _to_str(g: CodegenHooks, a: list[ast.expr], t: list[Type]) -> ast.expr:
    return g.plain(a[0], t[0])


def _to_time(g: CodegenHooks, a: list[ast.expr], t: list[Type]) -> ast.expr:
    if t[0] in (INT, FLOAT):
        return P.call(g.runtime("timefns", "time_from_number"), a[0])
    if t[0] == TIME:
        return a[0]
    if t[0] == DYN:
        return P.call(g.runtime("dynamic", "to_time"), a[0])  # text, or epoch seconds in JSON
    return P.call(g.runtime("timefns", "parse_time"), a[0])


def _round_result(types: list[Type]) -> Type:
    return INT if len(types) == 1 else FLOAT


def _minmax(fn: str) -> Impl:
    def impl(g: CodegenHooks, a: list[ast.expr], t: list[Type]) -> ast.expr:
        if DYN not in t:
            return P.call(fn, *a)
        # Schema-less values, in the order `sort` gives them ("10" > 9); the value itself is the result.
        return ast.Call(func=P.name(fn), args=a, keywords=[ast.keyword(arg="key", value=g.runtime(
            "dynamic", "sort_key"))])
    return impl


def _hoisted(module: str, fn: str) -> Impl:
    # now() and today() are read once per run, so a filter on them is stable.
    return lambda g, a, t: g.hoist(P.call(g.runtime(module, fn)))


def _regex_call(fn: str) -> Impl:
    return lambda g, a, t: P.call(g.runtime("core", fn), g.regex(a[1]), a[0])


def _replace(g: CodegenHooks, a: list[ast.expr], t: list[Type]) -> ast.expr:
    return P.method(g.regex(a[1]), "sub", a[2], a[0])


def _ex(program: str, input: str, output: str) -> Example:
    return Example(program, input, output)


FUNCTIONS: dict[str, Function] = {f.name: f for f in [
    Function("len", ("seq",), INT, lambda g, a, t: P.call("len", a[0]),
             "The length of a string (in characters) or a list.",
             _ex("map len(_)", "hello\n", "5\n")),
    Function("lower", ("str",), STR, _method("lower"), "The string in lower case.",
             _ex("map lower(_)", "GET\n", "get\n")),
    Function("upper", ("str",), STR, _method("upper"), "The string in upper case.",
             _ex("map upper(_)", "get\n", "GET\n")),
    Function("trim", ("str",), STR, _method("strip"), "The string without leading and trailing whitespace.",
             _ex('map "[" + trim(_) + "]"', "  a b  \n", "[a b]\n")),
    Function("ltrim", ("str",), STR, _method("lstrip"), "The string without leading whitespace.",
             _ex('map "[" + ltrim(_) + "]"', "  a  \n", "[a  ]\n")),
    Function("rtrim", ("str",), STR, _method("rstrip"), "The string without trailing whitespace.",
             _ex('map "[" + rtrim(_) + "]"', "  a  \n", "[  a]\n")),
    Function("split", ("str", "str"), ListT(STR), _method("split"),
             "The parts of a string between occurrences of a separator.",
             _ex('map split(_, "/")[1]', "/a/b\n", "a\n")),
    Function("join", ("list", "str"), STR, _join,
             "The items of a list, formatted as plain output, with a separator between them.",
             _ex('map join(split(_, ","), " + ")', "1,2,3\n", "1 + 2 + 3\n")),
    Function("replace", ("str", "regex", "str"), STR, _replace,
             "Every match of a regex replaced (`\\1` in the replacement is the first group).",
             _ex('map replace(_, r"\\d+", "N")', "id 42 of 7\n", "id N of N\n")),
    Function("contains", ("any", "any?"), BOOL, _contains,
             "Whether a string contains a substring, or a list an item.",
             _ex('where contains(_, "bot")', "googlebot\nfirefox\n", "googlebot\n")),
    Function("starts_with", ("str", "str"), BOOL, _method("startswith"),
             "Whether a string starts with a prefix.",
             _ex('where starts_with(_, "/api")', "/api/x\n/img\n", "/api/x\n")),
    Function("ends_with", ("str", "str"), BOOL, _method("endswith"),
             "Whether a string ends with a suffix.",
             _ex('where ends_with(_, ".png")', "a.png\nb.css\n", "a.png\n")),
    Function("substr", ("str", "int", "int"), STR, _substr,
             "`substr(s, start, n)`: n characters from index start (all the rest without n).",
             _ex("map substr(_, 1, 3)", "abcdef\n", "bcd\n"), optional=1),
    Function("find", ("str", "regex"), Opt(STR), _regex_call("find"),
             "The first match of a regex (its first group if it has groups), or null.",
             _ex('map find(_, r"\\d+") ?? "none"', "a12b345\nxyz\n", "12\nnone\n")),
    Function("matches", ("str", "regex"), ListT(STR), _regex_call("matches"),
             "Every match of a regex (their first groups if it has groups). A regex that is a value rather than "
             "a literal (taken from the input) is refused, rejecting the element, where its matching could take "
             "exponential time: a repeat inside a repeat (`(a+)+`), repeated alternatives that begin alike "
             "(`(a|ab)*`), a back-reference; the same holds for `find`, `replace` and `~`.",
             _ex('map join(matches(_, r"\\d+"), ",")', "a12b345\n", "12,345\n")),
    Function("int", ("any",), INT, _to_int,
             "Converts a string, number or bool to an int; bad input rejects the element, and a type it "
             "cannot convert (`int(.time)`) is a compile error.",
             _ex("map int(_) + 1", "41\n", "42\n"), converts=(STR, INT, FLOAT, BOOL)),
    Function("float", ("any",), FLOAT, _to_float,
             "Converts a string or number to a float; bad input rejects the element, and a type it cannot "
             "convert (a time, a bool) is a compile error.",
             _ex("map float(_) / 4", "1\n", "0.25\n"), converts=(STR, INT, FLOAT)),
    Function("str", ("any",), STR, _to_str, "Formats any value as plain output does.",
             _ex('map str(len(_)) + " chars"', "abc\n", "3 chars\n")),
    Function("bool", ("any",), BOOL, _runtime("core", "to_bool"),
             "Converts `true`/`false`/`1`/`0` (or a number: non-zero is true) to a bool.",
             _ex("map bool(_)", "true\n0\n", "true\nfalse\n"), converts=(STR, INT, FLOAT, BOOL)),
    Function("round", ("num", "int"), _round_result, _runtime("core", "round_half_away"),
             "Rounds half away from zero: an int, or a float with n digits after the point.",
             _ex("map round(float(_))", "2.5\n-2.5\n", "3\n-3\n"), optional=1),
    Function("floor", ("num",), INT, _runtime("math", "floor"), "The largest int not above x.",
             _ex("map floor(float(_))", "2.7\n", "2\n")),
    Function("ceil", ("num",), INT, _runtime("math", "ceil"), "The smallest int not below x.",
             _ex("map ceil(float(_))", "2.1\n", "3\n")),
    Function("abs", ("num",), _first, lambda g, a, t: P.call("abs", a[0]), "The absolute value.",
             _ex("map abs(int(_))", "-4\n", "4\n")),
    Function("min", ("ordered", "ordered"), _first, _minmax("min"),
             "The smallest of its arguments (in `summarize`, `min(e)` is the aggregate); schema-less values "
             "in the order `sort` gives them.",
             _ex("map min(int(_), 10)", "3\n30\n", "3\n10\n"), variadic=True),
    Function("max", ("ordered", "ordered"), _first, _minmax("max"),
             "The largest of its arguments (in `summarize`, `max(e)` is the aggregate); schema-less values "
             "in the order `sort` gives them.",
             _ex("map max(int(_), 10)", "3\n30\n", "10\n30\n"), variadic=True),
    Function("time", ("any",), TIME, _to_time,
             "Reads ISO 8601 / RFC 3339 (`2015-05-17T10:05:03+02:00`; a space for `T`, a fraction "
             "after `.` or `,`, `Z`, `+0200`, a date alone, `20150517`), apache "
             "(`17/May/2015:10:05:03 +0000`), syslog (`Nov 27 03:20:01`, in the current year, or the one before if that is over a day ahead), "
             "ctime/asctime as the Apache error log writes it (`Sun Dec 04 04:47:44 2005`, the day name "
             "checked), and epoch values as numbers or as text of 9+ digits (with a fraction or not): "
             "seconds up to 1e11, milliseconds up to 1e14, microseconds up to 1e17, nanoseconds beyond. "
             "A time without an offset is UTC; nanoseconds are cut to microseconds.",
             _ex("map time(_)", "2015-05-17 10:05:03.5\nSun May 17 10:05:03 2015\n1431857103000\n",
                 "2015-05-17T10:05:03.500000+00:00\n2015-05-17T10:05:03+00:00\n2015-05-17T10:05:03+00:00\n"),
             converts=(STR, INT, FLOAT, TIME)),
    Function("date", ("time",), STR, _runtime("timefns", "date"),
             "The `YYYY-MM-DD` date of a time, in its own offset.",
             _ex("map date(time(_))", "2015-05-17T23:05:03+02:00\n", "2015-05-17\n"),
             from_log_text=_runtime("timefns", "apache_date")),
    Function("hour", ("time",), INT, lambda g, a, t: P.attr(a[0], "hour"), "The hour (0-23) of a time.",
             _ex("map hour(time(_))", "2015-05-17T10:05:03Z\n", "10\n")),
    Function("weekday", ("time",), STR, _runtime("timefns", "weekday"),
             "The day of the week of a time: `Mon` ... `Sun`.",
             _ex("map weekday(time(_))", "2015-05-17T10:05:03Z\n", "Sun\n")),
    Function("strftime", ("time", "str"), STR, _method("strftime"),
             "Formats a time with a C `strftime` format.",
             _ex('map strftime(time(_), "%d/%m %H:%M")', "2015-05-17T10:05:03Z\n", "17/05 10:05\n")),
    Function("strptime", ("str", "str"), TIME, _runtime("timefns", "strptime"),
             "Parses a time with a C `strptime` format (UTC unless the format has `%z`).",
             _ex('map strptime(_, "%d.%m.%Y")', "17.05.2015\n", "2015-05-17T00:00:00+00:00\n")),
    Function("bucket", ("time", "duration"), TIME, _runtime("timefns", "bucket"),
             "A time rounded down to a multiple of a duration, counted in the time's own offset "
             "(from 1970-01-01 00:00 there), as `date` and `hour` are: with `+03:30` an hour bucket "
             "starts at `03:00+03:30`.",
             _ex("map bucket(time(_), 1h)", "2015-05-17T03:47:03+03:30\n", "2015-05-17T03:00:00+03:30\n")),
    Function("now", (), TIME, _hoisted("timefns", "now"), "The time the run started.",
             _ex("map now() > time(_)", "2015-05-17T10:07:03Z\n", "true\n")),
    Function("today", (), TIME, _hoisted("timefns", "today"), "Midnight (UTC) of the day the run started.",
             _ex("map today() > time(_)", "2015-05-17T10:07:03Z\n", "true\n")),
    Function("url_path", ("str",), STR, _runtime("urls", "url_path"),
             "The path of a URL, without query or fragment, percent-decoded.",
             _ex("map url_path(_)", "/a%20b/c?x=1\n", "/a b/c\n")),
    Function("query", ("str", "str"), Opt(STR), _runtime("urls", "query"),
             "The first value of a URL's query parameter, or null.",
             _ex('map query(_, "q") ?? "-"', "/s?q=log+files&n=2\n/s\n", "log files\n-\n")),
    Function("url_host", ("str",), Opt(STR), _runtime("urls", "url_host"),
             "The host of an absolute URL, or null.",
             _ex('map url_host(_) ?? "-"', "http://example.com:80/x\n/x\n", "example.com\n-\n")),
    Function("lineno", (), INT, lambda g, a, t: P.name("__lineno__"),
             "The line number of the current input line in its file.",
             _ex('map f"{lineno()}: {_}"', "a\nb\n", "1: a\n2: b\n")),
    Function("filename", (), STR, lambda g, a, t: P.name("__filename__"),
             "The name of the file the current input line comes from (`-` for stdin).",
             _ex("map filename()", "a\n", "-\n")),
]}


@dataclass(frozen=True)
class AggregateDoc:
    name: str
    arity: int
    doc: str
    example: Example


AGGREGATES: dict[str, AggregateDoc] = {a.name: a for a in [
    AggregateDoc("count", 0, "The number of elements.",
                 _ex("summarize n = count()", "a\nb\n", "2\n")),
    AggregateDoc("sum", 1, "The sum, skipping nulls (null when there is nothing to add).",
                 _ex("summarize sum(int(_))", "1\n2\n", "3\n")),
    AggregateDoc("avg", 1, "The mean as a float, skipping nulls.",
                 _ex("summarize avg(int(_))", "1\n2\n", "1.5\n")),
    AggregateDoc("min", 1, "The smallest value, skipping nulls; of a schema-less field, in the order `sort` "
                 "gives (numbers by value, `\"10\"` above 9, then text, booleans, lists and records).",
                 _ex("summarize min(int(_))", "3\n1\n", "1\n")),
    AggregateDoc("max", 1, "The largest value, skipping nulls; of a schema-less field, in the order `sort` gives.",
                 _ex("summarize max(int(_))", "3\n1\n", "3\n")),
    AggregateDoc("first", 1, "The value for the first element.",
                 _ex("summarize first(_)", "a\nb\n", "a\n")),
    AggregateDoc("last", 1, "The value for the last element.",
                 _ex("summarize last(_)", "a\nb\n", "b\n")),
    AggregateDoc("count_distinct", 1, "The number of distinct values, skipping nulls (schema-less values by "
                 "their JSON type: `true`, `1` and `\"1\"` are three).",
                 _ex("summarize count_distinct(_)", "a\nb\na\n", "2\n")),
    AggregateDoc("stddev", 1, "The sample (n - 1) standard deviation, skipping nulls.",
                 _ex("summarize stddev(int(_))", "2\n4\n", "1.4142135623730951\n")),
    AggregateDoc("list", 1, "All the values, in input order.",
                 _ex('summarize xs = list(_) | map join(.xs, "+")', "a\nb\n", "a+b\n")),
    AggregateDoc("percentile", 2, "`percentile(e, p)`: the p-th percentile, linear between ranks; a fixed p "
                 "outside 0-100 is a compile error.",
                 _ex("summarize percentile(int(_), 50)", "1\n2\n3\n4\n", "2.5\n")),
    AggregateDoc("p50", 1, "The median: `percentile(e, 50)`.", _ex("summarize p50(int(_))", "1\n5\n9\n", "5.0\n")),
    AggregateDoc("p90", 1, "`percentile(e, 90)`.", _ex("summarize p90(int(_))", "1\n2\n", "1.9\n")),
    AggregateDoc("p95", 1, "`percentile(e, 95)`.", _ex("summarize p95(int(_))", "0\n100\n", "95.0\n")),
    AggregateDoc("p99", 1, "`percentile(e, 99)`.", _ex("summarize p99(int(_))", "0\n100\n", "99.0\n")),
]}

PERCENTILE_SHORTHANDS = {"p50": 50, "p90": 90, "p95": 95, "p99": 99}


@dataclass(frozen=True)
class StageDoc:
    name: str
    syntax: str
    type: str
    doc: str
    example: Example


STAGES: dict[str, StageDoc] = {s.name: s for s in [
    StageDoc("lines", 'lines "PATH"', "stream<str>",
             "A source: the lines of a file, a directory (every file, sorted) or a glob.",
             _ex('lines "/dev/null" | count', "", "0\n")),
    StageDoc("stdin", "stdin", "stream<str>", "A source: the lines of standard input.",
             _ex("stdin | take 1", "a\nb\n", "a\n")),
    StageDoc("split", 'split SEP [as SCHEMA]', "stage<str, [str]>",
             "Splits on a literal separator; with `as`, into a typed record (wrong arity rejects).",
             _ex('split "," as {n: int, w: str} | map .w', "1,a\n", "a\n")),
    StageDoc("words", "words [as SCHEMA]", "stage<str, [str]>",
             "Splits on runs of whitespace, ignoring leading and trailing whitespace (awk's default).",
             _ex("words | map _[1]", "  a  b c\n", "b\n")),
    StageDoc("parse", 'parse FORMAT [as SCHEMA] | parse "PATTERN" as NAME[:TYPE], ...', "stage<str, {...}>",
             "Parses each line with a built-in format, or with a pattern where `*` takes the shortest text "
             "up to the next literal part, and a final `*` the rest (after `join`, newlines included).",
             _ex('parse "* = *" as k, v:int | map .v * 2', "a = 21\n", "42\n")),
    StageDoc("extract", 'extract r"REGEX" [as SCHEMA]', "stage<str, {...}>",
             "Searches each line for a regex; its named groups become fields. No match rejects the line. "
             "A `duration` field reads durations as logs write them: `1.5s`, `250ms`, `12us`, `1h30m`.",
             _ex('extract r"took (?P<ms>\\d+)ms" as {ms: int} | map .ms', "GET / took 35ms\n", "35\n")),
    StageDoc("map", "map EXPR", "stage<A, B>",
             "Transforms each element. A function given alone (`map len`, or one bound with `let`) "
             "is applied to it.",
             _ex("map _ + _", "ab\n", "abab\n")),
    StageDoc("where", "where EXPR   (alias: filter)", "stage<A, A>",
             "Keeps the elements for which EXPR is true (a null counts as false).",
             _ex("where len(_) > 1", "a\nbb\n", "bb\n")),
    StageDoc("select", "select [NAME =] EXPR, ...", "stage<A, {...}>",
             "Makes a record of the items, in the order written.",
             _ex('split "," as {a: str, b: int} | select .b, c = .a + "!"', "x,1\n", "1\tx!\n")),
    StageDoc("derive", "derive [NAME =] EXPR, ...", "stage<{...}, {...}>",
             "Adds fields to a record: a new name is appended, an existing one replaced in place. "
             "A schema-less record (`parse json`, `csv`, ...) stays one, with the fields added.",
             _ex('split "," as {a: str, b: int} | derive b = .b * 10, c = 1', "x,1\n", "x\t10\t1\n")),
    StageDoc("take", "take N", "stage<A, A>", "The first N elements; stops reading after them.",
             _ex("take 1", "a\nb\n", "a\n")),
    StageDoc("drop", "drop N", "stage<A, A>", "All but the first N elements.",
             _ex("drop 1", "a\nb\n", "b\n")),
    StageDoc("tail", "tail N", "stage<A, A>", "The last N elements.",
             _ex("tail 1", "a\nb\n", "b\n")),
    StageDoc("sort", "sort [by] EXPR [asc|desc], ...", "stage<A, A>",
             "A stable sort, ascending by default; nulls come last.",
             _ex("sort by len(_) desc", "a\nccc\nbb\n", "ccc\nbb\na\n")),
    StageDoc("top", "top N by EXPR [asc|desc]", "stage<A, A>",
             "`sort by EXPR desc | take N`, in memory for N elements only.",
             _ex("top 2 by int(_)", "5\n9\n1\n7\n", "9\n7\n")),
    StageDoc("uniq", "uniq [by EXPR]", "stage<A, A>", "Drops consecutive duplicates.",
             _ex("uniq", "a\na\nb\na\n", "a\nb\na\n")),
    StageDoc("distinct", "distinct [by EXPR]", "stage<A, A>",
             "Drops every later duplicate, keeping first-seen order (schema-less values are equal only with "
             "their JSON type: `true` is not `1`).",
             _ex("distinct", "a\nb\na\n", "a\nb\n")),
    StageDoc("count", "count [by [NAME =] EXPR, ...]", "stage<A, int> | stage<A, {..., count: int}>",
             "Counts the elements, or the elements of each group (groups in first-appearance order; a "
             "schema-less key keeps its JSON type, so `true`, `1` and `\"1\"` are three groups, `1` and "
             "`1.0` one).",
             _ex("count by w = _", "x\ny\nx\n", "x\t2\ny\t1\n")),
    StageDoc("summarize", "summarize [NAME =] AGG(EXPR), ... [by [NAME =] EXPR, ...]", "stage<A, {...}>",
             "Aggregates per group (or over everything): " + ", ".join(AGGREGATES) + ".",
             _ex('split "," as {k: str, v: int} | summarize total = sum(.v) by .k', "a,1\nb,2\na,3\n",
                 "a\t4\nb\t2\n")),
    StageDoc("fold", "fold INIT (fun acc x -> EXPR)", "stage<A, B>", "A left fold; yields one value.",
             _ex("fold 0 (fun acc x -> acc + len(x))", "ab\nc\n", "3\n")),
    StageDoc("enumerate", "enumerate", "stage<A, {i: int, value: A}>", "Numbers the elements from 0.",
             _ex("enumerate", "a\nb\n", "0\ta\n1\tb\n")),
    StageDoc("flatten", "flatten", "stage<[A], A>", "Each list's items as elements of their own.",
             _ex('split "," | flatten', "a,b\n", "a\nb\n")),
    StageDoc("csv", "csv", "stage<A, str>", "Writes CSV (RFC 4180 quoting), a header first for records. For `dyn` records the header is the "
             "first record's keys: a later record's missing key is an empty cell, and a key outside the "
             "header is a rejection that names it (`select` the columns first to write them all).",
             _ex('split "," as {a: str, b: str} | csv', 'x,y "z"\n', 'a,b\nx,"y ""z"""\n')),
    StageDoc("tsv", "tsv", "stage<A, str>", "Writes TSV, escaping tab, newline, CR and backslash; a header as `csv` writes it.",
             _ex('split "," as {a: str, b: int} | tsv', "x,1\n", "a\tb\nx\t1\n")),
    StageDoc("json", "json", "stage<A, str>", "Writes each element as one JSON value per line.",
             _ex('split "," as {a: str, b: int} | json', "x,1\n", '{"a": "x", "b": 1}\n')),
    StageDoc("table", "table", "stage<A, str>", "Writes an aligned table for people to read; for `dyn` records, under a header of every key they have. "
             "Floats are shown to 15 significant digits (`0.30000000000000004` as `0.3`); the other "
             "outputs write every digit.",
             _ex('split "," as {a: str, b: int} | table', "x,1\nlong,22\n", "a      b\n----  --\nx      1\nlong  22\n")),
]}


@dataclass(frozen=True)
class FormatDoc:
    name: str
    fields: tuple[tuple[str, str], ...]
    doc: str
    example: Example


_COMBINED = (("ip", "str"), ("ident", "str?"), ("user", "str?"), ("time", "time"), ("method", "str?"),
             ("path", "str?"), ("protocol", "str?"), ("status", "int"), ("bytes", "int?"),
             ("referer", "str?"), ("agent", "str?"))

_APACHE_LINE = ('127.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /index.html HTTP/1.1" 200 1234 '
                '"-" "curl/8.0"\n')

FORMATS: dict[str, FormatDoc] = {f.name: f for f in [
    FormatDoc("apache", _COMBINED, "The Apache/nginx combined log format (`-` is null). Fields are "
                                   "separated by single spaces: a raw tab inside a field is part of it.",
              _ex("parse apache | select .ip, .status, .bytes", _APACHE_LINE, "127.0.0.1\t200\t1234\n")),
    FormatDoc("combined", _COMBINED, "Another name for `apache`.",
              _ex("parse combined | map .path", _APACHE_LINE, "/index.html\n")),
    FormatDoc("nginx", (*_COMBINED, ("forwarded", "str?")),
              "nginx's access log: the combined format, or nginx's default `main` format, which adds "
              "`\"$http_x_forwarded_for\"` as `forwarded` (null when absent or `-`).",
              _ex("parse nginx | select .ip, .forwarded",
                  _APACHE_LINE + _APACHE_LINE.replace('"curl/8.0"', '"curl/8.0" "203.0.113.7"'),
                  "127.0.0.1\t\n127.0.0.1\t203.0.113.7\n")),
    FormatDoc("common", _COMBINED[:9], "The Common Log Format (combined without referer and agent).",
              _ex("parse common | map .time",
                  '127.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5\n',
                  "2015-05-17T10:05:03+00:00\n")),
]}


FORMATS.update({f.name: f for f in [
    FormatDoc("syslog", (("time", "time"), ("host", "str"), ("app", "str"), ("pid", "int?"), ("message", "str")),
              "Syslog lines: RFC 3164 (`Nov 27 03:20:01 host app[pid]: message`; the year is the file's, "
              "and times are UTC), rsyslog's ISO form, and RFC 5424. macOS tags with spaces "
              "(`Google Chrome[85294]:`) or a second bracket (`sandboxd[129] ([10018]):`, the bracket "
              "starting the message) and `syslogd 1.4.1:` (the version starting the message) give the "
              "program as `app`.",
              _ex("parse syslog | select .app, .pid, .message",
                  "Nov 27 03:20:01 web1 sshd[812]: Accepted publickey for deploy\n",
                  "sshd\t812\tAccepted publickey for deploy\n")),
    FormatDoc("logfmt", (), "`key=value` pairs (quoted values may hold spaces and escapes); a `dyn` record, "
                            "or typed fields with `as`.",
              _ex('parse logfmt | where .status == 500 | map .path',
                  'level=info path=/ status=200\nlevel=error path="/api/x" status=500\n', "/api/x\n")),
    FormatDoc("json", (), "One JSON value per line (JSON Lines): a `dyn` value whose fields are reached with "
                          "`.a.b`; integers stay exact; blank lines are skipped; `NaN`, `Infinity` and numbers too "
                          "large for a float are rejected.",
              _ex("parse json | map .user.id + 1", '{"user": {"id": 123456789012345678901}}\n',
                  "123456789012345678902\n")),
    FormatDoc("csv", (), "CSV (RFC 4180, quoted fields may span lines) with its header as the first record "
                         "of each file (after a `sort` or a grouping, the first element), naming that file's rows; without `as`, "
                         "the records have the fields of every input file's header (null where a file's lacks one).",
              _ex("parse csv as {name: str, n: int} | map .n * 2", "name,n\nx,21\n", "42\n")),
    FormatDoc("tsv", (), "Tab-separated values (with `\\t \\n \\r \\\\` escapes) and a header line.",
              _ex("parse tsv | map .b", "a\tb\n1\t2\n", "2\n")),
]})

STAGES["join"] = StageDoc(
    "join", 'join r"REGEX"', "stage<str, str>",
    "Joins each line matching REGEX to the line before it (with a newline), so a stack trace is one "
    "element; only directly on the input.",
    _ex('join r"^\\s" | count', "Error: boom\n  at a()\n  at b()\nok\n", "2\n"))

STAGES.update({s.name: s for s in [
    StageDoc("chart", "chart [by EXPR]", "stage<A, str>",
             "A horizontal bar per element: the label is the record's other fields, the bar its last number "
             "(or EXPR); Unicode blocks on a terminal, `#` otherwise or with `--ascii`.",
             _ex("count by status = _ | chart", "200\n404\n200\n200\n304\n",
                 "200 " + "#" * 73 + " 3\n404 " + "#" * 24 + " 1\n304 " + "#" * 24 + " 1\n")),
    StageDoc("spark", "spark [by EXPR]", "stage<A, str>",
             "All the numbers as one sparkline (`▁▂▃▄▅▆▇█`, or ` .:-=+*#` in ASCII).",
             _ex("spark by int(_)", "1\n5\n3\n", ".#=\n")),
    StageDoc("hist", "hist TIME BUCKET", "stage<A, str>",
             "How many elements fall in each bucket of time, empty buckets included, as a bar chart.",
             _ex("hist time(_) 1h", "2015-05-17T10:05:03Z\n2015-05-17T10:20:00Z\n2015-05-17T12:01:00Z\n",
                 "2015-05-17 10:00 " + "#" * 60 + " 2\n2015-05-17 11:00  0\n2015-05-17 12:00 " + "#" * 30
                 + " 1\n")),
]})

STAGES["write"] = StageDoc(
    "write", 'write "DIR/{FIELD}.EXT"', "stage<{...}, str>",
    "Writes each record to the file its fields name (CSV, TSV, JSON Lines or plain by the extension), "
    "each file complete or absent (written aside, renamed at the end); prints `path<TAB>rows` per file. "
    "With `--skip-existing`, files that exist are left alone. A key's value is used as it is, so distinct "
    "keys name distinct files; a key that is empty (or null), `.` or `..`, contains `/` or NUL, starts with `.` "
    "or is longer than 255 bytes, or that names the file of another key (`{a}{b}`), is a rejection.",
    _ex('split "," as {k: str, n: int} | write "/tmp/sl-example/{k}.csv"', "a,1\nb,2\na,3\n",
        "/tmp/sl-example/a.csv\t2\n/tmp/sl-example/b.csv\t1\n"))

FUNCTIONS.update({f.name: f for f in [
    Function("url_decode", ("str",), STR, _runtime("urls", "url_decode"),
             "Percent-decoding (`%20` is a space); a malformed escape stays as it is.",
             _ex("map url_decode(_)", "caf%C3%A9%20au%20lait\n", "café au lait\n")),
    Function("url_encode", ("str",), STR, _runtime("urls", "url_encode"),
             "Percent-encoding of everything but RFC 3986's unreserved characters.",
             _ex("map url_encode(_)", "a b/c\n", "a%20b%2Fc\n")),
]})
