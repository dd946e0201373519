type csv = { } ; 
 words | sort 100 != [ ] ?? float( ) ?? false in false asc