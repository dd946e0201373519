type hit = ip: strr
split "," as hit
