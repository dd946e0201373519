
 
 
 
  # note
 let json = uniq by "\"" in "\u{1F600}" && 1h30m == 42