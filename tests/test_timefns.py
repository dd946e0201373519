import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamlang.runtime import timefns
from streamlang.runtime.timefns import (
    bucket,
    date,
    format_duration,
    format_time,
    hour,
    now,
    parse_apache_time,
    parse_duration,
    parse_time,
    strftime,
    strptime,
    time_from_number,
    today,
    weekday,
)
from streamlang.runtime.values import literal

IST = timezone(timedelta(hours=5, minutes=30))
MST = timezone(timedelta(hours=-7))
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Whole-minute offsets, as ISO 8601 and apache can write them.
offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))


def at(*fields: int, tz: timezone = UTC) -> datetime:
    return datetime(*fields, tzinfo=tz)


# --- parse_apache_time ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17/May/2015:10:05:03 +0000", "2015-05-17T10:05:03+00:00"),
        ("17/May/2015:10:05:03 +0530", "2015-05-17T10:05:03+05:30"),
        ("01/Jan/2000:00:00:00 -0700", "2000-01-01T00:00:00-07:00"),
        ("29/Feb/2016:23:59:59 +0000", "2016-02-29T23:59:59+00:00"),
        ("31/Dec/1999:23:59:59 -0000", "1999-12-31T23:59:59+00:00"),
        ("17/may/2015:10:05:03 +0000", "2015-05-17T10:05:03+00:00"),
    ],
)
def test_parse_apache_time(text: str, expected: str) -> None:
    assert parse_apache_time(text).isoformat() == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "17/May/2015:10:05:03",
        "17/May/2015:10:05:03 +0000]",
        "[17/May/2015:10:05:03 +0000",
        "7/May/2015:10:05:03 +0000",
        "17/Mai/2015:10:05:03 +0000",
        "17-May-2015:10:05:03 +0000",
        "17/May/2015 10:05:03 +0000",
        "29/Feb/2015:10:05:03 +0000",
        "32/May/2015:10:05:03 +0000",
        "17/May/2015:24:05:03 +0000",
        "17/May/2015:10:60:03 +0000",
        "17/May/2015:10:05:03 +2400",
        "17/May/2015:10:05:03 +0060",
        "17/May/2015:10:05:03 *0000",
        "17/May/2015:10:05:03 +00:0",
        "17/May/2015:10:05:03 +00.0",
        "17/May/2015:10:05:3. +0000",
        "17/May/2015:10:0503. +0000",
        "17/May/2015:10:05: 3 +0000",
        "17/May/+015:10:05:03 +0000",
        "1_/May/2015:10:05:03 +0000",
        "١٧/May/2015:10:05:03 +0000",
    ],
)
def test_parse_apache_time_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=rf"^not an apache time: {re.escape(literal(text))} \(.+\)$"):
        parse_apache_time(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("17/May/2015", "expected like 17/May/2015:10:05:03 +0000"),
        ("17/Mai/2015:10:05:03 +0000", 'unknown month name "Mai"'),
        ("29/Feb/2015:10:05:03 +0000", "day is out of range for month"),
        ("17/May/2015:24:05:03 +0000", "hour must be in 0..23"),
        ("17/May/2015:10:05:03 +2400", 'bad UTC offset "+2400"'),
    ],
)
def test_parse_apache_time_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_apache_time(text)
    assert str(caught.value) == f"not an apache time: {literal(text)} ({reason})"


def test_parse_apache_time_repeats_return_the_same_object() -> None:
    first = parse_apache_time("17/May/2015:10:05:03 +0000")
    assert parse_apache_time("17/May/2015:10:05:03 +0000") is first
    assert parse_apache_time("17/May/2015:10:05:04 +0000") == first + timedelta(seconds=1)


def test_parse_apache_time_error_keeps_cache_intact() -> None:
    good = parse_apache_time("18/May/2015:10:05:03 -0700")
    with pytest.raises(ValueError):
        parse_apache_time("18/May/2015:10:05:03 -07")
    assert parse_apache_time("18/May/2015:10:05:03 -0700") is good


def apache_text(t: datetime) -> str:
    return (
        f"{t.day:02d}/{MONTHS[t.month - 1]}/{t.year}:{t.hour:02d}:{t.minute:02d}:{t.second:02d} "
        + t.strftime("%z")
    )


