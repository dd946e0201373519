distinct by ! { } ~ _ ?? ! [ ] && r"^\s" || ! f"{len(_)}\n" in true 
