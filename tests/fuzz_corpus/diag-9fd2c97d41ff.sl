extract "a" |> split [ ] as ( { } ) ; 
  # note
 
 ; type int = { common : dyn ? } ? 
  # note
