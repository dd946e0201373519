parse logfmt 
 ; lines { csv = null ?? 3.14 == [ ] || true ?? logfmt == "a" ?? json } ;