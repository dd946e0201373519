map ! 0 > true && true - 0.5 + "\u{1F600}" < "{}" |> csv |> stdin 
  # note
 
 
