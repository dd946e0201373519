# Task E in awk: bytes sent per day ("-" counts as 0), days in first-seen order.
#   awk -f e_bytes_by_day.awk access.log
BEGIN {
    split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", names, " ")
    for (i = 1; i <= 12; i++) month[names[i]] = sprintf("%02d", i)
}
{
    day = substr($4, 9, 4) "-" month[substr($4, 5, 3)] "-" substr($4, 2, 2)
    if (!(day in total)) seen[++n] = day
    total[day] += ($10 == "-" ? 0 : $10)
}
END {
    # %.0f: a day's total passes 2^31, where some awks' %d stops.
    for (i = 1; i <= n; i++) printf "%s\t%.0f\n", seen[i], total[seen[i]]
}
