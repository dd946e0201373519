; 
  # note
 
 type b = { } ? 
 ; words ; parse "*" as time |> words as [ { } ? -> _ ? -> a ] |> parse n as [ { count : { } -> int } ] 
