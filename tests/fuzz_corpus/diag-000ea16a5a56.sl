let count = tsv |> words as ( { _ : { } } ? ? ) ; 
 type apache = { dyn : { } -> count } ? ? 
 let csv ( count : logfmt ? ? ) = parse _ 
