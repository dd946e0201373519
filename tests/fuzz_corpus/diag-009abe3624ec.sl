
 
 ; let nginx = sort by ! 1d >= true || 250ms < true && ._ in null && ! null == [ ] && true ~ .count ?? false desc ; let x common = uniq | uniq ; 
  # note
 type str = topn ?