
  # note
 csv | sort fun n -> fun count -> fun f topn bogus -> [ ] < .count ; ; let b = split true[ : ] as { common : [ syslog ] , topn : { } ? -> { } , apache : str ? } |> tsv