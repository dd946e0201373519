"""Task E by hand: bytes sent per day (a "-" size counts as 0), days in first-seen order.

    python e_bytes_by_day.py access.log        (or read stdin)
"""

import re
import sys

# The full combined log format; a request of "-" (the client sent nothing) has no method/path/protocol.
LINE = re.compile(
    r'(?P<ip>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<time>[^\]]+)\] '
    r'"(?:(?P<method>\S+) (?P<path>\S+) (?P<protocol>[^"]*)|-)" '
    r'(?P<status>\d{3}) (?P<bytes>\d+|-) "(?P<referer>[^"]*)" "(?P<agent>[^"]*)"'
)
MONTH = {name: f"{i:02d}" for i, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def main() -> None:
    with open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin as src:
        totals: dict[str, int] = {}
        for line in src:
            m = LINE.match(line)
            if m is None:
                continue
            t = m["time"]  # 17/May/2015:10:05:03 +0000; the day in the log's own offset, by slicing
            day = f"{t[7:11]}-{MONTH[t[3:6]]}-{t[0:2]}"
            size = m["bytes"]
            totals[day] = totals.get(day, 0) + (0 if size == "-" else int(size))
    for day, total in totals.items():
        print(f"{day}\t{total}")


main()
