; let _ = extract "," 
  # note
 distinct by 100 && ! r"(a*)*b" <= 5m || ! ! bogus || hit + null < 0.5 - "x\0y" 
 
 
 ; ; ; 
  # note
 
 ;