# An employee named in a filter is found as in an update: a name that
# matches nobody is refused, naming the field and suggesting the closest
# names of the department the field asks for (support staff for
# `support`), and the batch fails. A name that exists works as before,
# and a search (`~`) is not a name.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- args
--keep-going
--- stdin
set format csv
show events where support = "Kate"
show events where support = "Kate Hastroff" and start < 2024-01-01
count events where support = "kate hastroff"
count events where support ~ "Kate"
count events where support in ("Kate Hastroff", "Alienor Vichum")
count events where support != "Bill"
show clients where sales = "Bil Boquet"
show events where support = "Nobody Atall"
update event 109 set support = "Kate"
--- exit
6
--- stdout
id,name,contract,client,start,end,support,location,attendees
109,John Ouick Wedding,652,John Ouick,2023-06-04T13:00:00+02:00,2023-06-05T02:00:00+02:00,Kate Hastroff,"53 Rue du Château, 41120 Candé-sur-Beuvron, France",75
59
59
--- stderr
error: line 2: support: no employee is named `Kate`
help: did you mean "Kate Hastroff"?
error: line 6: support: no employee is named `Alienor Vichum`
help: did you mean "Aliénor Vichum"?
error: line 7: support: no employee is named `Bill`
help: `show employees where name ~ "..."` finds them
error: line 8: sales: no employee is named `Bil Boquet`
help: did you mean "Bill Boquet"?
error: line 9: support: no employee is named `Nobody Atall`
help: `show employees where name ~ "..."` finds them
error: line 10: support: no employee is named `Kate`
help: did you mean "Kate Hastroff"?