apache_times = st.builds(
    lambda moment, tz: moment.replace(microsecond=0, tzinfo=tz),
    st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)),
    offsets,
)


@given(
    apache_times,
    st.lists(st.tuples(st.integers(0, 25), st.sampled_from("0123456789/:+-. TZz_\u0661Maxy")), max_size=3),
)
def test_apache_fast_path_agrees_with_the_exact_parser(t: datetime, edits: list[tuple[int, str]]) -> None:
    text = apache_text(t)
    timefns._parse_apache_exact(text)  # caches the offset, opening the fast path
    for at_, char in edits:
        text = text[:at_] + char + text[at_ + 1:]
    try:
        exact = timefns._parse_apache_exact(text)
    except ValueError:
        with pytest.raises(ValueError):
            timefns._parse_apache(text)
    else:
        fast = timefns._parse_apache(text)
        assert (fast, fast.utcoffset()) == (exact, exact.utcoffset())


two_digits = st.integers(0, 99)


@given(
    apache_times,
    st.lists(st.tuples(st.one_of(st.none(), st.sampled_from((0, 23, 24)), two_digits),
                       st.one_of(st.sampled_from((0, 59, 60)), two_digits),
                       st.one_of(st.sampled_from((0, 59, 60)), two_digits)), min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(11, 25), st.sampled_from("0123456789/:+-. Z\u0661x")), max_size=2),
    offsets,
)
def test_times_near_the_last_parsed_agree_with_the_exact_parser(
        t: datetime, clocks: list[tuple[int | None, int, int]], edits: list[tuple[int, str]],
        other: timezone) -> None:
    # A first time opens its hour; the next ones keep its date and mostly its
    # hour (None) and offset (the cache's territory), with any two-digit clock,
    # 24:00 and 12:60 included, and may be edited after the date or given
    # another offset.
    first = apache_text(t)
    parse_apache_time(first)
    for hours, minutes, seconds in clocks:
        hours = t.hour if hours is None else hours
        text = f"{first[:12]}{hours:02d}:{minutes:02d}:{seconds:02d}{first[20:]}"
        for at_, char in edits:
            text = text[:at_] + char + text[at_ + 1:]
        if seconds % 7 == 0:
            text = text[:21] + t.replace(tzinfo=other).strftime("%z")
        try:
            exact = timefns._parse_apache_exact(text)
        except ValueError as e:
            with pytest.raises(ValueError) as raised:
                parse_apache_time(text)
            assert str(raised.value) == str(e)
            with pytest.raises(ValueError):
                timefns.apache_date(text)
        else:
            got = parse_apache_time(text)
            assert (got, got.utcoffset(), got.isoformat()) == (exact, exact.utcoffset(), exact.isoformat())
            assert timefns.apache_date(text) == exact.date().isoformat()


@given(apache_times)
def test_parse_apache_time_agrees_with_strptime(t: datetime) -> None:
    text = apache_text(t)
    expected = datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z")
    got = parse_apache_time(text)
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()
    assert got.isoformat() == expected.isoformat()


# --- parse_time --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-05-17T10:05:03+00:00", "2015-05-17T10:05:03+00:00"),
        ("2015-05-17 10:05:03", "2015-05-17T10:05:03+00:00"),
        ("2015-05-17", "2015-05-17T00:00:00+00:00"),
        ("2015-05-17T10:05:03Z", "2015-05-17T10:05:03+00:00"),
        ("2015-05-17t10:05:03z", "2015-05-17T10:05:03+00:00"),
        ("2015-05-17T10:05:03.5Z", "2015-05-17T10:05:03.500000+00:00"),
        ("2015-05-17T10:05:03.123456789Z", "2015-05-17T10:05:03.123456+00:00"),
        ("2015-05-17T10:05:03+0530", "2015-05-17T10:05:03+05:30"),
        ("2015-05-17T10:05:03-07:00", "2015-05-17T10:05:03-07:00"),
        ("2016-02-29T12:00:00+00:00", "2016-02-29T12:00:00+00:00"),
        # RFC 5424 examples
        ("1985-04-12T23:20:50.52Z", "1985-04-12T23:20:50.520000+00:00"),
        ("2003-08-24T05:14:15.000003-07:00", "2003-08-24T05:14:15.000003-07:00"),
        # surrounding blanks, as a field cut out of a line may carry
        ("  2015-05-17T10:05:03Z\n", "2015-05-17T10:05:03+00:00"),
        ("17/May/2015:10:05:03 +0000", "2015-05-17T10:05:03+00:00"),
        ("17/May/2015:10:05:03 -0700", "2015-05-17T10:05:03-07:00"),
    ],
)
def test_parse_time(text: str, expected: str) -> None:
    assert parse_time(text).isoformat() == expected


