# Hélène (management) moves the assembly's support twice; the audit trail
# reads as the changes, in the fields' names and the employees' names.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- stdin
update event 1023 set support = "Théo Marchand"
update event 1023 set support = "Kate Hastroff", attendees = 250
show audit where entity = event and record = 1023
--- exit
0
--- stdout
+----+-----------------+----------------+-------------------+--------------------------------------------------------------+
| id | at              | actor          | what              | changes                                                      |
+----+-----------------+----------------+-------------------+--------------------------------------------------------------+
|  5 | [now] | Hélène Garnier | update event 1023 | support: Aliénor Vichum → Théo Marchand                      |
|  6 | [now] | Hélène Garnier | update event 1023 | support: Théo Marchand → Kate Hastroff; attendees: 200 → 250 |
+----+-----------------+----------------+-------------------+--------------------------------------------------------------+
--- stderr
Updated event 1023.
Updated event 1023.
