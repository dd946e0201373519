split {a={a=" "}} as {ip: str, bytes: int?} | fold 0 (fun acc x -> acc + 
(x.bytes ?? 0))