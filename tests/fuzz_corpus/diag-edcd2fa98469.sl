let n = 
take n
