
  # note
 words as ( { dyn : { } , time : { } , int : { } } ? ? ? ) |> distinct