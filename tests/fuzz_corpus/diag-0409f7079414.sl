let time = tsv | enumerate | where null >= { } && true in n && ! hit 
