# The audit trail in JSON: an entry's changes, before and after.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- args
--format
json
--- stdin
update event 1023 set support = "Théo Marchand"
show audit where entity = event and record = 1023
--- exit
0
--- stdout
[
{"id":5,"at":"[now]","actor":"Hélène Garnier","what":"update event 1023","changes":{"support":{"old":"Aliénor Vichum","new":"Théo Marchand"}}}
]
--- stderr
Updated event 1023.
