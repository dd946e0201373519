#!/usr/bin/env -S sl -f
# Who keeps failing to log in over ssh? (auth.log, the syslog format)
# Run: sl -f examples/ssh_attackers.sl examples/data/auth.log
parse syslog
  | where .app == "sshd" && .message ~ r"^Failed password"
  | map .message
  | extract r"from (?P<ip>\S+)"
  | count by .ip
