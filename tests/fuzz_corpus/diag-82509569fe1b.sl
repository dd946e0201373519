tail { } + 1e-999 in .b || 0.5 + 1e6 != replace( ) && null // r"^\s" in nginx + false / apache ?? ! .time in null | words 
  # note
 
 
  # note
