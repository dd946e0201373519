"""The toplevel against what a utop user expects (issue 16): answers on the sample
say so, Ctrl-R then Enter runs the match, the preview is honest, `:run`/`:save`
say what they act on, `:use`, `:help` of a binding, `:show` of a record.
Driven as in test_toplevel.py: the session's answers, and the prompt_toolkit
application through a pipe input with a dummy output."""
from __future__ import annotations

import threading

from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from streamlang.toplevel.repl import Toplevel
from streamlang.toplevel.session import Reply, Session

from .conftest import ROOT

LOG = str(ROOT / "examples" / "data" / "access.log")
with open(LOG, "rb") as _f:
    LOG_LINES = sum(1 for _ in _f)
ON_SAMPLE = f" · first 1,000 of {LOG_LINES:,} lines"


def lines(reply: Reply | None) -> list[str]:
    assert reply is not None
    return reply.text.split("\n")


def run_app(keys: str, session: Session | None = None, history: InMemoryHistory | None = None) -> list[str]:
    session = session or Session([LOG])
    session.live = False
    echoed: list[str] = []
    with create_pipe_input() as pipe:
        top = Toplevel(session, input=pipe, output=DummyOutput(), history=history or InMemoryHistory(),
                       echo=echoed.append)
        pipe.send_text(keys)
        # A toplevel stuck in a mode (a search that never ends) would wait for keys for ever:
        # end the input after a while, and see the answers it gave.
        timer = threading.Timer(20, pipe.close)
        timer.start()
        try:
            top.run()
        finally:
            timer.cancel()
    return echoed[1:]  # after the banner


# 7: Ctrl-R ---------------------------------------------------------------------------------


def test_enter_after_a_reverse_search_runs_the_match():
    history = InMemoryHistory()
    for entry in ["let n = 41", "let m = 2"]:
        history.append_string(entry)
    # Ctrl-R, part of an older entry, Enter: the match is taken and run, as readline does.
    answers = run_app("\x12n = 4\r:quit\r", history=history)
    assert answers == ["val n : int = 41"]


# 6: answers on the sample say so -------------------------------------------------------------


def statuses(lines_of_log: list[str]) -> set[int]:
    """The status of each apache line (its 9th word), the lines that have one."""
    out = set()
    for line in lines_of_log:
        words = line.split()
        if len(words) > 8 and words[8].isdigit():
            out.add(int(words[8]))
    return out


def test_an_answer_on_the_sample_says_which_lines_it_was_computed_on():
    session = Session([LOG])
    assert lines(session.submit("parse apache | count")) == ["- : stream<int>" + ON_SAMPLE, "1000"]
    assert lines(session.submit("1 + 1")) == ["- : int = 2"]  # a value reads no input: no label


def test_a_sample_that_is_the_whole_input_says_so(tmp_path):
    small = tmp_path / "small.log"
    small.write_text("a b\nc d\ne")  # the last line has no newline: it is a line all the same
    session = Session([str(small)])
    assert lines(session.submit("words | count")) == ["- : stream<int> · all 3 lines", "3"]


def test_without_input_an_answer_says_there_is_no_sample_instead_of_zero():
    session = Session([])
    assert lines(session.submit("parse apache | count")) == [
        "- : stream<int> · no sample", "there is no input yet: :load FILE (or start with sl -i FILE)"]


def test_no_rows_on_the_sample_is_not_no_rows_at_all(tmp_path):
    with open(LOG, encoding="utf-8", errors="replace") as f:
        log = f.read().split("\n")
    late = min(statuses(log) - statuses(log[:1000]))  # a status first seen after the sample
    session = Session([LOG])
    out = lines(session.submit(f"parse apache | where .status == {late} | map .status"))
    assert out[0] == "- : stream<int>" + ON_SAMPLE
    assert out[1:] == [f"no rows in the first 1,000 of {LOG_LINES:,} lines; :run runs it on all of them"]
    target = tmp_path / "late.txt"
    reply = session.submit(f":run > {target}")
    expected = sum(1 for line in log if line.split()[8:9] == [str(late)])
    assert target.read_text() == f"{late}\n" * expected and expected > 0, reply.text


def test_the_app_labels_its_answers():
    answers = run_app("parse apache | count\r:quit\r")
    assert answers == ["- : stream<int>" + ON_SAMPLE + "\n1000"]


# 9: an honest preview ---------------------------------------------------------------------------


def test_preview_of_a_record_stage_binding_is_its_type_not_an_error():
    session = Session([LOG])
    reply = session.preview("let errors = where .status >= 500", 33, rows=3)
    assert reply is not None and reply.ok
    assert lines(reply) == ["val errors : stage<{status: int, ..}, {status: int, ..}>"]


