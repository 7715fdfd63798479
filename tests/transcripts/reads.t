# The daily reads on the demo data: SPEC's example records, found by the
# filters each team uses, in every output format. The harness runs with
# TZ=UTC, which chooses no zone: dates are the company's, Paris after `demo`,
# so the wedding starts at 1PM as its record says.
--- setup
demo
--- stdin
show events where client ~ "Ouick" or (location ~ "Mufflins" and attendees >= 100)
show event 109
show event 1023
show client 1
count events where client ~ "ouick"
show contracts where client ~ "Ouick" or client ~ "Blangier" order by total desc
show events where start = 4 Jun 2023
show events where start = "4 Jun 2023 @ 1PM"
show events where start >= 2023-06-01 and start < 2023-07-01 and client ~ "Ouick"
show clients where company ~ "startup" order by last_contact desc limit 10
show employees where department in (sales, support) order by name
show events where support = "kate hastroff" and start < 2024-01-01
set format csv
show events where id in (109, 1023)
set format json
show events where id in (109, 1023)
show contracts where id = 652
set format vertical
show employees where email = "KATE@epic.events"
show events where client ~ "nobody has this name"
show event 99999
--- exit
6
--- stdout
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
|   id | name                        | contract | client         | start             | end               | support        | location                                           | attendees |
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
|  109 | John Ouick Wedding          |      652 | John Ouick     | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
| 1023 | Lou Bouzin General Assembly |      412 | Jacky Blangier | May 05 2023 15:00 | May 05 2023 17:00 | Aliénor Vichum | Salle des fêtes de Mufflins                        |       200 |
+------+-----------------------------+----------+----------------+-------------------+-------------------+----------------+----------------------------------------------------+-----------+
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
-[ RECORD 1 ]-+----------------------------------------------
id            | 1023
name          | Lou Bouzin General Assembly
contract      | 412
client        | Jacky Blangier
client_email  | jacky@loubouzin.grd
client_phone  | + 666 12345
company       | Lou Bouzin
sales         | Sophie Ravel
start         | 2023-05-05 15:00 +02:00
end           | 2023-05-05 17:00 +02:00
support       | Aliénor Vichum
support_email | alienor@epic.events
location      | Salle des fêtes de Mufflins
attendees     | 200
notes         | Shareholders' general assembly (~200 people).
updated       | [now]
client_id     | 3

Client of event 1023:
+----+----------------+---------------------+-------------+------------+-------------------+-------------------+--------------+
| id | name           | email               | phone       | company    | created           | last_contact      | sales        |
+----+----------------+---------------------+-------------+------------+-------------------+-------------------+--------------+
|  3 | Jacky Blangier | jacky@loubouzin.grd | + 666 12345 | Lou Bouzin | Oct 03 2022 14:00 | May 09 2023 10:00 | Sophie Ravel |
+----+----------------+---------------------+-------------+------------+-------------------+-------------------+--------------+
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
1
+-----+----------------+--------------+------------+-----------+--------+-------------------+
|  id | client         | sales        |      total | remaining | signed | created           |
+-----+----------------+--------------+------------+-----------+--------+-------------------+
| 652 | John Ouick     | Bill Boquet  | €18,450.00 | €4,612.50 | true   | Oct 20 2022 15:00 |
| 412 | Jacky Blangier | Sophie Ravel |  €7,800.00 |     €0.00 | true   | Mar 27 2023 09:00 |
+-----+----------------+--------------+------------+-----------+--------+-------------------+
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|  id | name               | contract | client     | start             | end               | support       | location                                           | attendees |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding |      652 | John Ouick | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|  id | name               | contract | client     | start             | end               | support       | location                                           | attendees |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding |      652 | John Ouick | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|  id | name               | contract | client     | start             | end               | support       | location                                           | attendees |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding |      652 | John Ouick | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
+----+-------------+------------------+-----------------+------------------+-------------------+-------------------+-------------+
| id | name        | email            | phone           | company          | created           | last_contact      | sales       |
+----+-------------+------------------+-----------------+------------------+-------------------+-------------------+-------------+
|  1 | Kevin Casey | kevin@startup.io | +678 123 456 78 | Cool Startup LLC | Apr 18 2021 10:00 | Mar 29 2023 16:30 | Bill Boquet |
+----+-------------+------------------+-----------------+------------------+-------------------+-------------------+-------------+
+----+----------------+---------------------+------------+--------------+--------+
| id | name           | email               | department | created      | active |
+----+----------------+---------------------+------------+--------------+--------+
|  7 | Aliénor Vichum | alienor@epic.events | support    | [now] | true   |
|  4 | Bill Boquet    | bill@epic.events    | sales      | [now] | true   |
|  6 | Kate Hastroff  | kate@epic.events    | support    | [now] | true   |
|  5 | Sophie Ravel   | sophie@epic.events  | sales      | [now] | true   |
|  8 | Théo Marchand  | theo@epic.events    | support    | [now] | true   |
+----+----------------+---------------------+------------+--------------+--------+
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|  id | name               | contract | client     | start             | end               | support       | location                                           | attendees |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding |      652 | John Ouick | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
id,name,contract,client,start,end,support,location,attendees
109,John Ouick Wedding,652,John Ouick,2023-06-04T13:00:00+02:00,2023-06-05T02:00:00+02:00,Kate Hastroff,"53 Rue du Château, 41120 Candé-sur-Beuvron, France",75
1023,Lou Bouzin General Assembly,412,Jacky Blangier,2023-05-05T15:00:00+02:00,2023-05-05T17:00:00+02:00,Aliénor Vichum,Salle des fêtes de Mufflins,200
[
{"id":109,"name":"John Ouick Wedding","contract":652,"client":"John Ouick","start":"2023-06-04T13:00:00+02:00","end":"2023-06-05T02:00:00+02:00","support":"Kate Hastroff","location":"53 Rue du Château, 41120 Candé-sur-Beuvron, France","attendees":75},
{"id":1023,"name":"Lou Bouzin General Assembly","contract":412,"client":"Jacky Blangier","start":"2023-05-05T15:00:00+02:00","end":"2023-05-05T17:00:00+02:00","support":"Aliénor Vichum","location":"Salle des fêtes de Mufflins","attendees":200}
]
[
{"id":652,"client":"John Ouick","sales":"Bill Boquet","total":18450.00,"remaining":4612.50,"signed":true,"created":"2022-10-20T15:00:00+02:00"}
]
-[ RECORD 1 ]-----------------------
id         | 6
name       | Kate Hastroff
email      | kate@epic.events
department | support
created    | [now]
active     | true
--- stderr
(no events match)
error: line 21: no event with id 99999
