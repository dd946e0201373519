#!/usr/bin/env -S sl -f
# The hours with the most 404s: where and when do visitors get lost?
# Run: sl -f examples/lost_hours.sl examples/data/access.log
let lost = where .status == 404
let hourly = summarize n = count() by hour = bucket(.time, 1h)
parse apache | lost | hourly | top 3 by .n
