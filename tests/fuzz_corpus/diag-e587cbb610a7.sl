let _ = map true ~ { } || ! null !~ syslog 
 
 
  # note
 
 type dyn = [ { } ] ? ? -> apache 
 ; ;