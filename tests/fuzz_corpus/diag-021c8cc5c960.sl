tail [ ] - true * [ ] in .count // true ?? r"^\s" in 100 && r"\d+" in replace( ) && r"(" in { } && str( ) ~ "a" && ! ! 2 ~ null 
 ;