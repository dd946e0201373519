; 
  # note
 parse tsv |> words as { } |> parse "," as a | drop ! ! [ ] in "'''" 
  # note
 
