; 
 
  # note
 let _ = extract r"^\s" as [ { } ] 
  # note
 
 parse str