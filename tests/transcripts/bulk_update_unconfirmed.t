# A batch without --yes shows what a bulk update would change, then
# refuses it: nothing is updated, and the exit code says why (2).
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- args
--keep-going
--- stdin
update events where id in (109, 1023) set support = none
show events where id in (109, 1023)
--- exit
2
--- stdout
2 events would be updated:
+------+----------------+-------------+
|   id | support        | new support |
+------+----------------+-------------+
|  109 | Kate Hastroff  |             |
| 1023 | Aliénor Vichum |             |
+------+----------------+-------------+
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
|   id | name                        | contract | client         | start             | end               | support        | location                                           | attendees |
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
|  109 | John Ouick Wedding          |      652 | John Ouick     | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
| 1023 | Lou Bouzin General Assembly |      412 | Jacky Blangier | May 05 2023 15:00 | May 05 2023 17:00 | Aliénor Vichum | Salle des fêtes de Mufflins                        |       200 |
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
--- stderr
error: line 1: updating 2 events needs a confirmation: nothing was updated
help: in a batch, confirm with `epic --yes`; the shell asks [y/N]
