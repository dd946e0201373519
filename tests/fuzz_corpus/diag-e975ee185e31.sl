let apache = uniq by fun csv -> 1e999 && [ ] || ! r"(?P<a>\w+) (?P<b>\d+)" ~ r"(?P<n>x)(?P<n>y)" | parse "{}" as topn 
  # note
 ;