type#A=A
letA=uniq