parse 
