extract r"(?P<a>\w+) (?P<b>\d+)" | parse _ as { f : json -> { dyn : { } , common : x } -> { } ? ? } 
  # note
