# The company's time zone: management changes it (a name that is not an
# IANA zone is refused, naming the accepted form) and dates follow at once;
# time_zone_refused.t: sales may not.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- args
--keep-going
--- stdin
show time zone
show events where start = "4 Jun 2023 @ 1PM"
set time zone "Paris"
set time zone "america/new_york"
show time zone
show events where start = "4 Jun 2023 @ 7AM"
set time zone "Europe/Paris"
set time zone utc
show time zone
--- exit
2
--- stdout
-[ RECORD 1 ]---------
company | Europe/Paris
yours   | Europe/Paris
from    | company
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|  id | name               | contract | client     | start             | end               | support       | location                                           | attendees |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding |      652 | John Ouick | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
-[ RECORD 1 ]-------------
company | America/New_York
yours   | America/New_York
from    | company
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|  id | name               | contract | client     | start             | end               | support       | location                                           | attendees |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding |      652 | John Ouick | Jun 04 2023 07:00 | Jun 04 2023 20:00 | Kate Hastroff | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
-[ RECORD 1 ]----
company | UTC
yours   | UTC
from    | company
--- stderr
error: line 3, column 15: unknown time zone `"Paris"`
  set time zone "Paris"
                ^^^^^^^
help: name a zone of the IANA time zone database in quotes, as "Europe/Paris", "America/New_York" or "UTC"
The company's time zone: Europe/Paris -> America/New_York.
The company's time zone: America/New_York -> Europe/Paris.
The company's time zone: Europe/Paris -> UTC.
