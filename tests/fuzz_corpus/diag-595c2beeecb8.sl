type nginx = { count : { x : { } } } 
 let a = distinct by if if f"{{}}" in [ ] ?? 999999999999999999999999999999 then if true in 1h30m then if false !~ f"{{}}" then null else f"{"q"}" else if [ ] then [ ] else json >= f"{_}" else if lower( ) then { } else if str( ) then { } in ._ else false ~ 42 then 999999999999999999999999999999 ~ { } ?? "*" else if "a" < [ ] then "{}" in false else if r"(" in .ip then [ ] in topn else fun logfmt -> .ip |> words as tsv < syslog > | parse "* - *" as json |> uniq 
 take false && ! true in f"{_}" || false && 9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999 <= null && r"(?P<n>x)(?P<n>y)" in false && "x\0y" in r"(?P<n>x)(?P<n>y)" 
 
  # note
 ; 
 let dyn ( nginx : { } ? ? ? ? ? ) = words as [ x ? ? ? ] | extract r"["