# Bulk updates: Hélène (management) gives two events to Kate. The preview
# says how many records change and shows each field's value now and the
# one it takes; with --yes a batch goes on, and each record is written and
# audited on its own. A condition that matches nothing is refused.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- args
--yes
--keep-going
--- stdin
update events where id in (109, 1023) set support = "Kate Hastroff"
show events where id in (109, 1023)
count audit where entity = event and action ~ "update"
update clients where name ~ "Ouick" or name ~ "Blangier" set sales = "Bill Boquet"
update events where client ~ "nobody has this name" set support = none
--- exit
6
--- stdout
2 events would be updated:
+------+----------------+---------------+
|   id | support        | new support   |
+------+----------------+---------------+
|  109 | Kate Hastroff  | Kate Hastroff |
| 1023 | Aliénor Vichum | Kate Hastroff |
+------+----------------+---------------+
+------+-----------------------------+----------+----------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|   id | name                        | contract | client         | start             | end               | support       | location                                           | attendees |
+------+-----------------------------+----------+----------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|  109 | John Ouick Wedding          |      652 | John Ouick     | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
| 1023 | Lou Bouzin General Assembly |      412 | Jacky Blangier | May 05 2023 15:00 | May 05 2023 17:00 | Kate Hastroff | Salle des fêtes de Mufflins                        |       200 |
+------+-----------------------------+----------+----------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
2
2 clients would be updated:
+----+--------------+-------------+
| id | sales        | new sales   |
+----+--------------+-------------+
|  2 | Bill Boquet  | Bill Boquet |
|  3 | Sophie Ravel | Bill Boquet |
+----+--------------+-------------+
--- stderr
Updated 2 events.
Updated 2 clients.
error: line 5: no events match `client ~ "nobody has this name"`: nothing was updated
