"""The chart writers' drawing: golden text at fixed widths, and no line ever wider than the width."""
from __future__ import annotations

import doctest
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streamlang.runtime import charts
from streamlang.runtime.charts import (
    EIGHTHS,
    bar_chart,
    display_width,
    histogram,
    shorten,
    sparkline,
    terminal_width,
)

from .conftest import ROOT

IST = timezone(timedelta(hours=5, minutes=30))
CEST = timezone(timedelta(hours=2))


def at(*fields: int, tz: timezone = UTC) -> datetime:
    return datetime(*fields, tzinfo=tz)


def draw(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


# --- bar_chart: goldens -------------------------------------------------------

STATUSES = [("200", 9126), ("304", 445), ("404", 213), ("500", 3)]


def test_empty_input_draws_nothing():
    assert bar_chart([], 40) == []
    assert bar_chart([], 40, ascii=True) == []


def test_one_row_fills_the_width():
    assert bar_chart([("200", 9126)], 30) == ["200 █████████████████████ 9126"]
    assert bar_chart([("200", 9126)], 30, ascii=True) == ["200 ##################### 9126"]


def test_rows_in_the_order_given_scaled_to_the_largest():
    assert draw(bar_chart(STATUSES, 40)) == (
        "200 ███████████████████████████████ 9126\n"
        "304 █▌ 445\n"
        "404 ▊ 213\n"
        "500 ▏ 3\n"
    )


def test_ascii_bars_are_whole_cells_of_hashes():
    assert draw(bar_chart(STATUSES, 40, ascii=True)) == (
        "200 ############################### 9126\n"
        "304 ## 445\n"
        "404 # 213\n"
        "500 # 3\n"
    )


def test_eighth_block_resolution():
    rows = [(chr(ord("a") + i), i + 1) for i in range(8)]
    assert draw(bar_chart(rows, 13)) == (
        "a █▏ 1\n"
        "b ██▎ 2\n"
        "c ███▍ 3\n"
        "d ████▌ 4\n"
        "e █████▋ 5\n"
        "f ██████▊ 6\n"
        "g ███████▉ 7\n"
        "h █████████ 8\n"
    )


def test_zero_and_null_get_no_bar_and_null_no_value():
    assert draw(bar_chart([("up", 4), ("zero", 0), ("null", None), ("float", 0.5)], 24)) == (
        "up    ██████████████ 4\n"
        "zero   0\n"
        "null\n"
        "float █▊ 0.5\n"
    )
    assert draw(bar_chart([("zero", 0), ("also", 0)], 20)) == "zero  0\nalso  0\n"
    assert draw(bar_chart([("a", None), ("b", None)], 20)) == "a\nb\n"


def test_negative_values_grow_left_of_a_zero_axis():
    rows = [("profit", 12.5), ("loss", -7), ("flat", 0), ("dust", -0.01), ("n/a", None)]
    assert draw(bar_chart(rows, 40)) == (
        "profit          │████████████████▏ 12.5\n"
        "loss   █████████│ -7\n"
        "flat            │ 0\n"
        "dust           ▐│ -0.01\n"
        "n/a             │\n"
    )
    assert draw(bar_chart(rows, 40, ascii=True)) == (
        "profit          |################ 12.5\n"
        "loss   #########| -7\n"
        "flat            | 0\n"
        "dust           #| -0.01\n"
        "n/a             |\n"
    )


def test_only_negative_values():
    assert draw(bar_chart([("a", -1), ("b", -8), ("c", -2.5)], 30)) == (
        "a                    ███│ -1\n"
        "b ██████████████████████│ -8\n"
        "c                ███████│ -2.5\n"
    )


def test_values_are_written_as_plain_output_writes_them():
    assert draw(bar_chart([("int", 10**20), ("float", 1e16), ("small", 2.5e-7)], 44)) == (
        "int   ████████████████ 100000000000000000000\n"
        "float ▏ 1e+16\n"
        "small ▏ 2.5e-07\n"
    )


def test_a_non_finite_float_is_written_but_not_drawn():
    assert draw(bar_chart([("a", 2), ("nan", float("nan")), ("inf", float("inf"))], 16)) == (
        "a   ████████ 2\n"
        "nan  nan\n"
        "inf  inf\n"
    )


def test_long_labels_are_shortened_to_two_fifths_of_the_width():
    rows = [("/presentations/logstash-puppetconf-2012/images/office-space-printer-beat-down-gif.gif", 32),
            ("/wp-login.php", 6)]
    assert draw(bar_chart(rows, 50)) == (
        "/presentations/logs… ██████████████████████████ 32\n"
        "/wp-login.php        ████▉ 6\n"
    )


def test_wide_and_combining_characters_are_measured_in_cells():
    rows = [("東京", 120), ("Zürich", 80), ("🚀 launch", 5), ("e\u0301te\u0301", 40)]
    assert draw(bar_chart(rows, 30)) == (
        "東京      ████████████████ 120\n"
        "Zürich    ██████████▋ 80\n"
        "🚀 launch ▋ 5\n"
        "e\u0301te\u0301       █████▍ 40\n"
    )


def test_a_wide_label_is_shortened_on_a_cell_boundary():
    # 東京都千代 is 10 cells and `…` one; a wide character never straddles the edge.
    assert draw(bar_chart([("東京都千代田区丸の内一丁目", 120), ("Zürich", 80)], 30)) == (
        "東京都千代…  █████████████ 120\n"
        "Zürich       ████████▋ 80\n"
    )


def test_control_characters_in_labels_cannot_break_lines_or_reach_the_terminal():
    assert draw(bar_chart([("tab\there", 1), ("new\nline", 2), ("\x1b[31mred", 3)], 30)) == (
        "tab here ██████▍ 1\n"
        "new\ufffdline ████████████▋ 2\n"
        "\ufffd[31mred ███████████████████ 3\n"
    )


def test_empty_labels_leave_no_label_column():
    assert bar_chart([("", 5), ("", 2)], 10) == ["████████ 5", "███▎ 2"]


def test_too_narrow_for_a_bar_still_fits():
    assert bar_chart([("status", 12345)], 8) == ["…  12345"]
    assert bar_chart([("a", 1)], 0) == [""]
    assert bar_chart([("ab", 10**30)], 10) == ["…  100000…"]


# --- histogram ------------------------------------------------------------------

HOURLY = [at(2015, 5, 17, 10, 5), at(2015, 5, 17, 10, 59, 59), at(2015, 5, 17, 13, 0), at(2015, 5, 17, 12, 30)]


def test_histogram_counts_per_bucket_with_gaps_as_zeros():
    assert draw(histogram(HOURLY, timedelta(hours=1), 40)) == (
        "2015-05-17 10:00 █████████████████████ 2\n"
        "2015-05-17 11:00  0\n"
        "2015-05-17 12:00 ██████████▌ 1\n"
        "2015-05-17 13:00 ██████████▌ 1\n"
    )
    assert draw(histogram(HOURLY, timedelta(hours=1), 40, ascii=True)) == (
        "2015-05-17 10:00 ##################### 2\n"
        "2015-05-17 11:00  0\n"
        "2015-05-17 12:00 ########### 1\n"
        "2015-05-17 13:00 ########### 1\n"
    )


def test_histogram_of_nothing_is_nothing():
    assert histogram([], timedelta(hours=1), 40) == []


def test_histogram_of_one_time():
    assert histogram([at(2015, 5, 17, 10, 7, 3)], timedelta(minutes=5), 30) == ["2015-05-17 10:05 ███████████ 1"]


def test_day_buckets_are_labelled_with_the_date():
    assert draw(histogram([at(2015, 5, 17, 23, 5), at(2015, 5, 19, 1)], timedelta(days=1), 30)) == (
        "2015-05-17 █████████████████ 1\n"
        "2015-05-18  0\n"
        "2015-05-19 █████████████████ 1\n"
    )


def test_buckets_under_a_minute_are_labelled_with_seconds():
    times = [at(2015, 5, 17, 10, 0, 3), at(2015, 5, 17, 10, 0, 4), at(2015, 5, 17, 10, 0, 27)]
    assert draw(histogram(times, timedelta(seconds=10), 40)) == (
        "2015-05-17 10:00:00 ██████████████████ 2\n"
        "2015-05-17 10:00:10  0\n"
        "2015-05-17 10:00:20 █████████ 1\n"
    )


def test_labels_show_seconds_or_milliseconds_when_bucket_starts_need_them():
    assert draw(histogram([at(2015, 5, 17, 10, 0), at(2015, 5, 17, 10, 1, 31)], timedelta(seconds=90), 40)) == (
        "2015-05-17 10:00:00 ██████████████████ 1\n"
        "2015-05-17 10:01:30 ██████████████████ 1\n"
    )
    times = [at(2015, 5, 17, 10, 0, 0, 250000), at(2015, 5, 17, 10, 0, 0, 900000)]
    assert draw(histogram(times, timedelta(milliseconds=500), 40)) == (
        "2015-05-17 10:00:00.000 ██████████████ 1\n"
        "2015-05-17 10:00:00.500 ██████████████ 1\n"
    )


def test_buckets_count_in_the_first_times_offset():
    # 10:05+05:30 and 04:40Z (10:10+05:30) are both in the hour from 10:00+05:30,
    # where `bucket(t, 1h)` puts the first too.
    assert histogram([at(2015, 5, 17, 10, 5, tz=IST), at(2015, 5, 17, 4, 40)], timedelta(hours=1), 30) == [
        "2015-05-17 10:00 ███████████ 2"]
    # A day bucket starts at midnight in that offset, as date() counts days.
    assert histogram([at(2015, 5, 17, 10, tz=CEST)], timedelta(days=1), 30) == ["2015-05-17 █████████████████ 1"]


def test_naive_times_count_as_utc():
    assert histogram([datetime(2015, 5, 17, 10, 5), at(2015, 5, 17, 10, 7)], timedelta(minutes=5), 30) == [
        "2015-05-17 10:05 ███████████ 2"]


def test_a_bucket_must_be_positive():
    with pytest.raises(ValueError, match="must be positive"):
        histogram(HOURLY, timedelta(0), 40)


def apache_times() -> list[datetime]:
    stamp = re.compile(r"\[([^]]+)\]")
    with open(ROOT / "examples" / "data" / "access.log", encoding="utf-8", errors="replace") as log:
        return [datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S %z") for line in log
                if (m := stamp.search(line))]


def test_histogram_of_the_bundled_log():
    times = apache_times()
    assert draw(histogram(times, timedelta(days=1), 60)) == (
        "2015-05-17 ████████████████████████▊ 1632\n"
        "2015-05-18 ████████████████████████████████████████████ 2893\n"
        "2015-05-19 ████████████████████████████████████████████ 2896\n"
        "2015-05-20 ███████████████████████████████████████▏ 2579\n"
    )
    assert draw(histogram(times, timedelta(hours=6), 40, ascii=True)) == (
        "2015-05-17 06:00 ##### 185\n"
        "2015-05-17 12:00 ################### 727\n"
        "2015-05-17 18:00 ################## 720\n"
        "2015-05-18 00:00 ################## 713\n"
        "2015-05-18 06:00 ################### 730\n"
        "2015-05-18 12:00 ################### 740\n"
        "2015-05-18 18:00 ################## 710\n"
        "2015-05-19 00:00 ################## 724\n"
        "2015-05-19 06:00 ################## 715\n"
        "2015-05-19 12:00 ################## 711\n"
        "2015-05-19 18:00 ################### 746\n"
        "2015-05-20 00:00 ################### 729\n"
        "2015-05-20 06:00 ################## 704\n"
        "2015-05-20 12:00 ################## 710\n"
        "2015-05-20 18:00 ########### 436\n"
    )


# --- sparkline ----------------------------------------------------------------------


def test_sparkline_heights_from_zero_to_the_largest():
    assert sparkline([0, 1, 4, 8, None, 2]) == "▁▂▄█ ▂"
    assert sparkline(list(range(17))) == "▁▂▂▂▂▃▃▄▄▅▅▆▆▇▇██"
    assert sparkline([]) == ""
    assert sparkline([3]) == "█"
    assert sparkline([0, 0, 0]) == "▁▁▁"
    assert sparkline([None, None]) == "  "


def test_sparkline_ascii():
    assert sparkline([0, 1, 4, 8, None, 2], ascii=True) == " .=# :"
    assert sparkline(list(range(15)), ascii=True) == " ..::--==++**##"


def test_sparkline_negative_values_start_the_scale():
    assert sparkline([-4, -2, 0, 2, 4]) == "▁▂▄▆█"
    assert sparkline([-4, -2, 0, 2, 4], ascii=True) == " :=+#"


def test_sparkline_non_finite_floats_are_blanks():
    assert sparkline([5, None, float("nan"), float("inf"), 1]) == "█   ▂"


# --- terminal_width ------------------------------------------------------------------


def test_terminal_width_respects_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "123")
    assert terminal_width() == 123


