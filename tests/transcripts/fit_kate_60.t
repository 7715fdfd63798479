# Tables that fit a terminal of 60 columns (COLUMNS=60), as kate: the
# daily filters (narrowed to SPEC's records, whose dates do not move with
# the clock), a client, a contract and an event. No id, number, money or
# date is ever cut: text gives way first (at a word), and a table that still
# does not fit becomes records. tests/transcripts.rs checks each such cell
# against the same query's JSON, and the daily filters in full.
--- setup
demo
login kate@epic.events Runs-The-Wedding-42
--- env
COLUMNS=60
--- stdin
show events where support is me and start < 2024-01-01
--- exit
0
--- stdout
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
--- stderr
