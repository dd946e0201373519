extract r"(?P<a>\w+) (?P<b>\d+)" as { int : ( { } -> { } ) ? } ; 
 
