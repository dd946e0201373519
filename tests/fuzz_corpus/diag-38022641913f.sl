; 
 ; 
 
 let b _ bogus csv = select str = fun n -> false && lineno( ) 
 let status = enumerate 
