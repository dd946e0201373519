#!/usr/bin/env -S sl -f
# Failed requests from a logfmt log (`key=value`, quoted values may hold spaces).
# Run: sl -f examples/logfmt_failures.sl examples/data/app.logfmt
parse logfmt
  | where .status >= 500
  | select .path, .status, .err
