# All or nothing in the database too. Bill gives his clients one email:
# each record passes the shell's checks (nobody else has that email yet),
# and they are written one by one, by id; the first is written, but the
# database refuses the second (an email is one client's). The whole
# command is rolled back, the client written before included, and the
# refusal names the client.
--- setup
demo
login bill@epic.events Closes-Big-Deals-19
--- args
--yes
--keep-going
--- stdin
update clients where name ~ "Ouick" or name = "Wade Thiel" set email = "events@ouick.fr"
count clients where email = "events@ouick.fr"
count clients where email = "john.ouick@gmail.com"
--- exit
9
--- stdout
2 clients would be updated:
+-----+----------------------------------------+-----------------+
|  id | email                                  | new email       |
+-----+----------------------------------------+-----------------+
|   2 | john.ouick@gmail.com                   | events@ouick.fr |
| 156 | wade.thiel@bradtkeandlubowitzgroup.com | events@ouick.fr |
+-----+----------------------------------------+-----------------+
0
1
--- stderr
error: line 1: client 156: a client with this email already exists; no clients were updated
