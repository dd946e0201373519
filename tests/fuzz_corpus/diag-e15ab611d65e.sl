map
