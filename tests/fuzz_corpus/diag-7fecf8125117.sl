
 let int str ( n : ( { } ) ? ) time = sort by now( ) >= true || r"(?P<n>x)(?P<n>y)" in 999999999999999999999999999999 desc |> parse "\"" as topn , n , _ : ( { } ) ? 
  # note
 stdin