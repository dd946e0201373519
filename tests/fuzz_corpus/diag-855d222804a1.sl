
 flatten 
  # note
 
 let csv = words as ( { } ? ? ? ? )