# Hélène (management) reads a record and the records one step away: a
# contract's events, an event's client, a client's contracts and events.
# Each list is the typed listing `show ... where client = N`, checked by the
# permission checker like it, without the column that names the record
# above; a list longer than 10 rows is cut and points at that listing. The
# vertical format lists records; CSV and JSON give the record alone.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- stdin
show contract 652
show event 109
show client 1
create contract for client 1 total 100.00 remaining 100.00
create contract for client 1 total 200.00 remaining 200.00
create contract for client 1 total 300.00 remaining 300.00
create contract for client 1 total 400.00 remaining 400.00
create contract for client 1 total 500.00 remaining 500.00
create contract for client 1 total 600.00 remaining 600.00
create contract for client 1 total 700.00 remaining 700.00
create contract for client 1 total 800.00 remaining 800.00
create contract for client 1 total 900.00 remaining 900.00
create contract for client 1 total 1000.00 remaining 1000.00
create contract for client 1 total 1100.00 remaining 1100.00
show client 1
set format vertical
show contract 652
set format csv
show client 1
show event 109
set format json
show contract 652
--- exit
0
--- stdout
-[ RECORD 1 ]+------------------------
id           | 652
client_id    | 2
client       | John Ouick
client_email | john.ouick@gmail.com
client_phone | +1 234 567 8901
company      |
sales        | Bill Boquet
total        | 18450.00
remaining    | 4612.50
signed       | true
created      | 2022-10-20 15:00 +02:00
updated      | 2022-10-20 15:00 +02:00
events       | 1

Event of contract 652:
+-----+--------------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|  id | name               | start             | end               | support       | location                                           | attendees |
+-----+--------------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
-[ RECORD 1 ]-+-------------------------------------------------------------------------------------
id            | 109
name          | John Ouick Wedding
contract      | 652
client        | John Ouick
client_email  | john.ouick@gmail.com
client_phone  | +1 234 567 8901
company       |
sales         | Bill Boquet
start         | 2023-06-04 13:00 +02:00
end           | 2023-06-05 02:00 +02:00
support       | Kate Hastroff
support_email | kate@epic.events
location      | 53 Rue du Château, 41120 Candé-sur-Beuvron, France
attendees     | 75
notes         | Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM.
updated       | [now]
client_id     | 2

Client of event 109:
+----+------------+----------------------+-----------------+---------+-------------------+-------------------+-------------+
| id | name       | email                | phone           | company | created           | last_contact      | sales       |
+----+------------+----------------------+-----------------+---------+-------------------+-------------------+-------------+
|  2 | John Ouick | john.ouick@gmail.com | +1 234 567 8901 |         | Sep 12 2022 11:00 | Jun 06 2023 09:30 | Bill Boquet |
+----+------------+----------------------+-----------------+---------+-------------------+-------------------+-------------+
-[ RECORD 1 ]+------------------------
id           | 1
name         | Kevin Casey
email        | kevin@startup.io
phone        | +678 123 456 78
company      | Cool Startup LLC
created      | 2021-04-18 10:00 +02:00
last_contact | 2023-03-29 16:30 +02:00
updated      | 2023-03-29 16:30 +02:00
sales        | Bill Boquet
sales_email  | bill@epic.events
contracts    | 1
events       | 0

Contract of client 1:
+----+-------------+------------+------------+--------+-------------------+
| id | sales       |      total |  remaining | signed | created           |
+----+-------------+------------+------------+--------+-------------------+
|  1 | Bill Boquet | €12,000.00 | €12,000.00 | false  | Mar 29 2023 17:00 |
+----+-------------+------------+------------+--------+-------------------+

(no events of client 1)
Created contract 653.
Created contract 654.
Created contract 655.
Created contract 656.
Created contract 657.
Created contract 658.
Created contract 659.
Created contract 660.
Created contract 661.
Created contract 662.
Created contract 663.
-[ RECORD 1 ]+------------------------
id           | 1
name         | Kevin Casey
email        | kevin@startup.io
phone        | +678 123 456 78
company      | Cool Startup LLC
created      | 2021-04-18 10:00 +02:00
last_contact | 2023-03-29 16:30 +02:00
updated      | 2023-03-29 16:30 +02:00
sales        | Bill Boquet
sales_email  | bill@epic.events
contracts    | 12
events       | 0

Contracts of client 1 (12):
+-----+-------------+------------+------------+--------+-------------------+
|  id | sales       |      total |  remaining | signed | created           |
+-----+-------------+------------+------------+--------+-------------------+
|   1 | Bill Boquet | €12,000.00 | €12,000.00 | false  | Mar 29 2023 17:00 |
| 653 | Bill Boquet |    €100.00 |    €100.00 | false  | [now]      |
| 654 | Bill Boquet |    €200.00 |    €200.00 | false  | [now]      |
| 655 | Bill Boquet |    €300.00 |    €300.00 | false  | [now]      |
| 656 | Bill Boquet |    €400.00 |    €400.00 | false  | [now]      |
| 657 | Bill Boquet |    €500.00 |    €500.00 | false  | [now]      |
| 658 | Bill Boquet |    €600.00 |    €600.00 | false  | [now]      |
| 659 | Bill Boquet |    €700.00 |    €700.00 | false  | [now]      |
| 660 | Bill Boquet |    €800.00 |    €800.00 | false  | [now]      |
| 661 | Bill Boquet |    €900.00 |    €900.00 | false  | [now]      |
+-----+-------------+------------+------------+--------+-------------------+
…and 2 more: show contracts where client = 1

(no events of client 1)
-[ RECORD 1 ]+------------------------
id           | 652
client_id    | 2
client       | John Ouick
client_email | john.ouick@gmail.com
client_phone | +1 234 567 8901
company      |
sales        | Bill Boquet
total        | 18450.00
remaining    | 4612.50
signed       | true
created      | 2022-10-20 15:00 +02:00
updated      | 2022-10-20 15:00 +02:00
events       | 1

Event of contract 652:
-[ RECORD 1 ]-------------------------------------------------
id        | 109
name      | John Ouick Wedding
start     | 2023-06-04 13:00 +02:00
end       | 2023-06-05 02:00 +02:00
support   | Kate Hastroff
location  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France
attendees | 75
id,name,email,phone,company,created,last_contact,updated,sales,sales_email,contracts,events
1,Kevin Casey,kevin@startup.io,'+678 123 456 78,Cool Startup LLC,2021-04-18T10:00:00+02:00,2023-03-29T16:30:00+02:00,2023-03-29T16:30:00+02:00,Bill Boquet,bill@epic.events,12,0
id,name,contract,client,client_email,client_phone,company,sales,start,end,support,support_email,location,attendees,notes,updated,client_id
109,John Ouick Wedding,652,John Ouick,john.ouick@gmail.com,'+1 234 567 8901,,Bill Boquet,2023-06-04T13:00:00+02:00,2023-06-05T02:00:00+02:00,Kate Hastroff,kate@epic.events,"53 Rue du Château, 41120 Candé-sur-Beuvron, France",75,"Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM.",[now],2
[
{"id":652,"client_id":2,"client":"John Ouick","client_email":"john.ouick@gmail.com","client_phone":"+1 234 567 8901","company":null,"sales":"Bill Boquet","total":18450.00,"remaining":4612.50,"signed":true,"created":"2022-10-20T15:00:00+02:00","updated":"2022-10-20T15:00:00+02:00","events":1}
]
--- stderr
