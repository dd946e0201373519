#!/usr/bin/env -S sl -f
# A word-frequency table kept as `freq<TAB>word` part files in a directory,
# read like a Hive table: every file of the directory, in order.
# Run: sl -f examples/top_words.sl examples/data/wordfreqs/
type wordfreq = {freq: int, word: str}
split "\t" as wordfreq
  | top 5 by .freq
