# Task B in awk: requests per status, most frequent first, ties in first-seen order.
#   awk -f b_count_status.awk access.log
{
    if (!($9 in count)) seen[++n] = $9
    count[$9]++
}
END {
    # Selection sort over the few statuses; `>` (not `>=`) keeps ties in first-seen order.
    for (i = 1; i <= n; i++) {
        best = 0
        for (j = 1; j <= n; j++)
            if (!(j in done) && (best == 0 || count[seen[j]] > count[seen[best]])) best = j
        done[best] = 1
        print seen[best] "\t" count[seen[best]]
    }
}
