
 
  # note
 lines 100[ : ] 
