
 let csv = drop ! ! ! [ ] in true