NOW = at(2026, 11, 27, 4, 0, 0)


@pytest.mark.parametrize(
    ("text", "now_", "expected"),
    [
        ("Nov 27 03:20:01", NOW, "2026-11-27T03:20:01+00:00"),
        ("Nov  7 03:20:01", NOW, "2026-11-07T03:20:01+00:00"),
        ("Nov 07 03:20:01", NOW, "2026-11-07T03:20:01+00:00"),
        ("Nov 27 03:20:01.250", NOW, "2026-11-27T03:20:01.250000+00:00"),
        # up to one day ahead (clock skew between hosts) stays in this year
        ("Nov 28 03:20:01", NOW, "2026-11-28T03:20:01+00:00"),
        ("Nov 28 04:00:00", NOW, "2026-11-28T04:00:00+00:00"),
        # more than one day ahead is last year
        ("Nov 28 04:00:01", NOW, "2025-11-28T04:00:01+00:00"),
        ("Dec 31 23:59:59", at(2027, 1, 1, 0, 10), "2026-12-31T23:59:59+00:00"),
        ("Jan  1 00:00:00", at(2026, 12, 31, 23, 0), "2026-01-01T00:00:00+00:00"),
        # `now` in another offset is compared as the same instant in UTC
        ("Dec 31 23:00:00", at(2027, 1, 1, 3, 0, tz=IST), "2026-12-31T23:00:00+00:00"),
        # Feb 29 goes back to the latest leap year
        ("Feb 29 12:00:00", at(2026, 3, 1), "2024-02-29T12:00:00+00:00"),
        ("Feb 29 00:00:00", at(2028, 2, 28, 12), "2028-02-29T00:00:00+00:00"),
        ("Feb 29 00:00:00", at(2028, 2, 27, 12), "2024-02-29T00:00:00+00:00"),
    ],
)
def test_parse_time_syslog_year_rule(text: str, now_: datetime, expected: str) -> None:
    assert parse_time(text, now=now_).isoformat() == expected


def test_parse_time_syslog_defaults_to_the_current_year() -> None:
    before = datetime.now(UTC)
    got = parse_time(f"{MONTHS[before.month - 1]} {before.day:2d} 00:00:00")
    after = datetime.now(UTC)
    assert got.year in {before.year, after.year}
    assert (got.month, got.day) == (before.month, before.day) or (got.month, got.day) == (
        after.month,
        after.day,
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2015",
        "14318571",  # 9 digits would be epoch seconds; 8 are a basic ISO date
        "1431857103.",
        "1e9",
        "Sun Dec 04 04:47:44",
        "Sun Dec 04 4:47:44 2005",
        "2015-13-01",
        "2015-05-17T25:00:00",
        "17/May/2015",
        "17/May/2015:10:05:03 +2500",
        "Nov 31 00:00:00",
        "Foo 27 03:20:01",
        "Nov 27 3:20:01",
        "Nov 27 03:20",
        "Nov 27 2015 03:20:01",
        "-",
    ],
)
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"^not a time: .* \(expected ISO 8601, apache, syslog, ctime or epoch\)$"):
        parse_time(text, now=NOW)


def test_parse_time_error_message_is_short() -> None:
    with pytest.raises(ValueError) as caught:
        parse_time("x" * 500)
    assert str(caught.value) == f"not a time: \"{'x' * 58}… (expected ISO 8601, apache, syslog, ctime or epoch)"


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)), offsets)
def test_parse_time_reads_format_time(moment: datetime, tz: timezone) -> None:
    t = moment.replace(tzinfo=tz)
    got = parse_time(format_time(t))
    assert got == t
    assert got.utcoffset() == t.utcoffset()


