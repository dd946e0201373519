
  # note
 ; ; words as [ { } ? ? -> ( { } ) ? ? ? ]