#!/usr/bin/env -S sl -f
# An access log as CSV, ready for a spreadsheet or a database import.
# Run: sl -f examples/apache_to_csv.sl examples/data/access.log > hits.csv
parse apache
  | select .ip, .time, .method, .path, .status, .bytes
  | csv
