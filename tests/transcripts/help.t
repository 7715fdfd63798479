# `help` lists every command; `help COMMAND` shows its syntax and examples.
--- stdin
help
help set
HELP quit
--- exit
0
--- stdout
Commands:
  show ENTITY [where CONDITION] [order by FIELD [asc|desc], ...] [limit N] [offset N]
  show ENTITY ID  list clients, contracts, events or employees, or show one record in full
  count ENTITY [where CONDITION]                                                                        count the records that match, without listing them
  explain show ... | explain count ...                                                                  show how epic understood a command and the SQL it would run, without running it
  login EMAIL                                                                                           log in; the password is asked for without echo, never typed in the command
  logout                                                                                                end your session (it is revoked, and its file removed)
  whoami                                                                                                who is logged in, with which role, and until when
  passwd                                                                                                change your password (your other sessions are revoked)
  revoke session ID | revoke sessions of EMPLOYEE                                                       end someone's session, or all their sessions (admin); `show sessions` lists them
  unlock "EMAIL"                                                                                        lift the lock put on an email after too many failed logins (admin)
  reset password of EMPLOYEE                                                                            give an employee a temporary password, shown once, to change at their next login (management, admin)
  help [COMMAND]                                                                                        list the commands, or show one command's syntax and examples
  set format table|vertical|csv|json                                                                    choose how results are printed for the rest of the session
  quit | exit                                                                                           leave the shell (Ctrl-D does the same)

A line ending in `\`, or with an open quote or parenthesis, continues on the next.
Type `help COMMAND` for its syntax and examples; grammar.md has the whole language.
choose how results are printed for the rest of the session

  set format table|vertical|csv|json

Examples:
  set format csv
  set format table
leave the shell (Ctrl-D does the same)

  quit | exit

Examples:
  quit
  exit
--- stderr
