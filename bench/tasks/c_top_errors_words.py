"""Task C by hand: the 10 paths (7th word) with most error responses (9th word >= 400).

    python c_top_errors_words.py access.log        (or read stdin)
"""

import sys
from collections import Counter


def main() -> None:
    with open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin as src:
        counts: Counter[str] = Counter()
        for line in src:
            words = line.split()
            if int(words[8]) >= 400:
                counts[words[6]] += 1
    # most_common(n) is heapq.nlargest: ties stay in first-seen order.
    for path, n in counts.most_common(10):
        print(f"{path}\t{n}")


main()
