let syslog = { } != 100 || false 
  # note
 distinct ;