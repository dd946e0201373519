; 
 ; type csv = [ { } ? ? ? ] ? ; 
 
 words |> distinct | derive f"{"q"}" || f"{"q"}" in n || [ ] >= false ;