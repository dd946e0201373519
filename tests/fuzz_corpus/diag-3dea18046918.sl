let
A0
=uniq