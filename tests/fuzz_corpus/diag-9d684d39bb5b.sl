let longer_than n = where len(_) > n
longer_than 1  longer_than 2
