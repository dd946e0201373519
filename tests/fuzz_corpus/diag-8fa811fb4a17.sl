; 
	
 

			 ; extract
  # c
 r"f¦"#Ô%ã󊲣qVâ:çeØ񈠱򊀻M񃣇