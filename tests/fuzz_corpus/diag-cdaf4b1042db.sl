let common = sort true >= { } || .path || "'''" in { } || { } , fun tsv -> null == true || .path || null > false 
 ;