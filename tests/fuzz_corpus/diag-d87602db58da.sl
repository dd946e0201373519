
 ; ; split [ ].count as { } |> enumerate |> tsv 
  # note
 
  # note
