top 3
len(_)