
 
  # note
 let bogus = words ; let common = words |> sort by "\t" ?? false asc , fun bogus -> fun syslog -> 250ms desc | extract "a" ; ; ;