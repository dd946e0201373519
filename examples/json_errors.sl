#!/usr/bin/env -S sl -f
# Errors from a JSON Lines application log: nested fields are reached with
# `.req.path`, and a value converts where it is used (`time(.ts)`).
# Run: sl -f examples/json_errors.sl examples/data/app.jsonl
parse json
  | where .level == "error"
  | select ts = time(.ts), path = .req.path, ms = .req.ms, .msg
