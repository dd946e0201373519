let a = json 
 
 
 extract r"^\s" | sort by if [ ] <= { } then 0 >= 1e999 else [ ] > 1d asc |> take now( ) |> parse "'''" as csv , b 
 
 
  # note
 let syslog = parse common ; type a = { } ? ? ? ? ? 
  # note
 ;