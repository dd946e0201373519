
 where fun syslog -> null < [ ] && f"x" <= .path + null ?? ! f"{"q"}" in true && true ~ 250ms ;