let apache = uniq by 1e6 ?? { } < { } || count && 2 in status || ! true == { } || 2.5e-3 >= r"(a*)*b" && 1 ?? ! [ ] >= r"(?P<a>\w+) (?P<b>\d+)" ?? f"{_}" in f"{{}}" | join "," | distinct ; type nginx = { common : { } ? } ? ; 
  # note
 
 ; 