def test_preview_of_a_half_typed_stage_shows_what_comes_into_it():
    session = Session([LOG])
    whole = lines(session.preview("parse apache | count by .method", 31, rows=2))
    for half in ["parse apache | count by .method | where .", "parse apache | count by .method | count by",
                 "parse apache | count by .method | where .count >"]:
        reply = session.preview(half, len(half), rows=2)
        assert reply is not None and reply.ok, reply
        assert lines(reply) == ["(what comes into stage 3)", *whole]
    first = session.preview("where .", 7, rows=2)
    assert first is not None and first.ok and lines(first) == ["(the stage is not finished yet)"]


def test_a_preview_is_marked_stale_while_the_next_one_computes():
    from streamlang.toplevel.preview import Previewer

    release = threading.Event()
    done = threading.Event()

    def compute(text, cursor, check):
        if text == "second":
            release.wait(10)
        return Reply(text)

    previewer = Previewer(compute, done.set, delay=0)
    previewer.request("first", 5)
    assert done.wait(10) and previewer.result is not None and previewer.result.text == "first"
    assert not previewer.stale
    done.clear()
    previewer.request("second", 6)
    assert previewer.stale and previewer.result.text == "first"  # still shown, marked as old
    release.set()
    assert done.wait(10)
    assert previewer.result.text == "second" and not previewer.stale


def test_the_pane_says_when_it_shows_an_older_preview():
    session = Session([LOG])
    with create_pipe_input() as pipe:
        top = Toplevel(session, input=pipe, output=DummyOutput(), history=InMemoryHistory(), echo=lambda s: None)
        top.previewer.result = Reply("- : int = 1")
        top.previewer.stale = True
        stale = top._pane()
        top.previewer.stale = False
        fresh = top._pane()
    assert getattr(stale, "value", stale).split("\n")[0].startswith("── preview · updating… ──")
    assert getattr(fresh, "value", fresh).split("\n")[0].startswith("── preview ──")


# 10: :run and :save after a failed input ------------------------------------------------------------


def test_run_after_a_failed_input_refuses_and_names_both_pipelines(tmp_path):
    session = Session([LOG])
    session.submit("parse apache | count by .method")
    assert not session.submit("parse apache | count by .stauts").ok
    target = tmp_path / "out.txt"
    reply = session.submit(f":run > {target}")
    assert not reply.ok and not target.exists()
    assert lines(reply) == [
        "error: the last input failed: `parse apache | count by .stauts`",
        ":run runs the last pipeline that worked, `parse apache | count by .method`; fix the input, "
        "or enter that pipeline again (Up), then :run"]
    session.submit("parse apache | count by .method")  # entered again: :run runs it
    reply = session.submit(f":run > {target}")
    assert reply.ok and lines(reply)[:2] == [f"run: `parse apache | count by .method` on {LOG}",
                                             f"wrote 4 lines to {target}"]


def test_save_after_a_failed_input_warns_that_it_is_not_saved(tmp_path):
    session = Session([LOG])
    session.submit("let n = 3")
    session.submit("parse apache | take n")
    session.submit("parse apache | take m")
    script = tmp_path / "s.sl"
    reply = session.submit(f":save {script}")
    assert lines(reply) == [f"saved 1 statement and the pipeline `parse apache | take n` to {script}",
                            "warning: the last input failed, so it is not in it: `parse apache | take m`"]
    assert script.read_text().split("\n")[2:] == ["let n = 3", "parse apache | take n", ""]


def test_the_app_echoes_what_run_runs_and_refuses_after_a_failure():
    answers = run_app("parse apache | count by .method\rparse apache | count by .stauts\r:run\r"
                      "parse apache | count by .method\r:run\r:quit\r")
    assert answers[2].startswith("error: the last input failed: `parse apache | count by .stauts`\n")
    assert answers[3].startswith("- : stream<{method: str?, count: int}>")  # entered again
    assert answers[4] == f"run: `parse apache | count by .method` on {LOG}"
    assert [r.split() for r in answers[5].split("\n")[:4]] == [
        ["GET", "9951"], ["HEAD", "42"], ["POST", "5"], ["OPTIONS", "1"]]


# 11: utop parity ---------------------------------------------------------------------------------


def test_use_runs_a_saved_script_and_keeps_its_bindings(tmp_path):
    first = Session([LOG])
    first.submit("let lost = where .status == 404")
    first.submit("parse apache | lost | count")
    script = tmp_path / "lost.sl"
    first.submit(f":save {script}")
    session = Session([LOG])
    reply = session.submit(f":use {script}")
    assert reply.ok and lines(reply) == ["val lost : stage<{status: int, ..}, {status: int, ..}>",
                                         "- : stream<int>" + ON_SAMPLE, "17"]
    with open(LOG, encoding="utf-8", errors="replace") as f:
        in_sample = sum(1 for line in f.read().split("\n")[:1000] if line.split()[8:9] == ["404"])
    assert in_sample == 17
    assert session.bindings["lost"] == "stage<{status: int, ..}, {status: int, ..}>"
    assert session.last_pipeline == "parse apache | lost | count"


