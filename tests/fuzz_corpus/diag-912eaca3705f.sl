; 
  # note
 ; 
 
 
 
 ; 
 ; let bogus ( bogus : { f : { } } ? ? ) = extract r"^\s" as { b : { } ? -> { int : { } } ? } ;