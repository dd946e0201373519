#!/usr/bin/env -S sl -f
# Busy hosts from a TSV file with a header line.
# Run: sl -f examples/tsv_busy_hosts.sl examples/data/metrics.tsv
parse tsv
  | where .cpu > 0.5
  | select .host, .cpu, .mem_mb
  | csv
