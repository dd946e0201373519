json ; 
 
  # note
 let tsv = 1d > null || ! 999999999999999999999999999999 !~ status ?? 1d == r"(?P<a>\w+) (?P<b>\d+)" || r"\d+" > { } 
 type x = [ [ int -> common ] -> time ? -> { } ? ] -> time < { } ? , common , count ? > ?