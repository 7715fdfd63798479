# Kate, from support, keeps her own queries by name and runs the team's,
# which Hélène from management saved (saved_queries_team.epic). A saved
# query runs as if typed: the team's audit query is refused to support.
# Only reads are saved, and a name may not shadow the language. Logged
# out, a lone word is a command mistyped or a saved query out of reach.
--- setup
demo
login helene@epic.events Balances-The-Books-7
-f saved_queries_team.epic
login kate@epic.events Runs-The-Wedding-42
--- args
--keep-going
--- stdin
save query mine as show events where support is me and start >= today order by start
SAVE QUERY My_Count AS count events WHERE support IS me
save query wedding as show events where support is me and client ~ "Ouick"
show queries
my_count
show my_count
wedding
unsigned
recent_changes
save query my_count as count events
save team query late as show events where support is none
delete team query unsigned
save query x as delete client 3
save query x as show sessions
save query events as count events
save query evnts as count events
save query list as count events
my_cuont
nothing_here
show evnts
delete query my_count
my_count
delete query my_count
logout
wedding
--- exit
5
--- stdout
+----------------+-------+-------------------------------------------------------------------+
| name           | whose | query                                                             |
+----------------+-------+-------------------------------------------------------------------+
| mine           | yours | show events where support is me and start >= today order by start |
| my_count       | yours | count events where support is me                                  |
| wedding        | yours | show events where support is me and client ~ "Ouick"              |
| recent_changes | team  | show audit order by at desc limit 3                               |
| unsigned       | team  | count contracts where signed = false                              |
+----------------+-------+-------------------------------------------------------------------+
59
59
+-----+--------------------+----------+------------+-------------------+-------------------+----------------------------------------------------+-----------+
|  id | name               | contract | client     | start             | end               | location                                           | attendees |
+-----+--------------------+----------+------------+-------------------+-------------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding |      652 | John Ouick | Jun 04 2023 13:00 | Jun 05 2023 02:00 | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+----------+------------+-------------------+-------------------+----------------------------------------------------+-----------+
(support: me for every row)
128
--- stderr
Saved query mine: run it with `mine` or `show mine`.
Saved query my_count: run it with `my_count` or `show my_count`.
Saved query wedding: run it with `wedding` or `show wedding`.
error: line 9: permission denied: only management may read the audit log
error: line 10: a saved query of this name exists already
help: `delete query NAME` first, or choose another name
error: line 11: permission denied: only management may save or delete team queries
error: line 12: permission denied: only management may save or delete team queries
error: line 13, column 17: only a read can be saved: `show`, `count`, `report` or `explain`, not `delete`
  save query x as delete client 3
                  ^^^^^^
help: for example: save query mine as show events where support is me and start >= today
error: line 14, column 17: only a read can be saved: `show`, `count`, `report` or `explain`, not `show sessions`
  save query x as show sessions
                  ^^^^^^^^^^^^^
help: for example: save query mine as show events where support is me and start >= today
error: line 15, column 12: `events` cannot name a saved query: the language takes it
  save query events as count events
             ^^^^^^
help: a saved query's name may not be, nor be one typo from: audit, client, clients, contract, contracts, count, create, deactivate, delete, employee, employees, event, events, exit, explain, help, import, login, logout, notifications, passwd, queries, query, quit, report, reset, revoke, save, security, sessions, set, show, team, time, undo, unlock, update, whoami; nor `list`, `find` and the SQL words
error: line 16, column 12: `evnts` cannot name a saved query: it is one typo from `events`
  save query evnts as count events
             ^^^^^
help: a saved query's name may not be, nor be one typo from: audit, client, clients, contract, contracts, count, create, deactivate, delete, employee, employees, event, events, exit, explain, help, import, login, logout, notifications, passwd, queries, query, quit, report, reset, revoke, save, security, sessions, set, show, team, time, undo, unlock, update, whoami; nor `list`, `find` and the SQL words
error: line 17, column 12: `list` cannot name a saved query: the language takes it
  save query list as count events
             ^^^^
help: a saved query's name may not be, nor be one typo from: audit, client, clients, contract, contracts, count, create, deactivate, delete, employee, employees, event, events, exit, explain, help, import, login, logout, notifications, passwd, queries, query, quit, report, reset, revoke, save, security, sessions, set, show, team, time, undo, unlock, update, whoami; nor `list`, `find` and the SQL words
error: line 18: no saved query is named `my_cuont`
help: did you mean `my_count`?
error: line 19: no saved query is named `nothing_here`
help: the saved queries are: mine, my_count, wedding, recent_changes, unsigned
error: line 20, column 6: unknown entity `evnts`
  show evnts
       ^^^^^
help: did you mean `events`?
Deleted saved query my_count.
error: line 22: no saved query is named `my_count`
help: the saved queries are: mine, wedding, recent_changes, unsigned
error: line 23: no saved query is named `my_count`
help: the saved queries are: mine, wedding, recent_changes, unsigned
Logged out.
error: line 25: unknown command `wedding`, or a saved query, which needs you logged in
help: type `help` for the commands, or `login EMAIL` to run your saved queries
