
  # note
 ; parse csv as int ;