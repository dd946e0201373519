words as int |> extract r"(" as { count : { } ? ? ? ? -> { } ? -> status ? -> { } } 
 
 let topn = words as { a : [ { } -> { } ] , status : { } -> { } -> { } , bogus : { } ? } ;