csv 
  # note
 
 let dyn = sort .bytes !~ false || f"x" && r"(?P<a>\w+) (?P<b>\d+)" ?? "-" in false ?? .status ; flatten | extract r"(?P<a>\w+) (?P<b>\d+)" | parse syslog as common < [ b ? -> { } ] >