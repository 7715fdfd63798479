# Kate (support) may update only the events she supports: a bulk update
# that matches one of someone else's is refused whole, naming that event,
# and the one she supports is left as it was.
--- setup
demo
login kate@epic.events Runs-The-Wedding-42
--- args
--yes
--keep-going
--- stdin
update events where id in (109, 1023) set attendees = 90
show events where id in (109, 1023)
update events where id = 109 set attendees = 90, notes = "Checked on site."
show events where id in (109, 1023)
--- exit
5
--- stdout
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
|   id | name                        | contract | client         | start             | end               | support        | location                                           | attendees |
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
|  109 | John Ouick Wedding          |      652 | John Ouick     | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
| 1023 | Lou Bouzin General Assembly |      412 | Jacky Blangier | May 05 2023 15:00 | May 05 2023 17:00 | Aliénor Vichum | Salle des fêtes de Mufflins                        |       200 |
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
1 event would be updated:
+-----+-----------+---------------+--------------------------------------------------------------------------------------+------------------+
|  id | attendees | new attendees | notes                                                                                | new notes        |
+-----+-----------+---------------+--------------------------------------------------------------------------------------+------------------+
| 109 |        75 |            90 | Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM. | Checked on site. |
+-----+-----------+---------------+--------------------------------------------------------------------------------------+------------------+
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
|   id | name                        | contract | client         | start             | end               | support        | location                                           | attendees |
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
|  109 | John Ouick Wedding          |      652 | John Ouick     | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        90 |
| 1023 | Lou Bouzin General Assembly |      412 | Jacky Blangier | May 05 2023 15:00 | May 05 2023 17:00 | Aliénor Vichum | Salle des fêtes de Mufflins                        |       200 |
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
--- stderr
error: line 1: permission denied: event 1023: only the event's support contact or management may update event 1023
help: no events were updated; narrow the condition
Updated 1 event.
