type hit =  limit |{ip﻿ strr}
split "," as hit
