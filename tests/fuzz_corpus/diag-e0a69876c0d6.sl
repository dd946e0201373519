type hit = {ip: str, statusstatusstatus: int}
let bad (h: hit) = h.status >= 400
split " " as hit| where bad(_) | map .ip
