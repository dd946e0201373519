lines { } |> enumerate |> count |> extract "{}" 
