# A line ending in `\` continues on the next; an error in a continued
# command names the line it is on.
--- stdin
help \
  set
set \
  format \
  yaml
--- exit
2
--- stdout
choose how results are printed for the rest of the session (expanded: whether a table too wide for the terminal becomes records, `auto` by default); change a security limit (admin)

  set format table|vertical|csv|json
  set expanded auto|on|off
  set security SETTING = N

Examples:
  set format csv
  set format table
  set expanded on
  show security
  set security idle_minutes = 20
--- stderr
error: line 5, column 3: unknown format `yaml`
    yaml
    ^^^^
help: formats are: table, vertical, csv, json
