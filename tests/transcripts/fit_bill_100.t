# Tables that fit a terminal of 100 columns (COLUMNS=100), as bill: the
# daily filters (narrowed to SPEC's records, whose dates do not move with
# the clock), a client, a contract and an event. No id, number, money or
# date is ever cut: text gives way first (at a word), and a table that still
# does not fit becomes records. tests/transcripts.rs checks each such cell
# against the same query's JSON, and the daily filters in full.
--- setup
demo
login bill@epic.events Closes-Big-Deals-19
--- env
COLUMNS=100
--- stdin
show clients where sales is me and (name ~ "casey" or name ~ "ouick")
--- exit
0
--- stdout
+----+------------+-------------+------------+-------------+-------------------+-------------------+
| id | name       | email       | phone      | company     | created           | last_contact      |
+----+------------+-------------+------------+-------------+-------------------+-------------------+
|  1 | Kevin Cas… | kevin@star… | +678 123…  | Cool Start… | Apr 18 2021 10:00 | Mar 29 2023 16:30 |
|  2 | John Ouick | john.ouick… | +1 234…    |             | Sep 12 2022 11:00 | Jun 06 2023 09:30 |
+----+------------+-------------+------------+-------------+-------------------+-------------------+
(sales: me for every row)
--- stderr
