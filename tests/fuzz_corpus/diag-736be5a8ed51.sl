
 
  # note
 parse count as { _ : { } , int : x < csv > ? -> ( csv ) -> common ? -> count -> time , apache : logfmt < { } ? -> hit -> n , { } -> apache > } 
 let _ = words as { common : ( { } -> { } ) -> { n : { } , _ : { } } , time : { topn : { } } }