#!/usr/bin/env -S sl -f
# Which statuses did the site answer with, and how many bytes went out with each?
# Run: sl -f examples/status_report.sl examples/data/access.log
parse apache
  | summarize requests = count(), bytes = sum(.bytes ?? 0), clients = count_distinct(.ip) by .status
  | sort by .requests desc
  | table
