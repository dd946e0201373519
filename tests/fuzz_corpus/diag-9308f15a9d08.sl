
 
 let json = json |> split 1e6[ : ][ : r"(" >= null ].count[ fun apache -> fun logfmt -> fun time -> { } : ] as { } |> count |> parse "\"" as syslog : [ _ ]