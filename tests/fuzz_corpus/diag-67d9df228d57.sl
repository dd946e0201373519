let a = parse "*" as n |> parse "," as x : ( { } -> topn ) -> csv < { } > ? -> nginx ? -> { } ? ; 
  # note
 ; 
