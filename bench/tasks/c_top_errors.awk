# Tasks C and D in awk: the 10 paths with most error responses (status >= 400),
# ties in first-seen order.
#   awk -f c_top_errors.awk access.log
$9 >= 400 {
    if (!($7 in count)) seen[++n] = $7
    count[$7]++
}
END {
    # Ten passes of selection: cheaper than sorting every path, and `>` keeps ties stable.
    for (i = 1; i <= 10 && i <= n; i++) {
        best = 0
        for (j = 1; j <= n; j++)
            if (!(j in done) && (best == 0 || count[seen[j]] > count[seen[best]])) best = j
        done[best] = 1
        print seen[best] "\t" count[seen[best]]
    }
}