# --- time_from_number --------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "1970-01-01T00:00:00+00:00"),
        (1431857103, "2015-05-17T10:05:03+00:00"),
        (1431857103.25, "2015-05-17T10:05:03.250000+00:00"),
        (1431857103000, "2015-05-17T10:05:03+00:00"),
        (1431857103250, "2015-05-17T10:05:03.250000+00:00"),
        (-1, "1969-12-31T23:59:59+00:00"),
        (-1431857103000, "1924-08-17T13:54:57+00:00"),
        (100_000_000_000, "5138-11-16T09:46:40+00:00"),
        (100_000_000_001, "1973-03-03T09:46:40.001000+00:00"),
    ],
)
def test_time_from_number(n: float, expected: str) -> None:
    assert time_from_number(n).isoformat() == expected


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MOMENT = datetime(2015, 5, 17, 10, 5, 3, 123456, tzinfo=UTC)
MOMENT_US = (MOMENT - EPOCH) // timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (MOMENT_US // 10**6, MOMENT.replace(microsecond=0)),
        (MOMENT_US // 1000, MOMENT.replace(microsecond=123000)),
        (MOMENT_US, MOMENT),
        (MOMENT_US * 1000 + 789, MOMENT),  # nanoseconds, cut to microseconds
        (10**17, EPOCH + timedelta(microseconds=10**17)),  # the last microsecond value: 5138
        (10**17 + 1000, EPOCH + timedelta(microseconds=10**14 + 1)),  # nanoseconds: 1973
        (-(MOMENT_US // 1000), EPOCH - timedelta(milliseconds=MOMENT_US // 1000)),
    ],
)
def test_time_from_number_chooses_the_unit_by_magnitude(n: int, expected: datetime) -> None:
    assert time_from_number(n) == expected
    assert parse_time(str(n)) == expected  # the same as text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1431857103.25", datetime(2015, 5, 17, 10, 5, 3, 250000, tzinfo=UTC)),
        ("1431857103123.5", datetime(2015, 5, 17, 10, 5, 3, 123500, tzinfo=UTC)),
        ("-1431857103.5", EPOCH - timedelta(seconds=1431857103, microseconds=500000)),
        (" 1431857103 ", datetime(2015, 5, 17, 10, 5, 3, tzinfo=UTC)),
    ],
)
def test_parse_time_reads_epoch_text(text: str, expected: datetime) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sun Dec 04 04:47:44 2005", datetime(2005, 12, 4, 4, 47, 44, tzinfo=UTC)),
        ("Sun Dec  4 04:47:44 2005", datetime(2005, 12, 4, 4, 47, 44, tzinfo=UTC)),
        ("Mon Dec 26 16:15:55.103786 2016", datetime(2016, 12, 26, 16, 15, 55, 103786, tzinfo=UTC)),
        ("Fri Sep 09 10:42:29.902022 2011", datetime(2011, 9, 9, 10, 42, 29, 902022, tzinfo=UTC)),
    ],
)
def test_parse_time_reads_ctime(text: str, expected: datetime) -> None:
    got = parse_time(text)
    assert got == expected and got.utcoffset() == timedelta(0)


def test_parse_time_refuses_a_ctime_whose_day_name_is_wrong() -> None:
    assert datetime(2005, 12, 4).strftime("%a") == "Sun"
    with pytest.raises(ValueError) as caught:
        parse_time("Mon Dec 04 04:47:44 2005")
    assert str(caught.value) == 'not a time: "Mon Dec 04 04:47:44 2005" (Dec 04 2005 is a Sun, not Mon)'


@pytest.mark.parametrize("n", [10**30, -(10**30), 1e30, float("nan"), float("inf")])
def test_time_from_number_out_of_range(n: float) -> None:
    with pytest.raises(ValueError, match="epoch time out of range"):
        time_from_number(n)


