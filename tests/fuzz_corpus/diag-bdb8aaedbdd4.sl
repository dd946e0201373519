distinct | take f"x" - { } ?? 1e999 ~ .time ?? ! 250ms in "," 
  # note
