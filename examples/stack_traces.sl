#!/usr/bin/env -S sl -f
# Count exceptions, not lines: `join` folds a stack trace (every line that does
# not start with a date) into the log line it belongs to.
# Run: sl -f examples/stack_traces.sl examples/data/trace.log
join r"^(?!\d{4}-\d\d-\d\d )"
  | where _ ~ r" ERROR "
  | map find(_, r"\n([\w.]+(?:Exception|Error))")
  | count by exception = _
