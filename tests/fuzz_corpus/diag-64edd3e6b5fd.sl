
 filter ! ! [ ] != false || "\\" && ! ! ! ! syslog >= 0