
  # note
 ; words as str