# --- durations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("td", "expected"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(milliseconds=250), "250ms"),
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(days=2, hours=3), "2d3h"),
        (timedelta(weeks=1), "7d"),
        (timedelta(seconds=61), "1m1s"),
        (timedelta(hours=1, milliseconds=500), "1h500ms"),
        (timedelta(days=1, milliseconds=1), "1d1ms"),
        (timedelta(days=400, hours=23, minutes=59, seconds=59, milliseconds=999), "400d23h59m59s999ms"),
        (timedelta(microseconds=288), "288us"),
        (timedelta(microseconds=999), "999us"),
        (timedelta(microseconds=-999), "-999us"),
        (timedelta(microseconds=1999), "1ms999us"),
        (timedelta(microseconds=-1999), "-1ms999us"),
        (timedelta(seconds=2, microseconds=5), "2s5us"),
        (timedelta(0), "0s"),
        (-timedelta(hours=1, minutes=30), "-1h30m"),
        (timedelta(seconds=-45), "-45s"),
    ],
)
def test_format_duration(td: timedelta, expected: str) -> None:
    assert format_duration(td) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500ms", timedelta(milliseconds=500)),
        ("30s", timedelta(seconds=30)),
        ("5m", timedelta(minutes=5)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("2d3h", timedelta(days=2, hours=3)),
        ("1w2d3h4m5s6ms", timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5, milliseconds=6)),
        ("90m", timedelta(minutes=90)),
        ("1m500ms", timedelta(minutes=1, milliseconds=500)),
        ("0s", timedelta(0)),
        ("-1h30m", -timedelta(hours=1, minutes=30)),
        (" 5m\n", timedelta(minutes=5)),
        # As durations appear in logs: fractions, and microseconds.
        ("1.5s", timedelta(seconds=1, milliseconds=500)),
        ("1.5h", timedelta(hours=1, minutes=30)),
        ("2m30.5s", timedelta(minutes=2, seconds=30, milliseconds=500)),
        ("0.25ms", timedelta(microseconds=250)),
        ("12us", timedelta(microseconds=12)),
        ("12µs", timedelta(microseconds=12)),
        ("1s12us", timedelta(seconds=1, microseconds=12)),
        ("-0.5s", -timedelta(milliseconds=500)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "-", "10", "ms", "5m1h", "1h1h", "1h 30m", "5 m", "1y", "1H", "--5m", "+5m", "١s", "5mss", ".5s", "5.s",
     "1.5.5s", "5mus", "5ns", "1us2ms"],
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="^not a duration: "):
        parse_duration(text)


def test_parse_duration_out_of_range() -> None:
    with pytest.raises(ValueError, match='^duration out of range: "9999999999w"$'):
        parse_duration("9999999999w")


@given(st.integers(timedelta.min // timedelta(milliseconds=1), timedelta.max // timedelta(milliseconds=1)))
def test_parse_duration_reads_format_duration(ms: int) -> None:
    td = timedelta(milliseconds=ms)
    assert parse_duration(format_duration(td)) == td


@given(st.timedeltas(min_value=-timedelta(days=10**8), max_value=timedelta(days=10**8)))
def test_parse_duration_reads_format_duration_to_the_microsecond(td: timedelta) -> None:
    assert parse_duration(format_duration(td)) == td


# --- functions on times ------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (at(2015, 5, 17, 10, 5, 3), "2015-05-17"),
        (at(2015, 5, 17, 23, 30, tz=MST), "2015-05-17"),
        (at(2015, 5, 18, 0, 10, tz=IST), "2015-05-18"),
        (at(2016, 2, 29, 12), "2016-02-29"),
        (at(999, 1, 2), "0999-01-02"),
    ],
)
def test_date(t: datetime, expected: str) -> None:
    assert date(t) == expected


def test_date_of_one_instant_in_two_offsets() -> None:
    utc = at(2015, 5, 18, 5, 0)
    mst = utc.astimezone(MST)
    assert utc == mst
    assert [date(utc), date(mst), date(utc)] == ["2015-05-18", "2015-05-17", "2015-05-18"]


def test_date_beyond_its_table() -> None:
    start = at(2000, 1, 1, 12)
    days = [start + timedelta(days=i) for i in range(timefns._DATE_TEXT_LIMIT + 10)]
    assert [date(t) for t in days] == [t.date().isoformat() for t in days]
    assert len(timefns._DATE_TEXT) <= timefns._DATE_TEXT_LIMIT


def test_hour() -> None:
    assert hour(at(2015, 5, 17, 10, 5, 3, tz=IST)) == 10
    assert hour(at(2015, 5, 17, 0, 0, 0)) == 0
    assert hour(at(2015, 5, 17, 23, 59, 59, tz=MST)) == 23


def test_weekday() -> None:
    week = [at(2015, 5, 11 + i) for i in range(7)]
    assert [weekday(t) for t in week] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert weekday(at(2015, 5, 17, 23, tz=MST)) == "Sun"
    assert weekday(at(2015, 5, 17, 23).astimezone(IST)) == "Mon"


