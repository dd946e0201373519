
  # note
 
 
 let n int = uniq by ! [ ] in 1h30m