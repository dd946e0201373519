"""The `syslog` input format: one syslog line -> (time, host, app, pid, message).

Three shapes of line are accepted:

RFC 3164 (the BSD format of /var/log/syslog and auth.log), with an optional
``<PRI>`` prefix that is skipped::

    >>> when, host, app, pid, message = parse_syslog("Nov 27 03:20:01 myhost sshd[1234]: Accepted", 2024)
    >>> when.isoformat(), host, app, pid, message
    ('2024-11-27T03:20:01+00:00', 'myhost', 'sshd', 1234, 'Accepted')
    >>> parse_syslog("Nov  7 03:20:01 myhost cron: job done", 2024)[2:]
    ('cron', None, 'job done')

The same layout with an ISO 8601 timestamp, as rsyslog writes it with its
high-precision file format (the default of several Linux distributions)::

    >>> parse_syslog("2024-03-01T10:00:00.5+01:00 myhost kernel: eth0 up", 2024)[0].isoformat()
    '2024-03-01T10:00:00.500000+01:00'

RFC 5424 (``<PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]``)::

    >>> parse_syslog("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - hi", 2024)[1:]
    ('mymachine.example.com', 'su', None, 'hi')

Decisions a user can observe:

- A 3164 line without a tag (`host` followed by text that is not ``app:`` or
  ``app[pid]:``) has ``app == ""`` and the whole text after the host as its
  message, so nothing is lost. A 5424 nil (``-``) host or app is ``""`` too.
- macOS and sysklogd tags are read too (`_other_tag`): a name with up to
  three spaces when a ``[pid]`` follows (``Google Chrome[85294]:``); a
  ``[pid]`` followed by a parenthesised context (``sandboxd[129] ([10018]):``),
  which starts the message; a name followed by a version
  (``syslogd 1.4.1: restart.``), which also stays in the message.
- A tag's pid must be decimal digits; a 5424 PROCID that is not (it may be
  any word) gives ``pid = None``.
- The 5424 MSGID and STRUCTURED-DATA are not part of the schema: the message
  is MSG alone (its leading UTF-8 BOM removed).
- RFC 3164 timestamps carry no time zone and are read as UTC, and so is an
  ISO timestamp without an offset.

RFC 3164 timestamps carry no year either, so the caller passes one. The rule
for a file: take the year of the file's modification time
(``syslog_year_for(os.stat(path).st_mtime)``), and read any line whose time
then lies after that modification time as belonging to the year before: the
file was written across New Year, its December lines precede the January
ones. For stdin, use the current year with the same roll-back against now.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from ..runtime.core import short

FIELDS = [("time", "time"), ("host", "str"), ("app", "str"), ("pid", "int?"), ("message", "str")]

_MONTHS = {name: i for i, name in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}

# [0-9], never \d: \d would admit Arabic-Indic and other Unicode digits.
_PRI = r"<[0-9]{1,3}>"
_BSD_STAMP = r"[A-Za-z]{3} {1,2}[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?"
# The tag ends with ':' and then a space or the end, so a message word such
# as "http://x" right after the host is not taken for a tag.
_TAG = r"([^\s\[\]:]++)(?:\[([0-9]{1,10})\])?:(?: |\Z)"
# The common case, a whole RFC 3164 line, in one match: stamp, host, app, pid, message.
_BSD_LINE = re.compile(rf"(?:{_PRI})?({_BSD_STAMP}) (\S++) ?(?:{_TAG})?(.*)", re.ASCII | re.DOTALL)

# Tags the common one does not take, tried only on a line it found no tag in
# (see `_other_tag`): a name with spaces, which must have a [pid] to tell it
# from words of a message (macOS: `Google Chrome[85294]:`); a [pid] and then
# a parenthesised context (macOS: `sandboxd[129] ([10018]):`,
# `com.apple.xpc.launchd[1] (com.apple.quicklook[21556]):`); a name and a
# version (sysklogd: `syslogd 1.4.1: restart.`).
_NAME = r"[^\s\[\]:]++"
_SPACED_TAG = re.compile(rf"({_NAME}(?: {_NAME}){{1,3}})\[([0-9]{{1,10}})\]:(?: |\Z)", re.ASCII)
_CONTEXT_TAG = re.compile(rf"({_NAME})\[([0-9]{{1,10}})\] (\([^()]*+\)):(?: |\Z)", re.ASCII)
_VERSION_TAG = re.compile(rf"({_NAME}) v?[0-9]+(?:\.[0-9]+)+:(?: |\Z)", re.ASCII)

_PRI_RE = re.compile(_PRI)
_BSD_TIME = re.compile(
    r"([A-Za-z]{3}) {1,2}([0-9]{1,2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?")
_ISO_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})?")
_HOST = re.compile(r" (\S++) ?", re.ASCII)
_TAG_RE = re.compile(_TAG, re.ASCII)
_SD_ELEMENTS = re.compile(r'(?:\[(?:[^"\]]++|"(?:[^"\\]++|\\.)*+")*+\])++', re.DOTALL)
_RFC5424_HEAD = re.compile(r"<[0-9]{1,3}>[1-9][0-9]{0,2} ")
_OFFSETS: dict[str, timezone] = {}


def parse_syslog(line: str, year: int) -> tuple[datetime, str, str, int | None, str]:
    """Parse one syslog line; `year` completes RFC 3164 timestamps (see the module docstring).

    Raises ValueError with a short reason when the line is not syslog.
    """
    m = _BSD_LINE.match(line)
    if m is None:
        return _parse_other(line, year)
    stamp, host, app, pid, message = m.groups()
    if app is None:
        return (_bsd_time(stamp, year), host, *_other_tag(message))
    return _bsd_time(stamp, year), host, app, int(pid) if pid else None, message


def syslog_year_for(mtime: float) -> int:
    """The year to pass to `parse_syslog` for a file modified at `mtime` (seconds since the epoch).

    >>> syslog_year_for(1700000000.0)
    2023
    """
    return datetime.fromtimestamp(mtime, UTC).year


def _parse_other(line: str, year: int) -> tuple[datetime, str, str, int | None, str]:
    """RFC 5424, an ISO timestamp in place of the BSD one, or a rejection with its reason."""
    if _RFC5424_HEAD.match(line):
        return _parse_5424(line)
    pos = m.end() if (m := _PRI_RE.match(line)) else 0
    if m := _ISO_TIME.match(line, pos):
        when = _iso_time(m)
    elif m := _BSD_TIME.match(line, pos):
        when = _bsd_time(m[0], year)
    else:
        raise ValueError(f"expected syslog timestamp at column {pos + 1}")
    host, pos = _host(line, m.end())
    app, pid, message = _tag_and_message(line, pos)
    return when, host, app, pid, message


# Consecutive lines mostly share their timestamp text; building the datetime once saves half the work.
@lru_cache(maxsize=1024)
def _bsd_time(stamp: str, year: int) -> datetime:
    m = _BSD_TIME.fullmatch(stamp)
    assert m is not None, stamp
    month = _MONTHS.get(m[1].title())
    if month is None:
        raise ValueError(f"unknown month {short(m[1])}")
    return _make_time(year, month, m[2], m[3], m[4], m[5], m[6], UTC)


def _iso_time(m: re.Match[str]) -> datetime:
    return _make_time(int(m[1]), int(m[2]), m[3], m[4], m[5], m[6], m[7], _offset(m[8]))


def _make_time(year: int, month: int, day: str, hour: str, minute: str, second: str,
               fraction: str | None, tz: timezone) -> datetime:
    # Digits past microseconds are dropped, not rounded: rounding could carry into the seconds.
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        return datetime(year, month, int(day), int(hour), int(minute), int(second), micro, tz)
    except ValueError as e:
        raise ValueError(f"invalid timestamp: {e}") from None


def _offset(text: str | None) -> timezone:
    if text is None or text in "Zz":
        return UTC
    tz = _OFFSETS.get(text)
    if tz is None:
        hours, minutes = int(text[1:3]), int(text[4:6])
        if hours > 23 or minutes > 59:
            raise ValueError(f"invalid time zone offset {text}")
        sign = -1 if text[0] == "-" else 1
        tz = _OFFSETS[text] = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return tz


def _host(line: str, pos: int) -> tuple[str, int]:
    if m := _HOST.match(line, pos):
        return m[1], m.end()
    if line.startswith(" ", pos):
        raise ValueError(f"expected host name at column {pos + 2}")
    raise ValueError(f"expected a space after the timestamp at column {pos + 1}")


def _tag_and_message(line: str, pos: int) -> tuple[str, int | None, str]:
    m = _TAG_RE.match(line, pos)
    if m is None:
        return _other_tag(line[pos:])
    pid = m[2]
    return m[1], int(pid) if pid is not None else None, line[m.end():]


def _other_tag(text: str) -> tuple[str, int | None, str]:
    """App, pid and message of the text after the host, when it does not start
    with the usual `app:` or `app[pid]:`. What is not the app or the pid stays
    in the message: launchd's context and sysklogd's version start it.

    >>> _other_tag("Google Chrome[85294]: objc")
    ('Google Chrome', 85294, 'objc')
    >>> _other_tag("sandboxd[129] ([10018]): deny")
    ('sandboxd', 129, '([10018]) deny')
    >>> _other_tag("syslogd 1.4.1: restart.")
    ('syslogd', None, '1.4.1: restart.')
    >>> _other_tag("last message repeated: 3 times")
    ('', None, 'last message repeated: 3 times')
    """
    if m := _SPACED_TAG.match(text):
        return m[1], int(m[2]), text[m.end():]
    if m := _CONTEXT_TAG.match(text):
        rest = text[m.end():]
        return m[1], int(m[2]), f"{m[3]} {rest}" if rest else m[3]
    if m := _VERSION_TAG.match(text):
        return m[1], None, text[len(m[1]) + 1:]
    return "", None, text


def _parse_5424(line: str) -> tuple[datetime, str, str, int | None, str]:
    parts = line.split(" ", 6)
    if len(parts) < 7:
        raise ValueError("incomplete RFC 5424 header: expected TIMESTAMP HOSTNAME APP-NAME PROCID MSGID")
    _, stamp, host, app, procid, _msgid, rest = parts
    when = _5424_time(stamp, len(parts[0]) + 2)
    sd_column = len(line) - len(rest) + 1
    message = _5424_message(rest, sd_column)
    return when, _nil(host), _nil(app), _pid(procid), message


def _5424_time(stamp: str, column: int) -> datetime:
    if stamp == "-":
        raise ValueError(f"RFC 5424 line without a timestamp at column {column}")
    m = _ISO_TIME.fullmatch(stamp)
    if m is None or m[8] is None:
        raise ValueError(f"invalid RFC 5424 timestamp at column {column}")
    return _iso_time(m)


def _5424_message(rest: str, column: int) -> str:
    if rest.startswith("-"):
        end = 1
    elif m := _SD_ELEMENTS.match(rest):
        end = m.end()
    else:
        raise ValueError(f"expected structured data or '-' at column {column}")
    if end == len(rest):
        return ""
    if rest[end] != " ":
        raise ValueError(f"expected space after structured data at column {column + end}")
    return rest[end + 1:].removeprefix("\ufeff")


def _nil(value: str) -> str:
    return "" if value == "-" else value


def _pid(procid: str) -> int | None:
    if 0 < len(procid) <= 10 and procid.isascii() and procid.isdigit():
        return int(procid)
    return None
