# Kate changes the wedding's attendees; Hélène changes them again. Kate's
# `undo` would lose Hélène's change: it is refused (exit code 9), naming
# who changed the record, and nothing is changed.
--- setup
demo
login kate@epic.events Runs-The-Wedding-42
-c update event 109 set attendees = 80
login helene@epic.events Balances-The-Books-7
-c update event 109 set attendees = 90
login kate@epic.events Runs-The-Wedding-42
--- args
--keep-going
--- stdin
undo
count events where id = 109 and attendees = 90
--- exit
9
--- stdout
1
--- stderr
error: line 1: event 109 changed since your update (by Hélène Garnier): nothing was changed
help: `show event 109` shows it as it is now; change it with `update`
