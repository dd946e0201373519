; 
 enumerate | parse "x\0y" as n