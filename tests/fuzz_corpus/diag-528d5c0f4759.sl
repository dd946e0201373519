type hit = {ip: str} "," } "," as hti
