let csv = tsv |> top null by [ ] in true | enumerate | extract r"(" as { f : { } } | parse b as ( json ) |> uniq | tail false in true ?? ! .count ~ 2.5e-3 ?? 0 && [ ] 
 
 ; type count = [ { } ? ] ; ; ; type syslog = str 
  # note
 type f = { } -> { } -> _ < int -> str > ? -> apache < { } , logfmt > ; type _ = [ { csv : x } ? ] 
  # note
