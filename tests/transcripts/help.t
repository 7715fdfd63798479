# `help` lists every command; `help COMMAND` shows its syntax and examples.
--- stdin
help
help set
HELP quit
--- exit
0
--- stdout
Commands:
  show        list clients, contracts, events or employees, or show one record in full with the records one step away (a client's contracts and events, a contract's events, an event's client)
  count       count the records that match, without listing them
  explain     show how epic understood a command and the SQL it would run, without running it
  create      create a client, a contract for a client, an event for a signed contract, or an employee
  update      change fields of a record, or of all a condition matches (previewed, then confirmed); `none` empties an optional field
  delete      delete an employee, moving their clients and events to another
  deactivate  keep an employee's record but end their access (their sessions are revoked)
  undo        take back your own last change: an update's fields set back, a created record deleted
  import      load the support team's spreadsheet (.csv or .xlsx) into the CRM (admin): a dry run that prints the plan, or with `apply` all of it in one transaction; `sales` owns the new clients the sheet gives no salesperson, `map` names the field of a column
  report      per salesperson totals, upcoming events per support contact, or contracts with money due
  login       log in; the password is asked for without echo, never typed in the command
  logout      end your session (it is revoked, and its file removed)
  whoami      who is logged in, with which role, and until when
  passwd      change your password (your other sessions are revoked)
  revoke      end someone's session, or all their sessions (admin); `show sessions` lists them
  unlock      lift the lock put on an email after too many failed logins (admin)
  reset       give an employee a temporary password, shown once, to change at their next login (management, admin)
  help        list the commands, show one command's syntax and examples, or an entity's fields
  set         list the shell's settings and where each comes from (`set` alone); choose how results are printed for the rest of the session (the format; expanded: when a table becomes records, `auto` by default; pager: `on` or `off`; page_size: rows a table shows before it stops; timing: print each command's time); change a security limit (admin); change the company's time zone, which dates are read and shown in (management, admin; `show time zone` shows it)
  save        write this session's format, expanded, pager, page_size and timing into the config file's [shell] table (~/.config/epic/config.toml, or EPIC_CONFIG), keeping the rest of it
  quit        leave the shell (Ctrl-D does the same)
  save        keep a read under a name, yours or (management) the team's, kept in the database; `NAME` runs it, checked as if typed

A line ending in `\`, `and`, `or` or `,`, or with an open quote or parenthesis,
continues on the next. Type `help COMMAND` for its syntax and examples,
`help ENTITY` (clients, contracts, events, employees, audit) for its fields;
grammar.md describes the whole language.
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
leave the shell (Ctrl-D does the same)

  quit | exit

Examples:
  quit
  exit
--- stderr
