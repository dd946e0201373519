
 let x = take ! 3.14 > { } && ! ! "-" in r"" && ! ! null 
