# Hélène (management) changes the assembly twice; each `undo` takes back
# one of her changes, the newest first (never an undo), setting back
# exactly the fields it changed; the trail files each as the undo of its
# entry. An update that set what was there is undone too (nothing to set
# back), so it hides no change before it. With nothing left to take back,
# `undo` says so.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- args
--keep-going
--- stdin
update event 1023 set attendees = 200
undo
update event 1023 set support = "Théo Marchand"
update event 1023 set attendees = 250, notes = "Two rooms."
undo
count events where id = 1023 and support = "Théo Marchand" and attendees = 200
undo
count events where id = 1023 and support = "Aliénor Vichum" and attendees = 200
undo
show audit where entity = event and record = 1023
--- exit
3
--- stdout
1
1
+----+-----------------+----------------+----------------------------+-----------------------------------------------------------------------------------------+
| id | at              | actor          | what                       | changes                                                                                 |
+----+-----------------+----------------+----------------------------+-----------------------------------------------------------------------------------------+
|  5 | [now] | Hélène Garnier | update event 1023          |                                                                                         |
|  6 | [now] | Hélène Garnier | undo event 1023 (undoes 5) |                                                                                         |
|  7 | [now] | Hélène Garnier | update event 1023          | support: Aliénor Vichum → Théo Marchand                                                 |
|  8 | [now] | Hélène Garnier | update event 1023          | attendees: 200 → 250; notes: Shareholders' general assembly (~200 people). → Two rooms. |
|  9 | [now] | Hélène Garnier | undo event 1023 (undoes 8) | attendees: 250 → 200; notes: Two rooms. → Shareholders' general assembly (~200 people). |
| 10 | [now] | Hélène Garnier | undo event 1023 (undoes 7) | support: Théo Marchand → Aliénor Vichum                                                 |
+----+-----------------+----------------+----------------------------+-----------------------------------------------------------------------------------------+
--- stderr
Updated event 1023.
Undid your update of event 1023 (audit entry 5): it changed nothing, so nothing was set back.
Updated event 1023.
Updated event 1023.
Undid your update of event 1023 (audit entry 8): attendees, notes set back.
Undid your update of event 1023 (audit entry 7): support set back.
error: line 9: nothing to undo: you have made no change that is not undone yet
help: `undo` takes back your own last create or update, one at a time
