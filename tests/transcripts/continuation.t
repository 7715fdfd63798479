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
choose how results are printed for the rest of the session (expanded: whether a table too wide for the terminal becomes records, `auto` by default); change a security limit (admin); change the company's time zone, which dates are read and shown in (management, admin; `show time zone` shows it)

  set format table|vertical|csv|json
  set expanded auto|on|off
  set security SETTING = N
  set time zone "ZONE"

Examples:
  set format csv
  set format table
  set expanded on
  show security
  set security idle_minutes = 20
  show time zone
  set time zone "Europe/Paris"
--- stderr
error: line 5, column 3: unknown format `yaml`
    yaml
    ^^^^
help: formats are: table, vertical, csv, json
