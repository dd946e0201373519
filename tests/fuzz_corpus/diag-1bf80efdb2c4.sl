let n = 1 + 1
take [[n]] * 2