def test_use_reports_errors_in_the_file_by_its_name(tmp_path):
    script = tmp_path / "bad.sl"
    script.write_text("#!/usr/bin/env -S sl -f\nlet n = 1\nparse apache | where .stauts > n\n")
    session = Session([LOG])
    reply = session.submit(f":use {script}")
    assert not reply.ok and lines(reply)[0] == f"{script}:3:22: error: no field `stauts` in the element"
    assert session.bindings == {}  # a file that fails binds nothing, as an input that fails
    missing = session.submit(f":use {tmp_path / 'nope.sl'}")
    assert (missing.ok, missing.text) == (False, f"error: cannot read {tmp_path / 'nope.sl'}: No such file or directory")


def test_load_of_a_script_points_to_use(tmp_path):
    script = tmp_path / "s.sl"
    script.write_text("parse apache | count\n")
    assert lines(Session([LOG]).submit(f":load {script}"))[-1] == \
        "(a script taken as sample data: :use FILE runs it here)"


def test_help_of_a_users_binding_shows_its_type_and_definition():
    session = Session([LOG])
    session.submit("let kb x = x / 1024")
    session.submit("let upper = 3")
    assert lines(session.submit(":help kb")) == ["kb : int -> float   (your function)", "    let kb x = x / 1024"]
    assert lines(session.submit(":help upper")) == [
        "upper : int   (your value)", "    let upper = 3",
        "(it hides the built-in `upper`: :reset to see that one)"]


def test_a_wrong_argument_is_reported_at_the_argument_with_the_functions_type():
    session = Session([LOG])
    session.submit("let kb x = x / 1024")
    reply = session.submit('kb("x")')
    assert not reply.ok and lines(reply) == [
        "<input>:1:4: error: `kb` takes int for `x`, but this argument is str",
        "  |",
        '1 | kb("x")',
        "  |    ^^^",
        "  = hint: kb : int -> float"]


def test_show_row_is_a_record_one_field_a_line():
    session = Session([LOG])
    session.submit("parse apache | take 2 | select .ip, .method, .status")
    with open(LOG, encoding="utf-8") as f:
        second = f.readlines()[1].split()
    want = [f"ip      {second[0]}", f"method  {second[5].strip(chr(34))}", f"status  {second[8]}"]
    assert lines(session.submit(":show row 2")) == ["row 2 of `parse apache | take 2 | select .ip, .method, .status`",
                                                    *want]
    assert lines(session.submit(":show"))[0] == "row 1 of `parse apache | take 2 | select .ip, .method, .status`"
    assert not session.submit(":show row 3").ok


def test_a_table_that_would_cut_every_column_is_shown_as_records():
    session = Session([LOG], width=30)
    out = lines(session.submit("parse apache | take 1 | select .ip, .path, .agent"))
    with open(LOG, encoding="utf-8") as f:
        first = f.readline()
    path = first.split()[6]
    assert out[out.index("-- row 1") + 1:out.index("-- row 1") + 3] == [
        "ip     " + first.split()[0], ("path   " + path)[:29] + "…"]


# 8: laid out when drawn ---------------------------------------------------------------------------


def test_an_answer_is_laid_out_again_for_another_width():
    session = Session([LOG], width=120)
    reply = session.preview("parse apache | take 2", 21, rows=2)
    assert reply is not None
    for width in (120, 60, 40):
        shown = reply.at_width(width).split("\n")
        assert all(len(line) <= width for line in shown), (width, shown)
    narrow = reply.at_width(60).split("\n")
    # The element type breaks after a comma, never inside a field's name or type.
    typed = narrow[:next(i for i, line in enumerate(narrow) if line.startswith("ip "))]
    assert typed[0].startswith("- : stream<{ip: str, ")
    assert all(line.rstrip().endswith(",") for line in typed[:-1])
    assert typed[-1].endswith("}>" + ON_SAMPLE)
    at_40 = reply.at_width(40).split("\n")
    label = at_40.index("    " + ON_SAMPLE.strip())  # no room after the type at 40: a line of its own
    assert at_40[label - 1].endswith("}>")
    fields = " ".join(line.strip() for line in typed).removeprefix("- : stream<{").split("}>")[0]
    assert fields.split(", ")[:3] == ["ip: str", "ident: str?", "user: str?"]
