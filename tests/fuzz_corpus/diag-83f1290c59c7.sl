
 csv | split max( ) 
