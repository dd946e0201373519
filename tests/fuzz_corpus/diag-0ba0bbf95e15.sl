distinct by ! { } >= 0s && 1e6 - 1h30m in false && ! 0.5 != int( ) 
  # note
