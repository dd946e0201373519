#!/usr/bin/env -S sl -f
# A monitoring check: exit 0 (and print nothing) when the log has a server
# error in it, 1 when it has none.
# Run: sl -q -f examples/monitor.sl examples/data/access.log && echo "server errors!"
let threshold = 500
parse apache | where .status >= threshold
