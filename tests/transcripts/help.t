# `help` lists every command; `help COMMAND` shows its syntax and examples.
--- stdin
help
help set
HELP quit
--- exit
0
--- stdout
Commands:
  help [COMMAND]                      list the commands, or show one command's syntax and examples
  set format table|vertical|csv|json  choose how results are printed for the rest of the session
  quit | exit                         leave the shell (Ctrl-D does the same)

A line ending in `\`, or with an open quote or parenthesis, continues on the next.
Type `help COMMAND` for examples.
set format table|vertical|csv|json
  choose how results are printed for the rest of the session

Examples:
  set format csv
  set format table
quit | exit
  leave the shell (Ctrl-D does the same)

Examples:
  quit
  exit
--- stderr
