
 split str( { } && r"" in f"{{}}" , true in true ?? .status > f"{len(_)}\n" ?? float( ) <= f"{_}" )[ : ][ : ]