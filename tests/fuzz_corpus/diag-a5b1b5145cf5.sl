; ; let b count = distinct by ! "\"" in 1 
 ;