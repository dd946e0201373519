split { } 
