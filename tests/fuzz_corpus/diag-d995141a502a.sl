; 
  # note
 
  # note
 distinct | filter ! [ ] <= [ ] && ! { } && ! matches( ) == [ ] ?? ! avg( ) !~ f"{_}" ?? ! null !~ 1e6 ?? [ ] != null || "" <= null || false ; let csv = words ;