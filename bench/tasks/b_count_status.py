"""Task B by hand: requests per status (the 9th word), most frequent first.

    python b_count_status.py access.log        (or read stdin)
"""

import sys
from collections import Counter


def main() -> None:
    with open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin as src:
        counts: Counter[str] = Counter()
        for line in src:
            counts[line.split()[8]] += 1
    # most_common() is a stable sort: equal counts stay in first-seen order.
    for status, n in counts.most_common():
        print(f"{status}\t{n}")


main()
