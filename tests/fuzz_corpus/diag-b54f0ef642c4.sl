
 
 tsv |> where ! false >= "* - *" ; 
