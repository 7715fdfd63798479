# The first failing command stops a batch, names its line and column, and
# the rest does not run. Comments and blank lines keep their line numbers.
--- stdin
# Monday's batch

help quit
shwo events
help
--- exit
2
--- stdout
leave the shell (Ctrl-D does the same)

  quit | exit

Examples:
  quit
  exit
--- stderr
error: line 4, column 1: unknown command `shwo`
  shwo events
  ^^^^
help: did you mean `show`?
