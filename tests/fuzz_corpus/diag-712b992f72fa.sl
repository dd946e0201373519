
 count by str = ! [ ] > f"{len(_)}\n" && ! ! .a 
 ;