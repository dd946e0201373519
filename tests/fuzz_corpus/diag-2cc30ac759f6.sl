
 
 let logfmt = uniq by r"(?P<n>x)(?P<n>y)" == { } && ! 42 >= str( ) && ! ! .b != [ ] || null ?? false in "\u{1F600}" && nginx && "*" in .path || ! .bytes >= f && .path in 3.14 ?? 2 || f"{len(_)}\n" || { } && ! 1d < 1e999 ; ;