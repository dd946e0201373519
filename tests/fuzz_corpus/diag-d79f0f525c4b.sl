
 let _ = extract r"" as [ [ { } ] ? ? ] |> tsv |> join "\t" ; ;