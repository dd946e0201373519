parse "* *" as k, n:int?-| 😀f
map .n ??  1