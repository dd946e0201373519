type hit = {ip: str}
split "," as 
