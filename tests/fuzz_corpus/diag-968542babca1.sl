
 let hit = take ! ! ! { } 
 ; extract "'''" as x