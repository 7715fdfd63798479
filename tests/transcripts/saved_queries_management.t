# Hélène, from management, saves and deletes the team's queries, which
# everyone may run (saved_queries.t runs them as support). Her own query
# shadows a team query of the same name until she deletes it.
--- setup
demo
login helene@epic.events Balances-The-Books-7
--- args
--keep-going
--- stdin
show queries
save team query sales_board as report sales
save team query unsigned as count contracts where signed = false
save query unsigned as count contracts where signed = false and remaining > 50000
show queries
unsigned
delete query unsigned
unsigned
show sales_board
save team query unsigned as count contracts
delete team query unsigned
delete team query unsigned
show queries
--- exit
9
--- stdout
+-------------+-------+------------------------------------------------------------+
| name        | whose | query                                                      |
+-------------+-------+------------------------------------------------------------+
| unsigned    | yours | count contracts where signed = false and remaining > 50000 |
| sales_board | team  | report sales                                               |
| unsigned    | team  | count contracts where signed = false                       |
+-------------+-------+------------------------------------------------------------+
47
128
+----+--------------+---------+-----------+---------------+---------------+---------------------------+
| id | salesperson  | clients | contracts |  signed_total |           due | due vs largest            |
+----+--------------+---------+-----------+---------------+---------------+---------------------------+
|  5 | Sophie Ravel |     157 |       197 | €5,661,310.59 | €2,497,736.27 | 100% ████████████████████ |
|  4 | Bill Boquet  |     146 |       206 | €5,530,323.85 | €2,359,371.38 |  94% ██████████████████▉  |
+----+--------------+---------+-----------+---------------+---------------+---------------------------+
+-------------+-------+--------------+
| name        | whose | query        |
+-------------+-------+--------------+
| sales_board | team  | report sales |
+-------------+-------+--------------+
--- stderr
(no saved queries)
Saved team query sales_board: run it with `sales_board` or `show sales_board`.
Saved team query unsigned: run it with `unsigned` or `show unsigned`.
Saved query unsigned: run it with `unsigned` or `show unsigned`.
Deleted saved query unsigned.
error: line 10: a saved query of this name exists already
help: `delete query NAME` first, or choose another name
Deleted saved team query unsigned.
error: line 12: no saved query is named `unsigned`
help: the saved queries are: sales_board
