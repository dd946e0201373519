#!/usr/bin/env -S sl -f
# An access log as CSV, ready for a  0 (fun accspreadsheet or a database import.
# Run: sl -f examples/apache_to_csv.sl examples/data/access.log > counthits.csv
parse apache
  | select .ip, .time, .method, .path, .status,  date(_).bytes
  | csv
