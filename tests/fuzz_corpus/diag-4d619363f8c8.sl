let f = 
lines f | count
