
 stdin | count | enumerate | extract "'''" ; ; 
  # note
