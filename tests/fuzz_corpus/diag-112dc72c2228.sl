type apache = { } ? ? ? ? ? -> { } -> { } ? ? ; ; 
 
 tail false + 2.5e-3 ?? "* - *" in r"(" && null < { } || 0.5 in hit && [ ] <= false && "* - *" !~ null || f"{_}" ?? bogus || null <= [ ] |> extract "-" as syslog |> parse syslog as nginx < { } > 
  # note
 ;