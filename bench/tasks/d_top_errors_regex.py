"""Task D by hand: the 10 paths with most error responses, parsing the full combined format.

    python d_top_errors_regex.py access.log        (or read stdin)
"""

import re
import sys
from collections import Counter

# The full combined log format; a request of "-" (the client sent nothing) has no method/path/protocol.
LINE = re.compile(
    r'(?P<ip>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<time>[^\]]+)\] '
    r'"(?:(?P<method>\S+) (?P<path>\S+) (?P<protocol>[^"]*)|-)" '
    r'(?P<status>\d{3}) (?P<bytes>\d+|-) "(?P<referer>[^"]*)" "(?P<agent>[^"]*)"'
)


def main() -> None:
    with open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin as src:
        counts: Counter[str | None] = Counter()
        for line in src:
            m = LINE.match(line)
            if m is not None and int(m["status"]) >= 400:
                counts[m["path"]] += 1
    for path, n in counts.most_common(10):
        print(f"{path or ''}\t{n}")  # no request line: an empty path, as a null prints


main()
