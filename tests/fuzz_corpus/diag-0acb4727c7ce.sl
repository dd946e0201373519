
 let str = split null 
 
 flatten ; ;