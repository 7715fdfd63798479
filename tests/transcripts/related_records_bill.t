# Bill (sales) reads his client John Ouick and the records one step away;
# what a salesperson may read, he reads below the record as in a listing.
--- setup
demo
login bill@epic.events Closes-Big-Deals-19
--- stdin
show client 2
show contract 652
show event 109
show events where client = 2
--- exit
0
--- stdout
-[ RECORD 1 ]+------------------------
id           | 2
name         | John Ouick
email        | john.ouick@gmail.com
phone        | +1 234 567 8901
company      |
created      | 2022-09-12 11:00 +02:00
last_contact | 2023-06-06 09:30 +02:00
updated      | 2023-06-06 09:30 +02:00
sales        | Bill Boquet
sales_email  | bill@epic.events
contracts    | 1
events       | 1

Contract of client 2:
+-----+-------------+------------+-----------+--------+-------------------+
|  id | sales       |      total | remaining | signed | created           |
+-----+-------------+------------+-----------+--------+-------------------+
| 652 | Bill Boquet | €18,450.00 | €4,612.50 | true   | Oct 20 2022 15:00 |
+-----+-------------+------------+-----------+--------+-------------------+

Event of client 2:
+-----+--------------------+----------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|  id | name               | contract | start             | end               | support       | location                                           | attendees |
+-----+--------------------+----------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding |      652 | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+----------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
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
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
|  id | name               | contract | client     | start             | end               | support       | location                                           | attendees |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
| 109 | John Ouick Wedding |      652 | John Ouick | Jun 04 2023 13:00 | Jun 05 2023 02:00 | Kate Hastroff | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |
+-----+--------------------+----------+------------+-------------------+-------------------+---------------+----------------------------------------------------+-----------+
--- stderr
