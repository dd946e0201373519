# Task A in awk: Apache combined log -> CSV of ip, time, method, path, status.
#   awk -f a_apache_csv.awk access.log
# Fields by whitespace: $4 "[17/May/2015:10:05:03", $5 "+0000]", $6 "\"GET", $7 path, $9 status.
BEGIN {
    OFS = ","
    split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", names, " ")
    for (i = 1; i <= 12; i++) month[names[i]] = sprintf("%02d", i)
    print "ip", "time", "method", "path", "status"
}
{
    t = $4
    time = substr(t, 9, 4) "-" month[substr(t, 5, 3)] "-" substr(t, 2, 2) "T" substr(t, 14, 8) \
        substr($5, 1, 3) ":" substr($5, 4, 2)
    path = $7
    # CSV quotes a field only when it must (RFC 4180), as Python's csv module does.
    if (path ~ /[",]/) {
        gsub(/"/, "\"\"", path)
        path = "\"" path "\""
    }
    print $1, time, substr($6, 2), path, $9
}
