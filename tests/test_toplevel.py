"""The toplevel (SPEC §8): the session's answers, the commands, completion, the
live preview, and the prompt_toolkit application driven through a pipe input
with a dummy output."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from streamlang import docs
from streamlang.toplevel.completer import StreamLangCompleter
from streamlang.toplevel.preview import Previewer
from streamlang.toplevel.repl import Toplevel, history_path
from streamlang.toplevel.sample import Cancelled
from streamlang.toplevel.session import Reply, Session, binding_kind
from streamlang.toplevel.text import field_context, needs_more, upto_stage

from .conftest import ROOT, sl_command

LOG = str(ROOT / "examples" / "data" / "access.log")
with open(LOG, "rb") as _f:
    LOG_LINES = sum(1 for _ in _f)
# What every answer computed on the sample (the first 1,000 lines) says it is.
ON_SAMPLE = f" · first 1,000 of {LOG_LINES:,} lines"
ENV = {"NO_COLOR": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


@pytest.fixture
def session() -> Session:
    return Session([LOG], width=100)


def lines(reply: Reply) -> list[str]:
    return reply.text.split("\n")


# let, values, pipelines -------------------------------------------------------------


def test_let_answers_like_ocaml(session):
    assert session.submit("let n = 3").text == "val n : int = 3"
    assert session.submit('let s = "GET"').text == 'val s : str = "GET"'
    assert session.submit("let r = {a = 1, b = [1.5], d = 90m, x = null}").text == \
        "val r : {a: int, b: [float], d: duration, x: null} = {a = 1, b = [1.5], d = 1h30m, x = null}"
    assert session.statements == ["let n = 3", 'let s = "GET"', "let r = {a = 1, b = [1.5], d = 90m, x = null}"]


def test_functions_and_stages_show_their_type(session):
    f = session.submit("let shout x = upper(x)").text
    assert f.startswith("val shout : ") and f.endswith(" = <fun>")
    errors = session.submit("let errors = parse apache | where .status >= 500").text
    assert errors.startswith("val errors : stage<str, {ip: str, ")
    assert "= " not in errors.split(" : ", 1)[1].split(">")[-1]  # a stage has no value shown
    assert session.submit('let access = lines "x.log"').text == "val access : stream<str>"


def test_binding_kinds():
    assert binding_kind("int") == "value"
    assert binding_kind("{a: int}") == "value"
    assert binding_kind("str -> str") == "function"
    assert binding_kind("function") == "function"
    assert binding_kind("stage<str, int>") == "stage"
    assert binding_kind("int -> stage<{count: 'a, ..}, {count: 'a, ..}>") == "stage"
    assert binding_kind("stream<str>") == "stream"


def test_a_value_program_answers_its_type_and_value(session):
    session.submit("let n = 3")
    assert session.submit("n * 2").text == "- : int = 6"
    assert session.submit("n").text == "- : int = 3"
    assert session.submit('upper("a") + "b"').text == '- : str = "Ab"'
    assert session.last_pipeline is None  # a value is not a pipeline to :run


def test_a_pipeline_answers_its_type_and_a_table(session):
    reply = session.submit("parse apache | count by .status")
    assert reply.ok
    assert lines(reply)[:5] == [
        "- : stream<{status: int, count: int}>" + ON_SAMPLE,
        "status  count",
        "------  -----",
        "   200    896",
        "   404     17",
    ]
    assert session.last_pipeline == "parse apache | count by .status"


def test_show_sets_how_many_rows(session):
    assert session.submit(":show 2").text == "pipelines show their first 2 rows"
    out = lines(session.submit("parse apache | select .status"))
    assert out[1:5] == ["status", "------", "   200", "   200"]
    assert out[5] == "2 of 1000 rows (:show N to see more)"


def test_the_sample_is_the_first_lines(session):
    assert session.submit(":sample 5").text == f"sample: 5 lines of {LOG} (the first 5 lines)"
    assert lines(session.submit("count"))[1] == "5"
    assert session.submit(":sample x").ok is False


def test_rejections_on_the_sample_are_summed_up(session):
    out = session.submit('split " " as {ip: str, rest: int} | count').text
    assert "1000 of 1000 sample lines rejected" in out
    assert "by `split \" \" as {ip: str, rest: int}` (<input>:1:1)" in out
    assert f"{LOG}:1: " in out


def test_a_failing_value_is_an_error_and_binds_nothing(session):
    # Fixed before any input, so found at compile time, at the value.
    reply = session.submit('let x = int("a")')
    assert not reply.ok
    assert reply.text == ("<input>:1:9: error: cannot convert \"a\" to int\n  |\n"
                          '1 | let x = int("a")\n  |         ^^^^^^^^')
    assert session.statements == [] and "x" not in session.bindings


def test_a_value_failing_at_run_time_is_an_error_and_binds_nothing(session):
    reply = session.submit("let y = [1][hour(now()) + 24]")
    assert not reply.ok
    assert reply.text == "error: index out of range"
    assert session.statements == [] and "y" not in session.bindings


def test_several_statements_in_one_input(session):
    out = lines(session.submit("let a = 2; let b = a * 10\nparse apache | take b | count"))
    assert out[:3] == ["val a : int = 2", "val b : int = 20", "- : stream<int>" + ON_SAMPLE]
    assert out[3].strip() == "20"
    assert session.statements == ["let a = 2", "let b = a * 10"]


def test_an_input_starting_with_a_pipe_continues_the_last_pipeline(session):
    assert not session.submit("| take 1").ok
    session.submit("parse apache | count by .status")
    out = lines(session.submit("| sort by .count desc | take 2"))
    assert out[3:5] == ["   200    896", "   301     53"]
    assert session.last_pipeline == "parse apache | count by .status\n| sort by .count desc | take 2"
    assert complete(session, "| where .co") == [("count", "int")]


def test_type_declarations_are_kept(session):
    assert session.submit("type hit = {ip: str, status: int}").text == "type hit = {ip: str, status: int}"
    out = session.submit('split " " as hit | take 1')  # every line has the wrong arity: rejected
    assert out.ok and lines(out)[:4] == ["- : stream<{ip: str, status: int}>" + ON_SAMPLE, "ip  status", "--  ------",
                                  f"no rows in the first 1,000 of {LOG_LINES:,} lines; :run runs it on all of them"]
    assert lines(out)[4] == "1000 of 1000 sample lines rejected"


# errors -------------------------------------------------------------------------------


def test_an_error_shows_the_caret_under_the_input_and_keeps_the_session(session):
    session.submit("let n = 3")
    session.submit("let m = 4")
    reply = session.submit("parse apache | where .stauts > n")
    assert not reply.ok
    out = lines(reply)
    assert out[0].startswith("<input>:1:22: error: no field `stauts`")
    assert out[2] == "1 | parse apache | where .stauts > n"
    assert out[3] == "  |                      ^^^^^^^"
    assert out[4] == "  = hint: did you mean `.status`?"
    assert session.statements == ["let n = 3", "let m = 4"]
    assert session.submit("n + m").text == "- : int = 7"


def test_an_error_in_a_function_body_names_the_binding(session):
    # `f : 'a -> 'b -> 'c` says nothing against these arguments: the error is in the body.
    session.submit("let f x y = x + y")
    out = lines(session.submit('map f(1, "a")'))
    assert out == [
        "<let f>:1:15: error: cannot apply `+` to int and str",
        "  |",
        "1 | let f x y = x + y",
        "  |               ^",
        "  = hint: there is no implicit conversion between strings and numbers: use str(x), int(s) or float(s)",
        "<input>:1:5: note: in this call of `f`, where x: int, y: str",
        "  |",
        '1 | map f(1, "a")',
        "  |     ^^^^^^^^^",
    ]


def test_errors_have_no_colour_unless_asked(session):
    plain = session.submit("parse apache | where .stauts > 1").text
    assert "\x1b[" not in plain
    session.color = True
    assert "\x1b[31m" in session.submit("parse apache | where .stauts > 1").text


# commands -------------------------------------------------------------------------------


def test_help_lists_commands_and_every_builtin(session):
    out = session.submit(":help").text
    for command in ("help", "type", "load", "py", "run", "save", "quit", "show", "sample", "live"):
        assert f":{command}" in out
    for names in docs.names().values():
        for name in names:
            assert name in out


def test_help_name_is_the_reference_entry(session):
    assert session.submit(":help where").text == docs.entry("where")
    assert session.submit(":help count").text == docs.entry("count")
    assert session.submit(":help :run").text.startswith(":run [> FILE]")
    reply = session.submit(":help wher")
    assert not reply.ok and "did you mean `where`?" in reply.text


def test_type_shows_a_type_without_running(session):
    session.submit("let n = 3")
    session.submit("let f x = x + 1")
    assert session.submit(":type n").text == "n : int"
    assert session.submit(":type f").text.startswith("f : ")
    assert session.submit(":type n * 2.0").text == "- : float"
    assert session.submit(":type parse apache | count by .method").text == \
        "- : stream<{method: str?, count: int}>"
    assert not session.submit(":type parse apache | where .nope").ok


def test_type_of_a_builtin_function_is_its_signature_until_a_binding_hides_it(session):
    assert session.submit(":type len").text == "len : len(str | [T]) -> int"
    assert session.submit(":type replace").text == "replace : replace(str, str, str) -> str"
    session.submit("let len = 3")
    assert session.submit(":type len").text == "len : int"


def test_load_replaces_the_sample(session, tmp_path):
    data = tmp_path / "words.txt"
    data.write_text("b a\nc\n")
    assert session.submit(f":load {data}").text == f"sample: 2 lines of {data} (the whole input)"
    assert lines(session.submit("words | map _[0]"))[1:] == ["b", "c"]
    reply = session.submit(f":load {tmp_path / 'missing.log'}")
    assert not reply.ok and "no such file" in reply.text
    assert session.files == [str(data)]


def test_py_shows_the_generated_python(session):
    assert not session.submit(":py").ok  # no pipeline yet
    out = session.submit(":py parse apache | count").text
    assert "def run(src, rt):" in out and "fullmatch" in out
    session.submit("words | take 1")
    assert "def run(src, rt):" in session.submit(":py").text


def test_run_pages_the_whole_input(session):
    session.submit("parse apache | count by .status")
    reply = session.submit(":run")
    assert reply.page is not None
    try:
        text = Path(reply.page).read_text()
    finally:
        os.unlink(reply.page)
    expected = subprocess.run([sl_command(), "parse apache | count by .status", LOG], capture_output=True,
                              text=True, env=ENV).stdout
    assert text == expected
    assert "1 of 10000 input lines rejected" in reply.text


def test_run_into_a_file_picks_the_format_by_extension(session, tmp_path):
    session.submit("parse apache | count by .status")
    out = tmp_path / "status.csv"
    reply = session.submit(f":run > {out}")
    assert reply.text.split("\n")[:2] == [f"run: `parse apache | count by .status` on {LOG}",
                                          f"wrote 9 lines to {out}"]
    assert out.read_text().split("\n")[:2] == ["status,count", "200,9125"]


def test_run_needs_a_pipeline_and_input(tmp_path):
    s = Session([])
    assert not s.submit(":run").ok
    s.submit("map upper(_)")
    reply = s.submit(":run")
    assert not reply.ok and "no input" in reply.text


def test_save_round_trip_gives_the_same_rows(session, tmp_path):
    session.submit("let min_status = 400")
    session.submit("let errors = parse apache | where .status >= min_status")
    session.submit("errors | count by .status, .method")
    shown = session.submit(":run")
    assert shown.page is not None
    rows = Path(shown.page).read_text()
    os.unlink(shown.page)
    script = tmp_path / "errors.sl"
    assert session.submit(f":save {script}").text == \
        f"saved 2 statements and the pipeline `errors | count by .status, .method` to {script}"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env -S sl -f\n")
    assert text.endswith("let min_status = 400\nlet errors = parse apache | where .status >= min_status\n"
                         "errors | count by .status, .method\n")
    proc = subprocess.run([sl_command(), "-f", str(script), LOG], capture_output=True, text=True, env=ENV)
    assert proc.returncode == 0
    assert proc.stdout == rows and rows.count("\n") > 3


def test_quit_live_reset_and_unknown_commands(session):
    assert session.submit(":quit").quit and session.submit(":q").quit
    assert session.submit(":live off").text == "live preview off" and not session.live
    assert session.submit(":live on").text == "live preview on" and session.live
    session.submit("let n = 1")
    session.submit(":reset")
    assert session.statements == [] and session.bindings == {}
    reply = session.submit(":lod x")
    assert not reply.ok and "did you mean `:load`?" in reply.text


# half-typed input ------------------------------------------------------------------------


@pytest.mark.parametrize("text, more", [
    ("parse apache |", True), ("parse apache |>", True), ("select a = (1 +", True), ("map [1,", True),
    ("let x =", True), ("map if .a then", True), ("parse apache", False), ("count by .status", False),
    ('map "|"', False), ("map 1 # |", False), (":load x |", False), ("", False),
])
def test_needs_more(text, more):
    assert needs_more(text) is more


def test_stage_under_the_cursor():
    text = "parse apache | where .status > 400 | count by .path"
    assert upto_stage(text, 3) == ("parse apache", 1, 3)
    assert upto_stage(text, 20) == ("parse apache | where .status > 400", 2, 3)
    assert upto_stage(text, len(text)) == (text, 3, 3)
    assert upto_stage("parse apache | ", 15) == ("parse apache", 1, 1)
    assert upto_stage('map f"{.a | b}" | take 1', 3) == ('map f"{.a | b}"', 1, 2)


def test_field_context():
    ctx = field_context("parse apache | where .st")
    assert ctx is not None and (ctx.program.strip(), ctx.path, ctx.partial) == ("parse apache", (), "st")
    ctx = field_context("let e = parse apache\n  | map .req.pa")
    assert ctx is not None and (ctx.program.strip(), ctx.path, ctx.partial) == ("parse apache", ("req",), "pa")
    assert field_context("map .a") is None  # the first stage sees the raw line
    assert field_context('parse apache | map "a.b') is None
    assert field_context("parse apache | map x.a") is None


# completion ------------------------------------------------------------------------------


def complete(session: Session, text: str, requested: bool = True) -> list[tuple[str, str]]:
    completer = StreamLangCompleter(session)
    found = completer.get_completions(Document(text, len(text)), CompleteEvent(completion_requested=requested))
    return [(c.text, c.display_meta_text) for c in found]


def test_completion_of_fields_after_a_dot(session):
    assert complete(session, "parse apache | where .st") == [("status", "int")]
    fields = [n for n, _ in complete(session, "parse apache | count by .status | where .", requested=False)]
    assert fields == ["status", "count"]
    nested = complete(session, "map {r = {a = 1, b = \"x\"}} | where .r.")
    assert nested == [("a", "int"), ("b", "str")]


def test_completion_of_fields_sees_bindings(session):
    session.submit("let hits = parse apache | select .ip, .path")
    assert [n for n, _ in complete(session, "hits | map .")] == ["ip", "path"]


def test_completion_of_names(session):
    session.submit("let threshold = 500")
    session.submit("let errors = parse apache | where .status >= threshold")
    stages = dict(complete(session, "parse apache | wh"))
    assert stages["where"].startswith("where EXPR")
    assert "errors" in dict(complete(session, "parse apache | err"))
    functions = dict(complete(session, "parse apache | where .status > thr"))
    assert functions == {"threshold": "int"}
    assert dict(complete(session, "parse apache | map low"))["lower"] == "lower(str) -> str"
    assert [n for n, _ in complete(session, "parse ap")] == ["apache"]
    assert "p95" in dict(complete(session, "parse apache | summarize p9"))


def test_completion_of_commands(session, tmp_path):
    assert [n for n, _ in complete(session, ":lo")] == ["load"]
    assert ("where", "stage") in complete(session, ":help whe")
    (tmp_path / "access-2024.log").write_text("")
    assert [n for n, _ in complete(session, f":load {tmp_path}/acc")] == ["ess-2024.log"]


# the live preview -------------------------------------------------------------------------


def test_preview_runs_up_to_the_stage_under_the_cursor(session):
    text = "parse apache | where .status == 404 | count by .path"
    out = lines(session.preview(text, 20, rows=3))
    assert out[0] == "(up to stage 2 of 3)"
    assert out[1].startswith("- : stream<{ip: str")
    whole = lines(session.preview(text, len(text), rows=3))
    assert whole[0] == "- : stream<{path: str?, count: int}>" + ON_SAMPLE
    assert session.statements == [] and session.last_pipeline is None  # nothing kept


def test_preview_of_a_trailing_pipe_shows_what_comes_into_it(session):
    out = lines(session.preview("parse apache | count by .method |", 33, rows=2))
    assert out[0] == "- : stream<{method: str?, count: int}>" + ON_SAMPLE


def test_preview_of_an_error_and_of_a_stage_binding(session):
    err = session.preview("parse apache | where .stauts > 1", 30, rows=2)
    assert err is not None and not err.ok and "did you mean `.status`?" in err.text
    stage = lines(session.preview("let big = parse apache | where (.bytes ?? 0) > 100000", 40, rows=2))
    assert stage[0].startswith("val big : stage<")
    at = next(i for i, line in enumerate(stage) if line.startswith("- : stream<"))
    # The element type takes two lines at 100 columns, broken after a `,`.
    assert stage[at + 1].startswith("    status: int,") and stage[at + 2].startswith("ip ")
    assert session.preview(":help", 5, rows=2) is None


def test_preview_stops_when_cancelled_or_out_of_time(session):
    def superseded():
        raise Cancelled("superseded")
    with pytest.raises(Cancelled):
        session.preview("parse apache | count", 5, rows=2, check=superseded)

    calls = {"n": 0}

    def timeout_after_a_while():
        calls["n"] += 1
        if calls["n"] > 3:
            raise Cancelled("timeout")
    out = session.preview("parse apache | select .status", 5, rows=2, check=timeout_after_a_while).text
    assert "stopped after the first" in out


def test_previewer_debounces_and_shows_only_the_latest():
    seen: list[str] = []
    done = threading.Event()

    def compute(text, cursor, check):
        seen.append(text)
        return Reply(text.upper())

    p = Previewer(compute, done.set, delay=0.05)
    for prefix in ("p", "pa", "par", "parse"):
        p.request(prefix, len(prefix))
    assert done.wait(5)
    assert seen == ["parse"] and p.result is not None and p.result.text == "PARSE"
    p.clear()
    assert p.result is None


def test_previewer_cancels_a_running_preview_on_the_next_keystroke():
    started = threading.Event()
    finished: list[str] = []
    updated = threading.Event()

    def compute(text, cursor, check):
        if text == "slow":
            started.set()
            while True:
                check()  # raises once a newer request comes
                time.sleep(0.01)
        finished.append(text)
        return Reply(text)

    p = Previewer(compute, updated.set, delay=0.01, budget=30)
    p.request("slow", 4)
    assert started.wait(5)
    p.request("fast", 4)
    assert updated.wait(5)
    assert finished == ["fast"] and p.result is not None and p.result.text == "fast"


def test_previewer_gives_up_after_its_budget():
    updated = threading.Event()

    def compute(text, cursor, check):
        while True:
            check()
            time.sleep(0.01)

    p = Previewer(compute, updated.set, delay=0.01, budget=0.1)
    p.request("x", 1)
    assert updated.wait(5)
    assert p.result is not None and "more than 0.1 s" in p.result.text


# the application, through a pipe input and a dummy output ----------------------------------


def run_app(keys: str, session: Session | None = None, history=None, **options) -> tuple[int, list[str], Session]:
    session = session or Session([LOG])
    session.live = options.pop("live", False)
    echoed: list[str] = []
    with create_pipe_input() as pipe:
        top = Toplevel(session, input=pipe, output=DummyOutput(), history=history or InMemoryHistory(),
                       echo=echoed.append, **options)
        pipe.send_text(keys)
        status = top.run()
    return status, echoed, session


def test_app_answers_each_input():
    status, echoed, session = run_app("let n = 3\rparse apache | count by .status\r:quit\r")
    assert status == 0
    assert echoed[0].startswith("StreamLang ")
    assert echoed[1] == "val n : int = 3"
    assert echoed[2].split("\n")[:2] == ["- : stream<{status: int, count: int}>" + ON_SAMPLE, "status  count"]
    assert len(echoed) == 3


def test_app_runs_every_command(tmp_path):
    script = tmp_path / "s.sl"
    keys = "".join(f"{line}\r" for line in [
        ":help", ":help where", ":type 1 + 1", f":load {LOG}", ":sample 50", ":show 3",
        "words | map _[0]", ":py", ":run", f":save {script}", ":live off", ":quit",
    ])
    status, echoed, session = run_app(keys)
    assert status == 0
    answers = echoed[1:]
    assert answers[0].startswith("commands:")
    assert answers[1] == docs.entry("where")
    assert answers[2] == "- : int"
    assert answers[3] == f"sample: 1000 lines of {LOG} (the first 1000 lines)"
    assert answers[4] == f"sample: 50 lines of {LOG} (the first 50 lines)"
    assert answers[5] == "pipelines show their first 3 rows"
    assert answers[6].split("\n") == [f"- : stream<str> · first 50 of {LOG_LINES:,} lines", "83.149.9.216",
                                      "83.149.9.216", "83.149.9.216", "3 of 50 rows (:show N to see more)"]
    assert "def run(src, rt):" in answers[7]
    assert answers[8] == f"run: `words | map _[0]` on {LOG}"
    assert answers[9].count("\n") == 9999  # :run without a terminal: the whole output, echoed
    assert answers[10] == f"saved 0 statements and the pipeline `words | map _[0]` to {script}"
    assert answers[11] == "live preview off"
    assert len(answers) == 12


def test_app_continues_after_a_trailing_pipe_and_inside_brackets():
    status, echoed, _ = run_app("parse apache |\rcount by .status\rselect x = (1\r+ 2)\r:quit\r")
    assert echoed[1].split("\n")[0] == "- : stream<{status: int, count: int}>" + ON_SAMPLE
    assert echoed[2].split("\n")[0] == "- : stream<{x: int}>" + ON_SAMPLE


def test_app_shows_errors_and_goes_on():
    status, echoed, session = run_app("parse apache | where .stauts > 1\rlet ok = 1\r:quit\r")
    error = echoed[1].split("\n")
    assert error[0].startswith("<input>:1:22: error: no field `stauts`")
    assert error[3] == "  |                      ^^^^^^^"
    assert error[4] == "  = hint: did you mean `.status`?"
    assert echoed[2] == "val ok : int = 1"


def test_ctrl_c_cancels_the_input_and_ctrl_d_leaves():
    status, echoed, session = run_app("let x = 1\x03let y = 2\r\x04")
    assert status == 0
    assert echoed[1:] == ["val y : int = 2"]
    assert "x" not in session.bindings


def test_ctrl_c_interrupts_a_running_pipeline(monkeypatch):
    session = Session([LOG])
    real = session.submit

    def interrupted_once(text):
        # SIGINT arrives as KeyboardInterrupt in the main thread, wherever the pipeline is.
        if text.startswith("parse"):
            raise KeyboardInterrupt
        return real(text)
    monkeypatch.setattr(session, "submit", interrupted_once)
    status, echoed, _ = run_app("parse apache | count\rlet n = 1\r:quit\r", session=session)
    assert echoed[1:] == ["interrupted", "val n : int = 1"]


def test_ctrl_c_stops_run_over_an_endless_input_and_keeps_the_session(tmp_path):
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)
    stop = threading.Event()

    def writer():
        while not stop.is_set():  # each reader (the sample, then :run) gets its own endless stream
            with contextlib.suppress(OSError), open(fifo, "w") as f:
                while not stop.is_set():
                    f.write("GET /x\n" * 1000)

    threading.Thread(target=writer, daemon=True).start()
    session = Session([str(fifo)])
    try:
        assert lines(session.submit("words | count"))[1] == "1000"
        timer = threading.Timer(0.5, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT))
        timer.start()
        reply = session.submit(f":run > {tmp_path / 'out.txt'}")
        timer.join()
    finally:
        stop.set()
    assert reply.text.split("\n")[0].startswith("run: `words | count` on ")
    assert reply.text.split("\n")[1].startswith("wrote ")
    assert "interrupted after" in reply.text
    assert session.submit("let n = 1").text == "val n : int = 1"


def test_history_is_kept_across_sessions(tmp_path):
    path = tmp_path / "state" / "history"
    path.parent.mkdir()
    run_app("let n = 41\r:quit\r", history=FileHistory(str(path)))
    assert "+let n = 41" in path.read_text()
    # A new session: Up twice recalls `let n = 41` (the last entry is `:quit`).
    status, echoed, _ = run_app("\x1b[A\x1b[A\r:quit\r", history=FileHistory(str(path)))
    assert echoed[1] == "val n : int = 41"


def test_history_lives_in_the_xdg_state_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert history_path() == str(tmp_path / "streamlang" / "history")
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert history_path() == str(tmp_path / ".local" / "state" / "streamlang" / "history")


def test_app_live_preview_fills_the_pane():
    session = Session([LOG])
    echoed: list[str] = []
    with create_pipe_input() as pipe:
        top = Toplevel(session, input=pipe, output=DummyOutput(), history=InMemoryHistory(),
                       echo=echoed.append, preview_delay=0.01)
        ready = threading.Event()
        original = top._preview_ready

        def shown():
            original()
            ready.set()
        top.previewer.on_update = shown

        def type_then_quit():
            pipe.send_text("parse apache | count by .method")
            deadline = time.monotonic() + 10
            while True:  # the keys arrive one by one: wait for the preview of the whole input
                ready.wait(1)
                ready.clear()
                pane = top._pane()
                text = pane.value if hasattr(pane, "value") else pane
                if "method  count" in text or time.monotonic() > deadline:
                    break
            panes.append(text)
            pipe.send_text("\x03:quit\r")

        panes: list[str] = []
        threading.Thread(target=type_then_quit, daemon=True).start()
        top.run()
    assert panes and "- : stream<{method: str?, count: int}>" in panes[0]
    assert "method  count" in panes[0]


# start-up ------------------------------------------------------------------------------------


def test_one_liners_never_import_prompt_toolkit():
    code = ("import sys; from streamlang.cli import _main; _main(['--check', 'parse apache | count']); "
            "print('prompt_toolkit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert out.stdout.strip() == "False"


def test_sl_i_reading_a_pipe_answers_each_input_without_a_prompt():
    proc = subprocess.run([sl_command(), "-i", LOG], input="let n = 3\nparse apache |\n  take n | count\n",
                          capture_output=True, text=True, env={**ENV, "HOME": "/nonexistent"}, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"val n : int = 3\n- : stream<int>{ON_SAMPLE}\n3\n", "")
    proc = subprocess.run([sl_command(), "-i", LOG], input="parse apache | where .stauts > 1\n",
                          capture_output=True, text=True, env=ENV, timeout=60)
    assert proc.returncode == 1 and "did you mean `.status`?" in proc.stdout
