# An open parenthesis continues the command on the next line, as in the
# shell; when the next line does not close it, the error says where it opened.
--- stdin
show events where (support is none
help
--- exit
2
--- stdout
--- stderr
error: line 2, column 1: expected `)`, `and` or `or`, found `help`
  help
  ^^^^
help: the `(` at line 1, column 19 of this command is still open
