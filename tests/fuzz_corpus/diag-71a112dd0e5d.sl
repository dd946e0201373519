
 
 sort by 1e999 <= true || ! round( ) || ! 0.5 > f"{len(_)}\n" | flatten