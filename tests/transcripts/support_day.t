# Kate, from support, logs in and works on her events: `is me` is her.
# Commands need a live session; management-only commands are refused.
--- setup
demo
login kate@epic.events Runs-The-Wedding-42
--- args
--keep-going
--- stdin
whoami
count events where support is me and start < 2024-01-01
show events where support is me and start < 2024-01-01
show events where support is not me and client ~ "Ouick"
show sessions
reset password of "Bill Boquet"
logout
show events
--- exit
5
--- stdout
-[ RECORD 1 ]----------------------
name      | Kate Hastroff
email     | kate@epic.events
role      | support
session   | 2
logged_in | [now]
expires   | [now]
1
+-----+--------------------+----------+------------+-------------------+-------------------+----------------------------------------------------+-----------+
|  id | name               | contract | client     | start             | end               | location                                           | attendees |
+-----+--------------------+----------+------------+-------------------+-------------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding |      652 | John Ouick | Jun 04 2023 13:00 | Jun 05 2023 02:00 | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+----------+------------+-------------------+-------------------+----------------------------------------------------+-----------+
(support: me for every row)
--- stderr
(no events match)
error: line 5: permission denied: only admins may list sessions
error: line 6: permission denied: only management may reset passwords
Logged out.
error: line 8: not logged in
help: log in with `login EMAIL` in the shell, or `epic login EMAIL`
