lines [ ][ : ] 
