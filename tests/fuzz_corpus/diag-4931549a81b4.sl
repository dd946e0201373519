take[[ ]]0
 