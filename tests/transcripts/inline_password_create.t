# A new employee's password is never typed in `create employee`: the line
# is refused before it runs, shown with everything after `password`
# masked, and nobody is created.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- args
--keep-going
--- stdin
create employee name "Nina Nouvelle" email "nina@epic.events" department sales password "Finds-New-Clients-33"
count employees where email = "nina@epic.events"
--- exit
2
--- stdout
0
--- stderr
error: line 1, column 89: a password is never typed on the command line: this line was not run, nor saved
  ouvelle" email "nina@epic.events" department sales password ********
                                                              ^^^^^^^^
help: leave out `password`: the new employee gets a temporary password, shown once, and chooses their own at their first login
