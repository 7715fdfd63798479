# What people write instead (pgcli, SQL, English habits): each gets a
# `help:` line with the epic form that works.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- args
--keep-going
--- stdin
show events where start between today and today+7d
show events where name like "%Wedding%"
show events where name contains "Wedding"
show events where support == "Kate Hastroff"
show events where support = null
show events where support is null
create client name="Z Z" email "z@z.io"
update contract 652 set remaining = -5
update event 109 set attendees > 5
show events where date = tomorrow
show contracts where paid = false
show events sort by start
show events where start > tody
list clients
list events where support is none
find Kate
find "Ouick"
SELECT * FROM events
select name from clients
--- exit
2
--- stdout
--- stderr
error: line 1, column 25: expected an operator after `start`: `=`, `!=`, `<`, `<=`, `>`, `>=`; found `between`
  show events where start between today and today+7d
                          ^^^^^^^
help: write `start >= A and start <= B`, e.g. `start >= today and start <= today+7d`
error: line 2, column 24: expected an operator after `name`: `=`, `!=`, `~`; found `like`
  show events where name like "%Wedding%"
                         ^^^^
help: `~` finds text anywhere, in any case, without `%`: `name ~ "Wedding"`
error: line 3, column 24: expected an operator after `name`: `=`, `!=`, `~`; found `contains`
  show events where name contains "Wedding"
                         ^^^^^^^^
help: `~` finds text anywhere, in any case, without `%`: `name ~ "Wedding"`
error: line 4, column 28: `support` takes an employee, not `=`
  show events where support == "Kate Hastroff"
                             ^
help: epic compares with one `=`: `support = "Kate Hastroff"`
error: line 5, column 29: `support` takes an employee, not `null`
  show events where support = null
                              ^^^^
help: epic writes null as none: `support is none`
error: line 6, column 30: expected `none` or `me` after `is`, found `null`
  show events where support is null
                               ^^^^
help: epic writes null as none: `support is none`
error: line 7, column 19: expected text for `name`, found `=`
  create client name="Z Z" email "z@z.io"
                    ^
help: `create` gives each field its value without `=`: `name "Z Z"`
error: line 8, column 37: `remaining` takes an amount of money, not `-`
  update contract 652 set remaining = -5
                                      ^
help: for example: `set remaining = 1000.00`; amounts are from 0.00 to 999999999999.99
error: line 9, column 32: expected `=` after `attendees`, found `>`
  update event 109 set attendees > 5
                                 ^
help: `set` gives a value: `set attendees = VALUE`; to choose the records by a condition, write `update events where attendees > VALUE set ...`
error: line 10, column 19: events have no field `date`
  show events where date = tomorrow
                    ^^^^
help: events have `start` and `end`: `start >= tomorrow and start < tomorrow+1d`
error: line 11, column 22: contracts have no field `paid`
  show contracts where paid = false
                       ^^^^
help: unpaid contracts have money remaining: `remaining > 0`; paid ones `remaining = 0`
error: line 12, column 13: expected `where`, `order by`, `limit`, `offset`, found `sort`
  show events sort by start
              ^^^^
help: write `order by start`
error: line 13, column 27: `start` takes a date, not `tody`
  show events where start > tody
                            ^^^^
help: did you mean `today`?
error: line 14, column 1: unknown command `list`
  list clients
  ^^^^
help: write `show clients`
error: line 15, column 1: unknown command `list`
  list events where support is none
  ^^^^
help: write `show events where support is none`
error: line 16, column 1: unknown command `find`
  find Kate
  ^^^^
help: to search by name, write `show clients where name ~ "Kate"` (or employees, events)
error: line 17, column 1: unknown command `find`
  find "Ouick"
  ^^^^
help: to search by name, write `show clients where name ~ "Ouick"` (or employees, events)
error: line 18, column 1: unknown command `SELECT`
  SELECT * FROM events
  ^^^^^^
help: epic speaks its own language: `show events where ...`; type `help` for more
error: line 19, column 1: unknown command `select`
  select name from clients
  ^^^^^^
help: epic speaks its own language: `show events where ...`; type `help` for more
