# With --keep-going every command runs; the exit code still reports the
# first failure.
--- args
--keep-going
--- stdin
set format xml
set fromat csv
hlep
help sett
quit now
set format csv
help quit
--- exit
2
--- stdout
leave the shell (Ctrl-D does the same)

  quit | exit

Examples:
  quit
  exit
--- stderr
error: line 1, column 12: unknown format `xml`
  set format xml
             ^^^
help: formats are: table, vertical, csv, json
error: line 2, column 5: unknown setting `fromat`
  set fromat csv
      ^^^^^^
help: did you mean `format`?
error: line 3, column 1: unknown command `hlep`
  hlep
  ^^^^
help: did you mean `help`?
error: line 4, column 6: no help for `sett`
  help sett
       ^^^^
help: did you mean `set`?
error: line 5, column 6: unexpected `now` after the end of the command
  quit now
       ^^^
