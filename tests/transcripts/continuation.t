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
list the shell's settings and where each comes from (`set` alone); choose how results are printed for the rest of the session (the format; expanded: when a table becomes records, `auto` by default; pager: `on` or `off`; page_size: rows a table shows before it stops; timing: print each command's time); change a security limit (admin); change the company's time zone, which dates are read and shown in (management, admin; `show time zone` shows it)

  set
  set format table|vertical|csv|json
  set expanded auto|on|off
  set pager on|off
  set page_size N
  set timing on|off
  set security SETTING = N
  set time zone "ZONE"

Examples:
  set
  set format csv
  set format table
  set expanded on
  set pager off
  set page_size 50
  set timing on
  show security
  set security idle_minutes = 20
  show time zone
  set time zone "Europe/Paris"
--- stderr
error: line 5, column 3: unknown format `yaml`
    yaml
    ^^^^
help: formats are: table, vertical, csv, json
