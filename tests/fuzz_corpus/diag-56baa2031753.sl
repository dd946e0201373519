let csv json ( count : { } ? ) dyn = extract "\u{1F600}" as ( ( { } -> { } ) ? ) 
  # note
 ; ; let count ( logfmt : { logfmt : { } } ? -> { _ : { } } ) ( a : { time : common , dyn : { } } ? -> { bogus : { } , nginx : csv } ? ) x = sort by r"" <= "x\0y" || avg( ) || ! 999999999999999999999999999999 >= .bytes