; ; 
 ; split 250ms.status as { }