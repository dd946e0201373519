let common = extract r"(?P<a>\w+) (?P<b>\d+)" as ( { json : { } } ? ? ? ) 
  # note
 
