; ; let topn = flatten | extract "-" as { dyn : { } } |> flatten |> words |> extract "\"" ; type count = { _ : syslog } ? ? 
 flatten | parse time ; ; ; 
 
 
  # note
 ; 
  # note
 type x = [ { apache : n } -> { bogus : bogus } ] 
 ; 
  # note
 type bogus = { }