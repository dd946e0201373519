let n _= 1
take n
