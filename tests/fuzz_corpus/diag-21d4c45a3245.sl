; ; 
 let status = select b = null < "* - *" && .a in [ ] && true == { } |> parse "{}" as str 
  # note
