# Bill (sales) may update only his own clients and their contracts: the
# same rules as a single update, record by record. One client of
# another salesperson among the matches refuses them all, naming it.
--- setup
demo
login bill@epic.events Closes-Big-Deals-19
--- args
--yes
--keep-going
--- stdin
show clients where name ~ "Ouick" or name ~ "Blangier"
update clients where name ~ "Ouick" or name ~ "Blangier" set company = "Weddings & Co"
update clients where name ~ "Ouick" set company = "Weddings & Co"
update contracts where client ~ "Ouick" set remaining = 0.00
show contracts where client ~ "Ouick" or client ~ "Blangier"
--- exit
5
--- stdout
+----+----------------+----------------------+-----------------+------------+-------------------+-------------------+--------------+
| id | name           | email                | phone           | company    | created           | last_contact      | sales        |
+----+----------------+----------------------+-----------------+------------+-------------------+-------------------+--------------+
|  2 | John Ouick     | john.ouick@gmail.com | +1 234 567 8901 |            | Sep 12 2022 11:00 | Jun 06 2023 09:30 | Bill Boquet  |
|  3 | Jacky Blangier | jacky@loubouzin.grd  | + 666 12345     | Lou Bouzin | Oct 03 2022 14:00 | May 09 2023 10:00 | Sophie Ravel |
+----+----------------+----------------------+-----------------+------------+-------------------+-------------------+--------------+
1 client would be updated:
+----+---------+---------------+
| id | company | new company   |
+----+---------+---------------+
|  2 |         | Weddings & Co |
+----+---------+---------------+
1 contract would be updated:
+-----+-----------+---------------+
|  id | remaining | new remaining |
+-----+-----------+---------------+
| 652 | €4,612.50 |         €0.00 |
+-----+-----------+---------------+
+-----+----------------+--------------+------------+-----------+--------+-------------------+
|  id | client         | sales        |      total | remaining | signed | created           |
+-----+----------------+--------------+------------+-----------+--------+-------------------+
| 412 | Jacky Blangier | Sophie Ravel |  €7,800.00 |     €0.00 | true   | Mar 27 2023 09:00 |
| 652 | John Ouick     | Bill Boquet  | €18,450.00 |     €0.00 | true   | Oct 20 2022 15:00 |
+-----+----------------+--------------+------------+-----------+--------+-------------------+
--- stderr
error: line 2: permission denied: client 3: only the client's sales contact or management may update client 3
help: no clients were updated; narrow the condition
Updated 1 client.
Updated 1 contract.
