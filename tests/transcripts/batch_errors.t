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
quit | exit
  leave the shell (Ctrl-D does the same)

Examples:
  quit
  exit
--- stderr
error: line 4, column 1: unknown command `shwo`
  shwo events
  ^^^^
help: commands are: help, set, quit; type `help` for more
