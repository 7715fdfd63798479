# `set timing on` prints each command's time on stderr, like psql's
# `\timing` (`Time: 12.3 ms`, normalised here to `[ms]`); `set timing off`
# stops it. With `--keep-going` a mistake is shown and not timed.
--- setup
demo
login bill@epic.events Closes-Big-Deals-19
--- args
--keep-going
--- stdin
count clients
set timing on
count clients
set format csv
set timing of
set timing off
count clients
--- exit
2
--- stdout
303
303
303
--- stderr
Time: [ms]
Time: [ms]
error: line 5, column 12: unknown timing setting `of`
  set timing of
             ^^
help: did you mean `on`?
