# Tables that fit a terminal of 60 columns (COLUMNS=60), as helene: the
# daily filters (narrowed to SPEC's records, whose dates do not move with
# the clock), a client, a contract, an event and the audit trail. No id, number, money or
# date is ever cut: text gives way first (at a word), and a table that still
# does not fit becomes records. tests/transcripts.rs checks each such cell
# against the same query's JSON, and the daily filters in full.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- env
COLUMNS=60
--- stdin
update event 1023 set support = none
show events where support is none and start < 2024-01-01
show contracts where signed = false and (client ~ "casey" or client ~ "ouick")
show contracts where remaining > 0 and (client ~ "casey" or client ~ "ouick")
show clients where name ~ "ouick" or name ~ "casey"
show events where client ~ "Ouick" or client ~ "Blangier"
show client 1
show contract 652
show event 109
show audit where entity = event
# Off: the table stays a table, wider than the terminal, nothing cut but text.
set expanded off
show contracts where signed = false and (client ~ "casey" or client ~ "ouick")
--- exit
0
--- stdout
-[ RECORD 1 ]--------------------------
id        | 1023
name      | Lou Bouzin General Assembly
contract  | 412
client    | Jacky Blangier
start     | 2023-05-05 15:00 +02:00
end       | 2023-05-05 17:00 +02:00
support   |
location  | Salle des fêtes de Mufflins
attendees | 200
-[ RECORD 1 ]----------------------
id        | 1
client    | Kevin Casey
sales     | Bill Boquet
total     | 12000.00
remaining | 12000.00
signed    | false
created   | 2023-03-29 17:00 +02:00
-[ RECORD 1 ]----------------------
id        | 1
client    | Kevin Casey
sales     | Bill Boquet
total     | 12000.00
remaining | 12000.00
signed    | false
created   | 2023-03-29 17:00 +02:00
-[ RECORD 2 ]----------------------
id        | 652
client    | John Ouick
sales     | Bill Boquet
total     | 18450.00
remaining | 4612.50
signed    | true
created   | 2022-10-20 15:00 +02:00
-[ RECORD 1 ]+------------------------
id           | 1
name         | Kevin Casey
email        | kevin@startup.io
phone        | +678 123 456 78
company      | Cool Startup LLC
created      | 2021-04-18 10:00 +02:00
last_contact | 2023-03-29 16:30 +02:00
sales        | Bill Boquet
-[ RECORD 2 ]+------------------------
id           | 2
name         | John Ouick
email        | john.ouick@gmail.com
phone        | +1 234 567 8901
company      |
created      | 2022-09-12 11:00 +02:00
last_contact | 2023-06-06 09:30 +02:00
sales        | Bill Boquet
-[ RECORD 1 ]-----------------------------------------------
id        | 109
name      | John Ouick Wedding
contract  | 652
client    | John Ouick
start     | 2023-06-04 13:00 +02:00
end       | 2023-06-05 02:00 +02:00
support   | Kate Hastroff
location  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France
attendees | 75
-[ RECORD 2 ]--------------------------
id        | 1023
name      | Lou Bouzin General Assembly
contract  | 412
client    | Jacky Blangier
start     | 2023-05-05 15:00 +02:00
end       | 2023-05-05 17:00 +02:00
support   |
location  | Salle des fêtes de Mufflins
attendees | 200
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
-[ RECORD 1 ]----------------------
id        | 1
sales     | Bill Boquet
total     | 12000.00
remaining | 12000.00
signed    | false
created   | 2023-03-29 17:00 +02:00

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
-[ RECORD 1 ]-----------------------------------------------
id        | 109
name      | John Ouick Wedding
start     | 2023-06-04 13:00 +02:00
end       | 2023-06-05 02:00 +02:00
support   | Kate Hastroff
location  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France
attendees | 75
-[ RECORD 1 ]-+---------------------------------------------
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
-[ RECORD 1 ]+------------------------
id           | 2
name         | John Ouick
email        | john.ouick@gmail.com
phone        | +1 234 567 8901
company      |
created      | 2022-09-12 11:00 +02:00
last_contact | 2023-06-06 09:30 +02:00
sales        | Bill Boquet
+----+-----------------+-----------+-----------+-----------+
| id | at              | actor     | what      | changes   |
+----+-----------------+-----------+-----------+-----------+
|  5 | [now] | Hélène…   | update…   | support:… |
+----+-----------------+-----------+-----------+-----------+
+----+--------+-------+------------+------------+-------------------+
| id | client | sales |      total |  remaining | created           |
+----+--------+-------+------------+------------+-------------------+
|  1 | Kevin… | Bill… | €12,000.00 | €12,000.00 | Mar 29 2023 17:00 |
+----+--------+-------+------------+------------+-------------------+
(signed: false for every row)
--- stderr
Updated event 1023.