def test_terminal_width_falls_back_when_stdout_is_not_a_terminal(monkeypatch):
    def no_terminal(fd: int = 1) -> None:
        raise OSError("not a terminal")

    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(charts.shutil.os, "get_terminal_size", no_terminal)
    assert terminal_width() == 80
    assert terminal_width(100) == 100


# --- helpers ----------------------------------------------------------------------------


def test_the_examples_in_the_docstrings_hold():
    assert doctest.testmod(charts).failed == 0


def test_display_width_and_shorten():
    assert display_width("ab") == 2
    assert display_width("日本") == 4
    assert display_width("e\u0301") == 1
    assert display_width("\u2764\ufe0f") == 2  # the emoji presentation of ❤ is two cells
    assert shorten("abcdef", 4) == "abc…"
    assert shorten("abcd", 4) == "abcd"
    assert shorten("日本語", 4) == "日…"
    assert shorten("abc", 0) == ""


# --- properties ----------------------------------------------------------------------------

# Labels from anywhere in Unicode, with the characters that are hard to measure made common:
# wide, combining, zero-width, emoji selectors, controls and undecodable input bytes.
tricky = st.sampled_from(["日", "ｱ", "\u0301", "\u200d", "\ufe0f", "\u2764", "🚀", "\t", "\n", "\x1b",
                          "\udc80", "\u1160", "\u00ad", "…", "a"])