def test_strftime() -> None:
    t = at(2015, 5, 17, 10, 5, 3, tz=IST)
    assert strftime(t, "%d.%m.%Y %H:%M:%S %z") == "17.05.2015 10:05:03 +0530"
    assert strftime(t, "%A %j") == "Sunday 137"
    assert strftime(t, "no directives") == "no directives"


def test_strptime() -> None:
    assert strptime("17.05.2015 10:05", "%d.%m.%Y %H:%M").isoformat() == "2015-05-17T10:05:00+00:00"
    assert strptime("2015/05/17 -0700", "%Y/%m/%d %z").isoformat() == "2015-05-17T00:00:00-07:00"
    with pytest.raises(ValueError, match="does not match format"):
        strptime("17.05.2015", "%Y-%m-%d")


def test_format_time() -> None:
    assert format_time(at(2015, 5, 17, 10, 5, 3)) == "2015-05-17T10:05:03+00:00"
    assert format_time(at(2015, 5, 17, 10, 5, 3, 250000, tz=MST)) == "2015-05-17T10:05:03.250000-07:00"


@pytest.mark.parametrize(
    ("t", "d", "expected"),
    [
        (at(2015, 5, 17, 10, 7, 3), timedelta(minutes=5), "2015-05-17T10:05:00+00:00"),
        (at(2015, 5, 17, 10, 5, 0), timedelta(minutes=5), "2015-05-17T10:05:00+00:00"),
        (at(2015, 5, 17, 10, 4, 59, 999999), timedelta(minutes=5), "2015-05-17T10:00:00+00:00"),
        # counted in t's own offset, as date() and hour() are
        (at(2015, 5, 17, 10, 7, tz=IST), timedelta(hours=1), "2015-05-17T10:00:00+05:30"),
        (at(2015, 5, 17, 10, 7, tz=MST), timedelta(days=1), "2015-05-17T00:00:00-07:00"),
        (at(2015, 5, 17, 3, 40, tz=timezone(timedelta(hours=3, minutes=30))), timedelta(hours=1),
         "2015-05-17T03:00:00+03:30"),
        (at(2015, 5, 17, 10, 7, 3, 400000), timedelta(milliseconds=250), "2015-05-17T10:07:03.250000+00:00"),
        # before the epoch rounds down, not toward the epoch
        (at(1969, 12, 31, 23, 59, 30), timedelta(minutes=1), "1969-12-31T23:59:00+00:00"),
        # 1970-01-01 was a Thursday
        (at(2015, 5, 17, 10), timedelta(weeks=1), "2015-05-14T00:00:00+00:00"),
    ],
)
def test_bucket(t: datetime, d: timedelta, expected: str) -> None:
    assert bucket(t, d).isoformat() == expected


def test_bucket_remembers_the_size() -> None:
    t = at(2015, 5, 17, 10, 7, 3)
    assert bucket(t, timedelta(minutes=5)).isoformat() == "2015-05-17T10:05:00+00:00"
    assert bucket(t, timedelta(hours=1)).isoformat() == "2015-05-17T10:00:00+00:00"


@pytest.mark.parametrize("d", [timedelta(0), timedelta(minutes=-5)])
def test_bucket_rejects_non_positive_sizes(d: timedelta) -> None:
    with pytest.raises(ValueError, match="^bucket size must be positive"):
        bucket(at(2015, 5, 17), d)


@given(
    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 1, 1)),
    offsets,
    st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=400)),
)
def test_bucket_floors_to_a_multiple(moment: datetime, tz: timezone, d: timedelta) -> None:
    t = moment.replace(tzinfo=tz)
    b = bucket(t, d)
    assert b <= t < b + d
    assert (b.replace(tzinfo=None) - datetime(1970, 1, 1)) % d == timedelta(0)  # in its own offset
    assert b.utcoffset() == t.utcoffset()


def test_now() -> None:
    before = datetime.now(UTC)
    got = now()
    after = datetime.now(UTC)
    assert got.tzinfo is UTC
    assert before <= got <= after


def test_today() -> None:
    before = datetime.now(UTC)
    got = today()
    after = datetime.now(UTC)
    midnights = {datetime(t.year, t.month, t.day, tzinfo=UTC) for t in (before, after)}
    assert got in midnights
    assert got.utcoffset() == timedelta(0)
