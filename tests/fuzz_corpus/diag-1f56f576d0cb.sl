let inc (x: int) =x + 1
map inc(_)