labels = st.lists(st.one_of(st.characters(), tricky), max_size=40).map("".join)
numbers = st.one_of(st.none(), st.integers(), st.integers(-10**40, 10**40), st.floats())
widths = st.integers(0, 160)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(labels, numbers), max_size=12), widths, st.booleans())
def test_no_chart_line_is_ever_wider_than_the_width(rows, width, ascii):
    lines = bar_chart(rows, width, ascii)
    assert len(lines) == len(rows)
    for line in lines:
        assert display_width(line) <= width
        assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in line)


def bar_eighths(line: str) -> int:
    bar = line.split(" ")[1]
    return 8 * bar.count("█") + next((i for i, e in enumerate(EIGHTHS) if e and e in bar), 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=20), st.integers(20, 120))
def test_longer_bars_for_larger_values_and_the_largest_fills_the_room(values, width):
    lines = bar_chart([("x", v) for v in values], width)
    drawn = [bar_eighths(line) for line in lines]
    by_value = [d for _, d in sorted(zip(values, drawn))]
    assert by_value == sorted(by_value)
    assert all((d == 0) == (v == 0) for v, d in zip(values, drawn))
    if max(values) > 0:
        room = width - 2 - 1 - len(str(max(values)))
        assert max(drawn) == 8 * room
        # Each bar is within half an eighth of its exact length (or the thinnest bar, for tiny values).
        for v, d in zip(values, drawn):
            assert abs(d - Fraction(v * 8 * room, max(values))) <= Fraction(1, 2) or d == 1


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
       st.lists(st.tuples(st.floats(0, 200), st.sampled_from([UTC, IST, CEST])), max_size=30),
       st.sampled_from([timedelta(milliseconds=250), timedelta(seconds=1), timedelta(minutes=5),
                        timedelta(hours=1), timedelta(days=1), timedelta(weeks=1)]), widths)
