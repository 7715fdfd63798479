# Twenty-odd typical mistakes: each gets the line, a caret under the exact
# word, what was expected, and a suggestion when a known word is close.
--- args
--keep-going
--- stdin
shwo events
show evnets
show events where suport is none
show events where support none
show events wher support is none
show events where attendees > many
show events where attendees ~ 10
show contracts where signed = maybe
show contracts where total > 12.345
show events where start >= 2023-13-01
show events where start >= 31 Feb 2023
show events where start > 4 Jun 2023 @ 25PM
show events where name is none
show events where client ~ Ouick
show clients where company ~ 'startup'
show events where support is none adn attendees > 10
show events order start
show events limit ten
show employees where department = salse
show events where support = me
count events where support is none order by start
explain help
show clients where name ~ "Kevin" limit 5 limit 6
help shwo
set fromat csv
show events support is none
show clients where sales is mee
show event 0
explain show sessions
set security idle_minutes = 0
set security idle = 10
--- exit
2
--- stdout
--- stderr
error: line 1, column 1: unknown command `shwo`
  shwo events
  ^^^^
help: did you mean `show`?
error: line 2, column 6: unknown entity `evnets`
  show evnets
       ^^^^^^
help: did you mean `events`?
error: line 3, column 19: events have no field `suport`
  show events where suport is none
                    ^^^^^^
help: did you mean `support`?
error: line 4, column 27: expected an operator after `support`: `=`, `!=`, `~`, `is none`, `is me`; found `none`
  show events where support none
                            ^^^^
help: write `support is none`
error: line 5, column 13: expected `where`, `order by`, `limit`, `offset`, found `wher`
  show events wher support is none
              ^^^^
help: did you mean `where`?
error: line 6, column 31: `attendees` takes a whole number, not `many`
  show events where attendees > many
                                ^^^^
help: for example: attendees >= 100
error: line 7, column 29: `~` does not apply to `attendees` (a whole number)
  show events where attendees ~ 10
                              ^
help: use one of: `=`, `!=`, `<`, `<=`, `>`, `>=`
error: line 8, column 31: `signed` is true or false, not `maybe`
  show contracts where signed = maybe
                                ^^^^^
error: line 9, column 30: `12.345` has more than two decimals
  show contracts where total > 12.345
                               ^^^^^^
help: amounts are exact to the cent: 12000.00
error: line 10, column 28: `2023-13-01` is not a valid date: no such day or time
  show events where start >= 2023-13-01
                             ^^^^^^^^^^
help: write dates like 2023-06-01, 2023-06-01T13:00, today, today+7d, or 4 Jun 2023 @ 1PM
error: line 11, column 28: `31 Feb 2023` is not a valid date: no such day
  show events where start >= 31 Feb 2023
                             ^^^^^^^^^^^
help: write dates like 2023-06-01, 2023-06-01T13:00, today, today+7d, or 4 Jun 2023 @ 1PM
error: line 12, column 27: `4 Jun 2023 @ 25PM` is not a valid date: the time after `@` is not like 1PM or 13:00
  show events where start > 4 Jun 2023 @ 25PM
                            ^^^^^^^^^^^^^^^^^
help: write dates like 2023-06-01, 2023-06-01T13:00, today, today+7d, or 4 Jun 2023 @ 1PM
error: line 13, column 27: `name` always has a value, so it is never none
  show events where name is none
                            ^^^^
help: fields of events that can be none: support, location, notes
error: line 14, column 28: `client` takes text in double quotes, not `Ouick`
  show events where client ~ Ouick
                             ^^^^^
help: write `client ~ "Ouick"`
error: line 15, column 30: unexpected character `'`
  show clients where company ~ 'startup'
                               ^
help: strings are written in double quotes: "like this"
error: line 16, column 35: expected `and`, `or`, `order by`, `limit`, `offset`, found `adn`
  show events where support is none adn attendees > 10
                                    ^^^
help: did you mean `and`?
error: line 17, column 19: expected `by` after `order`, found `start`
  show events order start
                    ^^^^^
error: line 18, column 19: `limit` takes a whole number of rows, not `ten`
  show events limit ten
                    ^^^
help: for example: limit 20
error: line 19, column 35: unknown department `salse`
  show employees where department = salse
                                    ^^^^^
help: did you mean `sales`?
error: line 20, column 29: `support` takes an employee, not `me`
  show events where support = me
                              ^^
help: write `support is me`
error: line 21, column 36: expected `and`, `or`, found `order`
  count events where support is none order by start
                                     ^^^^^
error: line 22, column 9: expected `show` or `count` after `explain`, found `help`
  explain help
          ^^^^
help: for example: explain show events where support is none (after `explain`)
error: line 23, column 43: expected `offset`, found `limit`
  show clients where name ~ "Kevin" limit 5 limit 6
                                            ^^^^^
error: line 24, column 6: no help for `shwo`
  help shwo
       ^^^^
help: did you mean `show`?
error: line 25, column 5: unknown setting `fromat`
  set fromat csv
      ^^^^^^
help: did you mean `format`?
error: line 26, column 13: expected `where`, `order by`, `limit`, `offset`, found `support`
  show events support is none
              ^^^^^^^
help: conditions start with `where`: show events where support ...
error: line 27, column 29: expected `none` or `me` after `is`, found `mee`
  show clients where sales is mee
                              ^^^
help: did you mean `me`?
error: line 28, column 12: `0` is not a record number
  show event 0
             ^
help: record numbers are whole numbers from 1 up
error: line 29, column 1: `explain` shows the SQL of a listing or a count, not of `show sessions`
  explain show sessions
  ^^^^^^^
help: for example: explain show events where support is none
error: line 30, column 29: `idle_minutes` is a whole number from 1 to 10080
  set security idle_minutes = 0
                              ^
error: line 31, column 14: unknown security setting `idle`
  set security idle = 10
               ^^^^
help: security settings are: session_hours, idle_minutes, login_max_failures, login_window_minutes, login_cooldown_minutes, bcrypt_cost, login_address_max_failures, login_server_max_failures_per_minute
