
 parse syslog | extract r"(?P<n>x)(?P<n>y)" as status