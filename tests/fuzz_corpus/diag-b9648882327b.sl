; where { } + 1h30m + len( ) % strptime( ) in true - null |> parse topn as a < x < b -> { } , { } , { } > > |> distinct by ! ! [ ] |> uniq 
  # note
