# Tables that fit a terminal of 60 columns (COLUMNS=60), as bill: the
# daily filters (narrowed to SPEC's records, whose dates do not move with
# the clock), a client, a contract and an event. No id, number, money or
# date is ever cut: text gives way first (at a word), and a table that still
# does not fit becomes records. tests/transcripts.rs checks each such cell
# against the same query's JSON, and the daily filters in full.
--- setup
demo
login bill@epic.events Closes-Big-Deals-19
--- env
COLUMNS=60
--- stdin
show clients where sales is me and (name ~ "casey" or name ~ "ouick")
--- exit
0
--- stdout
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
--- stderr
