
  # note
 
 ; sort null > true && .status in [ ] && ! .count && ! 250ms <= r"\d+" && 0s + null in sum( ) + r"^\s" ?? 1e6 !~ list( ) && [ ] >= 1e6 ?? x( ) > false asc