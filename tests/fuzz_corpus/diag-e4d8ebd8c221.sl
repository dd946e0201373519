
 uniq |> stdin