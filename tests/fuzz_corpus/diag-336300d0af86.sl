
  # note
 ; take false % null <= { } % "\"" ?? f ; 
 ;