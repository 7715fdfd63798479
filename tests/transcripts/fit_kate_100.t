# Tables that fit a terminal of 100 columns (COLUMNS=100), as kate: the
# daily filters (narrowed to SPEC's records, whose dates do not move with
# the clock), a client, a contract and an event. No id, number, money or
# date is ever cut: text gives way first (at a word), and a table that still
# does not fit becomes records. tests/transcripts.rs checks each such cell
# against the same query's JSON, and the daily filters in full.
--- setup
demo
login kate@epic.events Runs-The-Wedding-42
--- env
COLUMNS=100
--- stdin
show events where support is me and start < 2024-01-01
--- exit
0
--- stdout
+-----+----------+---------+----------+-------------------+-------------------+----------+---------+
|  id | name     | contra… | client   | start             | end               | location | attend… |
+-----+----------+---------+----------+-------------------+-------------------+----------+---------+
| 109 | John Ou… |     652 | John Ou… | Jun 04 2023 13:00 | Jun 05 2023 02:00 | 53 Rue…  |      75 |
+-----+----------+---------+----------+-------------------+-------------------+----------+---------+
(support: me for every row)
--- stderr
