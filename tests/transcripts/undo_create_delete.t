# A create is undone by deleting its record, through the same rules as
# `delete`; a delete cannot be undone; a deactivation is undone by
# setting `active` back, and the undo after it takes back the create.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- args
--keep-going
--- stdin
create employee name "Zoé Laurent" email "zoe@epic.events" department support
undo
count employees where email = "zoe@epic.events"
create employee name "Zoé Laurent" email "zoe@epic.events" department support
delete employee 10
undo
create employee name "Zoé Laurent" email "zoe@epic.events" department support
deactivate employee 11
undo
count employees where id = 11 and active = true
undo
count employees where email = "zoe@epic.events"
help undo
--- exit
3
--- stdout
Created employee 9.
Temporary password for Zoé Laurent (zoe@epic.events), shown only this once:
  [temporary password]
They must choose their own at their first login.
0
Created employee 10.
Temporary password for Zoé Laurent (zoe@epic.events), shown only this once:
  [temporary password]
They must choose their own at their first login.
Created employee 11.
Temporary password for Zoé Laurent (zoe@epic.events), shown only this once:
  [temporary password]
They must choose their own at their first login.
1
0
take back your own last change: an update's fields set back, a created record deleted

  undo

Examples:
  undo
--- stderr
Undid your creation of employee 9 (audit entry 5): the employee was deleted.
Deleted employee 10.
error: line 6: a delete cannot be undone: employee 10 was deleted (audit entry 8), nothing was changed
help: create it again with `create employee`
Deactivated Zoé Laurent (employee 11); their sessions are revoked.
Undid your deactivation of employee 11 (audit entry 10): active set back.
Undid your creation of employee 11 (audit entry 9): the employee was deleted.
