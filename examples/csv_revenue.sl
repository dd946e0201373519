#!/usr/bin/env -S sl -f
# Revenue per region from a CSV export (quoted commas, a field spanning two
# lines, CRLF line ends, and one row with bad units that is reported).
# Run: sl -f examples/csv_revenue.sl examples/data/sales.csv
parse csv as {region: str, product: str, units: int, price: float}
  | summarize revenue = round(sum(.units * .price), 2), units = sum(.units) by .region
  | table
