"""Run-time support for StreamLang's `time` and `duration` values.

A `time` is a timezone-aware `datetime.datetime`, a `duration` a
`datetime.timedelta`, and null is `None`. Generated code calls these
functions directly, so they import only the standard library and keep the
per-line paths (`parse_apache_time`, `date`, `bucket`) cheap.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from .core import short

__all__ = [
    "apache_date",
    "bucket",
    "date",
    "format_duration",
    "format_time",
    "hour",
    "now",
    "parse_apache_time",
    "parse_duration",
    "parse_time",
    "strftime",
    "strptime",
    "time_from_number",
    "today",
    "weekday",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _bad_time(s: str) -> ValueError:
    return ValueError(f"not a time: {short(s, 60)} (expected ISO 8601, apache, syslog, ctime or epoch)")


def _month(name: str) -> int:
    number = _MONTHS.get(name) or _MONTHS.get(name.title())
    if number is None:
        raise ValueError(f"unknown month name {short(name)}")
    return number


# ---------------------------------------------------------------------------
# apache: 17/May/2015:10:05:03 +0000

# A log has a handful of distinct offsets, so each is parsed (and checked)
# once; being in this table is also what admits an offset to the fast path.
_OFFSETS: dict[str, timezone] = {"+0000": UTC, "-0000": UTC}


def _offset(text: str) -> timezone:
    tz = _OFFSETS.get(text)
    if tz is None:
        tz = _parse_offset(text)
        _OFFSETS[text] = tz
    return tz


def _parse_offset(text: str) -> timezone:
    digits = text[1:]
    if text[:1] not in ("+", "-") or len(digits) != 4 or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"bad UTC offset {short(text)}")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"bad UTC offset {short(text)}")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _is_apache_shape(s: str) -> bool:
    # int() alone would also take " 7", "+7", "1_0" and non-ASCII digits.
    digits = s[0:2] + s[7:11] + s[12:14] + s[15:17] + s[18:20]
    return (
        len(s) == 26
        and s[2] == "/" and s[6] == "/" and s[11] == ":" and s[14] == ":" and s[17] == ":" and s[20] == " "
        and digits.isascii() and digits.isdigit()
    )


def _parse_apache_exact(s: str) -> datetime:
    """The reference parser: strict, and says what is wrong."""
    if not _is_apache_shape(s):
        raise ValueError(f"not an apache time: {short(s)} (expected like 17/May/2015:10:05:03 +0000)")
    try:
        return datetime(
            int(s[7:11]), _month(s[3:6]), int(s[0:2]),
            int(s[12:14]), int(s[15:17]), int(s[18:20]), 0, _offset(s[21:]),
        )
    except ValueError as error:
        raise ValueError(f"not an apache time: {short(s)} ({error})") from None


_MONTH_DASHES = {name: f"-{number:02d}-" for name, number in _MONTHS.items()}
_fromisoformat = datetime.fromisoformat


def _parse_apache(s: str) -> datetime:
    # Rearranged into ISO 8601, the C parser checks the digits and the
    # calendar several times faster than int() and datetime() from Python.
    # It is laxer about offsets ("+00.0", "+0060"), so only an offset that
    # the exact parser has already accepted (and cached) takes this path;
    # anything else goes to the exact parser, which also explains errors.
    month = _MONTH_DASHES.get(s[3:6])
    offset = s[21:]
    if (
        month is None or offset not in _OFFSETS or len(s) != 26
        or s[2] != "/" or s[6] != "/" or s[11] != ":" or s[14] != ":" or s[17] != ":" or s[20] != " "
    ):
        return _parse_apache_exact(s)
    try:
        return _fromisoformat(f"{s[7:11]}{month}{s[0:2]}T{s[12:20]}{offset}")
    except ValueError:
        return _parse_apache_exact(s)


# Consecutive log lines often share their second, and nearly always their
# hour. Each cache is one tuple, replaced whole, so a reader in another
# thread never pairs a key with a stale value.
_apache_last: tuple[str, datetime] = ("", _EPOCH)
# The hour last parsed: its text up to the minutes ("17/May/2015:10:"), a
# table from every valid rest of the text in its offset ("05:03 +0000") to
# the time since the hour, the time at the hour, and its date. A time in the
# same hour is then one lookup, which also checks it: the table holds only
# what the exact parser takes (minutes and seconds 00 to 59, that offset).
_apache_hour: tuple[str, dict[str, timedelta], datetime, str] = ("", {}, _EPOCH, "1970-01-01")
_SINCE_HOUR: list[tuple[str, timedelta]] = []  # ("MM:SS", its timedelta), made on first use
_REST_TABLES: dict[str, dict[str, timedelta]] = {}  # by the text after the clock (" +0000")


def _rest_table(after: str) -> dict[str, timedelta]:
    table = _REST_TABLES.get(after)
    if table is None:
        if not _SINCE_HOUR:
            # Built with C-level loops (a few milliseconds, once per run), then put
            # in place whole, so another thread never sees it half made.
            two = [f"{n:02d}" for n in range(60)]
            _SINCE_HOUR[:] = zip([m + ":" + s for m in two for s in two], map(timedelta, [0] * 3600, range(3600)))
        if len(_REST_TABLES) >= 8:
            _REST_TABLES.clear()  # a log has a handful of offsets; a hostile one has no more than 8 kept
        table = _REST_TABLES[after] = {clock + after: since for clock, since in _SINCE_HOUR}
    return table


def parse_apache_time(s: str) -> datetime:
    """Parse the time of an apache/nginx log line, as written between `[` and `]`.

    >>> parse_apache_time("17/May/2015:10:05:03 +0000").isoformat()
    '2015-05-17T10:05:03+00:00'

    Raises ValueError on anything else. Equal consecutive inputs return the
    same `datetime` object, which lets `date` and `bucket` cache by identity.
    """
    global _apache_last, _apache_hour
    last = _apache_last
    if s == last[0]:
        return last[1]
    hour, rest, start, _ = _apache_hour
    if s[:15] == hour:
        since = rest.get(s[15:])
        if since is not None:
            value = start + since
            _apache_last = (s, value)
            return value
    value = _parse_apache(s)
    _apache_hour = (s[:15], _rest_table(s[20:]), value.replace(minute=0, second=0), date(value))
    _apache_last = (s, value)
    return value


def apache_date(s: str) -> str:
    """`date(parse_apache_time(s))`, the day of a log line, in one call: a
    time in the hour last parsed needs no `datetime` made at all.

    >>> apache_date("17/May/2015:23:59:59 -0700")
    '2015-05-17'

    Raises what `parse_apache_time` raises.
    """
    hour, rest, _, text = _apache_hour
    if s[:15] == hour and s[15:] in rest:
        return text
    return date(parse_apache_time(s))


# ---------------------------------------------------------------------------
# syslog (RFC 3164): Nov 27 03:20:01, Nov  7 03:20:01

_SYSLOG = re.compile(r"([A-Za-z]{3}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?", re.ASCII)


def _utc_reference(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.astimezone(UTC) if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _parse_syslog(s: str, now: datetime | None) -> datetime | None:
    m = _SYSLOG.fullmatch(s)
    if m is None:
        return None
    month, day = _month(m[1]), int(m[2])
    micro = int((m[6] or "0").ljust(6, "0"))
    stamp = (int(m[3]), int(m[4]), int(m[5]), micro)
    reference = _utc_reference(now)
    for year in range(reference.year, reference.year - 9, -1):
        try:
            value = datetime(year, month, day, *stamp, tzinfo=UTC)
        except ValueError:
            continue  # Feb 29 outside a leap year: try an earlier year
        if value - reference <= _ONE_DAY:
            return value
    raise ValueError(f"no such day: {short(s)}")


# ---------------------------------------------------------------------------
# ctime/asctime, as the Apache error log writes it: Sun Dec 04 04:47:44 2005
# (C's asctime pads the day with a space: `Sun Dec  4`; Apache 2.4 adds
# microseconds). No offset: UTC, as every time without one.

_CTIME = re.compile(
    r"([A-Za-z]{3}) ([A-Za-z]{3}) {1,2}([0-9]{1,2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))? ([0-9]{4})")


def _parse_ctime(s: str) -> datetime | None:
    m = _CTIME.fullmatch(s)
    if m is None:
        return None
    micro = int((m[7] or "0")[:6].ljust(6, "0"))
    value = datetime(int(m[8]), _month(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]), micro, tzinfo=UTC)
    if _WEEKDAYS[value.weekday()] != m[1].title():
        # Which of the two to believe cannot be known: a wrong answer is worse than none.
        raise ValueError(f"{m[2]} {m[3]} {m[8]} is a {_WEEKDAYS[value.weekday()]}, not {m[1]}")
    return value


# ---------------------------------------------------------------------------
# epoch values: seconds, milliseconds, microseconds or nanoseconds, told
# apart by magnitude. Each unit covers the times from 1973 to 5138: 1e11
# seconds is the year 5138, and 1e11 milliseconds is 1973.

_EPOCH_UNITS = ((10**11, 1_000_000, 1), (10**14, 1_000, 1), (10**17, 1, 1), (None, 1, 1_000))  # µs = n * a // b
# As text, an epoch value has at least 9 digits before any fraction (1973 on):
# a shorter number is more likely a year or a count than a time; 8 digits are
# an ISO 8601 basic date (`20150517`).
_EPOCH_TEXT = re.compile(r"(-?)([0-9]{9,})(?:\.([0-9]+))?", re.ASCII)


def _epoch_unit(magnitude: float) -> tuple[int, int]:
    """(a, b): an epoch value of this absolute size is n * a / b microseconds."""
    for limit, times, per in _EPOCH_UNITS:
        if limit is None or magnitude <= limit:
            return times, per
    raise AssertionError("the last unit has no limit")


def _epoch_micros(digits: int, fraction: str = "", negative: bool = False) -> int:
    """Microseconds since the epoch of `±digits.fraction` in the unit its magnitude gives (floored)."""
    times, per = _epoch_unit(digits)
    scale = 10 ** len(fraction)
    exact = digits * scale + (int(fraction) if fraction else 0)
    return (-exact if negative else exact) * times // (per * scale)


def _parse_epoch_text(s: str) -> datetime | None:
    m = _EPOCH_TEXT.fullmatch(s)
    if m is None:
        return None
    return _from_micros(_epoch_micros(int(m[2]), m[3] or "", m[1] == "-"), s)


def _from_micros(micros: int, shown: object) -> datetime:
    try:
        return _EPOCH + timedelta(microseconds=micros)
    except (OverflowError, ValueError):
        raise ValueError(f"epoch time out of range: {short(shown)}") from None


# ---------------------------------------------------------------------------
# parse_time


def _parse_iso(s: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(s)
    except ValueError:
        # RFC 3339 allows a lower-case "t" and "z"; fromisoformat does not.
        if not s.isascii() or s.upper() == s:
            return None
        try:
            value = datetime.fromisoformat(s.upper())
        except ValueError:
            return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_time(s: str, now: datetime | None = None) -> datetime:
    """Parse an ISO 8601, apache, syslog, ctime or epoch timestamp into an aware `datetime`.

    >>> parse_time("2015-05-17 10:05:03").isoformat()
    '2015-05-17T10:05:03+00:00'

    Accepted: ISO 8601 / RFC 3339 / RFC 5424 (`2015-05-17T10:05:03+00:00`,
    `2015-05-17 10:05:03`, `2015-05-17`, `20150517`, `Z`, fractional seconds
    with `.` or `,`, offsets `+0000` or `+00:00`); apache
    `17/May/2015:10:05:03 +0000`; syslog `Nov 27 03:20:01` or
    `Nov  7 03:20:01` (fractional seconds allowed); ctime/asctime
    `Sun Dec 04 04:47:44 2005` (the Apache error log's, fractional seconds
    allowed; the day name must be that date's); epoch text of 9 or more
    digits, with an optional fraction, in seconds, milliseconds,
    microseconds or nanoseconds by magnitude (see `time_from_number`).
    A time without an offset, which includes every syslog and ctime time,
    is UTC. Nanoseconds are cut to microseconds.

    A syslog time has no year. It gets the year of `now` (default: the
    current time), or the year before when that would put it more than one
    day after `now` -- so a December line read in January lands in December
    of last year. Feb 29 goes to the latest leap year that fits that rule.

    Raises ValueError for anything else.
    """
    s = s.strip()
    if s[2:3] == "/":
        try:
            return parse_apache_time(s)
        except ValueError:
            raise _bad_time(s) from None
    if s[:1].isalpha():
        try:
            value = _parse_ctime(s) if s[3:4] == " " and s[7:8] == " " else None
            if value is None:
                value = _parse_syslog(s, now)
        except ValueError as error:
            if _CTIME.fullmatch(s):
                raise ValueError(f"not a time: {short(s, 60)} ({error})") from None
            raise _bad_time(s) from None
    elif (value := _parse_epoch_text(s)) is None:
        value = _parse_iso(s)
    if value is None:
        raise _bad_time(s)
    return value


def time_from_number(n: float) -> datetime:
    """Turn a Unix epoch value into a UTC time: seconds up to 1e11, milliseconds
    up to 1e14, microseconds up to 1e17, nanoseconds above (by absolute value).

    >>> time_from_number(1431857103).isoformat()
    '2015-05-17T10:05:03+00:00'
    >>> time_from_number(1431857103250000000).isoformat()
    '2015-05-17T10:05:03.250000+00:00'

    Each cut-off is the year 5138 in the smaller unit and 1973 in the larger.
    An int is converted exactly (floored to the microsecond); a float as
    precisely as it holds its value.
    """
    if isinstance(n, int):
        return _from_micros(_epoch_micros(abs(n), "", n < 0), n)
    try:
        times, per = _epoch_unit(abs(n))
        return _EPOCH + timedelta(microseconds=n * times / per)
    except (OverflowError, ValueError):
        raise ValueError(f"epoch time out of range: {short(n)}") from None


def format_time(t: datetime) -> str:
    """Print a time the way StreamLang writes it.

    >>> format_time(parse_time("2015-05-17T10:05:03Z"))
    '2015-05-17T10:05:03+00:00'
    """
    return t.isoformat()


# ---------------------------------------------------------------------------
# durations

_US_PER = (("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000), ("ms", 1_000),
           ("us", 1))
_ONE_MICROSECOND = timedelta(microseconds=1)


def format_duration(td: timedelta) -> str:
    """Print a duration as its non-zero components d, h, m, s, ms, us, largest first.

    >>> format_duration(timedelta(hours=1, minutes=30))
    '1h30m'
    >>> format_duration(timedelta(microseconds=288))
    '288us'

    Exact to the microsecond (a `duration` holds no less), so `parse_duration`
    reads every output back to the same value; the zero duration is `0s`,
    a negative one gets a `-`.
    """
    micros = td // _ONE_MICROSECOND
    if micros == 0:
        return "0s"
    parts = ["-"] if micros < 0 else []
    rest = abs(micros)
    for unit, size in _US_PER:
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


# Units largest first, each at most once ("m" must not eat the "m" of "ms" or
# "us"); an amount may have a fraction, as durations in logs do (`took 1.5s`,
# `latency=0.25ms`, `12us`).
_AMOUNT = r"(\d+(?:\.\d+)?)"
_DURATION = re.compile(
    rf"(-)?(?:{_AMOUNT}w)?(?:{_AMOUNT}d)?(?:{_AMOUNT}h)?(?:{_AMOUNT}m(?![su]))?(?:{_AMOUNT}s)?(?:{_AMOUNT}ms)?"
    rf"(?:{_AMOUNT}(?:us|µs))?", re.ASCII
)
_DURATION_UNITS = ("weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds")


def parse_duration(s: str) -> timedelta:
    """Parse a duration: `500ms 30s 5m 2h 1d 1w 250us`, with fractions (`1.5s`), or units
    combined largest first.

    >>> parse_duration("1h30m") == timedelta(hours=1, minutes=30)
    True
    >>> parse_duration("1.5s") == timedelta(seconds=1, milliseconds=500)
    True

    A leading `-` negates, so `format_duration`'s output always parses back.
    Raises ValueError on anything else (unknown units, `5m1h`, `1h 30m`).
    """
    m = _DURATION.fullmatch(s.strip())
    if m is None or m.lastindex is None or m.lastindex < 2:
        raise ValueError(f"not a duration: {short(s)} (expected like 500ms, 1.5s, 5m, 2h, 1d, 1w or 1h30m)")
    amounts = {unit: float(text) if "." in text else int(text)
               for unit, text in zip(_DURATION_UNITS, m.groups()[1:]) if text}
    try:
        td = timedelta(**amounts)
    except OverflowError:
        raise ValueError(f"duration out of range: {short(s)}") from None
    return -td if m[1] else td


# ---------------------------------------------------------------------------
# functions on times

# `date` runs once per line in `summarize ... by day = date(.time)`. Lines of
# one second share one datetime object (see parse_apache_time), so an
# identity check answers most calls; the rest go through a small table per
# calendar day. Identity, not equality: equal instants in other offsets can
# fall on other dates.
_date_last: tuple[datetime | None, str] = (None, "")
_DATE_TEXT: dict[int, str] = {}
_DATE_TEXT_LIMIT = 4096


def date(t: datetime) -> str:
    """The calendar date `YYYY-MM-DD` of `t`, in `t`'s own offset.

    >>> date(parse_time("2015-05-17T23:30:00-07:00"))
    '2015-05-17'
    """
    global _date_last
    last = _date_last
    if last[0] is t:
        return last[1]
    day = t.toordinal()
    text = _DATE_TEXT.get(day)
    if text is None:
        if len(_DATE_TEXT) >= _DATE_TEXT_LIMIT:
            _DATE_TEXT.clear()
        text = _DATE_TEXT[day] = t.date().isoformat()
    _date_last = (t, text)
    return text


def hour(t: datetime) -> int:
    """The hour (0-23) of `t`, in `t`'s own offset.

    >>> hour(parse_time("17/May/2015:10:05:03 +0530"))
    10
    """
    return t.hour


def weekday(t: datetime) -> str:
    """The English three-letter day name of `t`, in `t`'s own offset: `Mon` ... `Sun`.

    >>> weekday(parse_time("2015-05-17"))
    'Sun'

    Three letters, as `%a` prints them in the C locale (and whatever the
    locale of the machine); `strftime(t, "%A")` gives the full name.
    """
    return _WEEKDAYS[t.weekday()]


def strftime(t: datetime, fmt: str) -> str:
    """Format `t` with Python's `strftime` directives.

    >>> strftime(parse_time("2015-05-17T10:05:03Z"), "%d.%m.%Y %H:%M")
    '17.05.2015 10:05'
    """
    return t.strftime(fmt)


def strptime(s: str, fmt: str) -> datetime:
    """Parse `s` with Python's `strptime` directives; UTC unless the format gives an offset (`%z`).

    >>> strptime("17.05.2015 10:05", "%d.%m.%Y %H:%M").isoformat()
    '2015-05-17T10:05:00+00:00'

    Raises ValueError when `s` does not match `fmt`.
    """
    value = datetime.strptime(s, fmt)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# `bucket` also runs once per line; see `date` for why identity.
_bucket_last: tuple[datetime | None, timedelta, datetime] = (None, _ONE_DAY, _EPOCH)


def bucket(t: datetime, d: timedelta) -> datetime:
    """Round `t` down to a whole multiple of `d` counted in `t`'s own offset
    from 1970-01-01 00:00 there, keeping that offset.

    >>> bucket(parse_time("2015-05-17T10:07:03+00:00"), timedelta(minutes=5)).isoformat()
    '2015-05-17T10:05:00+00:00'
    >>> bucket(parse_time("2015-05-17T03:40:00+03:30"), timedelta(hours=1)).isoformat()
    '2015-05-17T03:00:00+03:30'

    As `date` and `hour` do, it counts in the time's own offset: an hour or a
    day bucket starts at the local hour or midnight. Raises ValueError unless d > 0.
    """
    global _bucket_last
    last = _bucket_last
    if last[0] is t and last[1] == d:
        return last[2]
    if d <= timedelta(0):
        raise ValueError(f"bucket size must be positive, not {format_duration(d)}")
    value = t - (t - _EPOCH + (t.utcoffset() or _ZERO)) % d
    _bucket_last = (t, d, value)
    return value


def now() -> datetime:
    """The current time, in UTC.

    >>> now().tzinfo is UTC
    True
    """
    return datetime.now(UTC)


def today() -> datetime:
    """Midnight UTC at the start of the current UTC day.

    >>> today().time().isoformat()
    '00:00:00'
    """
    current = datetime.now(UTC)
    return datetime(current.year, current.month, current.day, tzinfo=UTC)
