
  # note
 type logfmt = ( { b : { } } ) ? ? 
  # note
 extract "\t" as [ { } ? -> { syslog : logfmt } ? ]