def test_histogram_counts_every_time_once(start, offsets, size, width):
    times = [(start.replace(tzinfo=UTC) + size * k).astimezone(tz) for k, tz in offsets]
    lines = histogram(times, size, width)
    assert all(display_width(line) <= width for line in lines)
    assert sum(int(line.rsplit(" ", 1)[1]) for line in histogram(times, size, 60)) == len(times)
    if times:
        first, last = min(times), max(times)
        origin = charts._EPOCH - times[0].utcoffset()  # counted in the first time's offset
        assert len(lines) == (last - origin) // size - (first - origin) // size + 1


@settings(max_examples=200, deadline=None)
@given(st.lists(numbers, max_size=30), st.booleans())
def test_sparkline_has_one_character_per_value(values, ascii):
    line = sparkline(values, ascii)
    assert len(line) == len(values)
    assert set(line) <= set(charts.ASCII_SPARKS if ascii else charts.SPARKS + " ")


def test_hour_buckets_start_at_the_hour_of_the_times_own_offset():
    # As bucket(t, 1h) does: with +03:30, 03:40 and 04:10 fall in the hours starting 03:00 and 04:00.
    tehran = timezone(timedelta(hours=3, minutes=30))
    times = [datetime(2015, 5, 17, 3, 40, tzinfo=tehran), datetime(2015, 5, 17, 4, 10, tzinfo=tehran)]
    assert [line.split(" ")[1] for line in histogram(times, timedelta(hours=1), 30)] == ["03:00", "04:00"]
