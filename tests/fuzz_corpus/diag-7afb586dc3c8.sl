
  # note
 
  # note
 extract r"(" as { time : ( { } ) ? -> f < { } ? > -> { } ? ? } ; extract r"(a*)*b" as [ { status : { } -> { } -> { } } ] ;