; 
 let apache = words as { b : { } ? }