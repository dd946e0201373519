fold true[ "'''" ~ 1d && ! 1d > dyn || null !~ { } || ! .ip in 0 && ! null in 5m ] false[ ! ! 0 && { } ?? ! csv : ] 
  # note
