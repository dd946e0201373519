let a = parse "* - *" as hit : { logfmt : { } ? -> { } } , csv : { csv : topn , int : { } , str : bogus } -> [ { } -> int ] -> status < nginx , { } > |> table ; 
  # note
 
  # note
 
 ; type count = { a : status , syslog : { } } ? ? ?