let csv = sort by "*" in r"(?P<a>\w+) (?P<b>\d+)" && { } <= false ; 
 
 ; ; 
