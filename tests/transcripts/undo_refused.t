# Bill changes his client's phone; management then gives the client to
# Sophie. Bill's `undo` is the update he would type, so the checker
# refuses it as it would refuse that update (exit code 5), and the phone
# stays as it is. Another field changed since does not matter: only the
# fields the change set must still hold what it left.
--- setup
demo
login bill@epic.events Closes-Big-Deals-19
-c update client 1 set phone = "+678 999 000 11"
login helene@epic.events Balances-The-Books-7
-c update client 1 set sales = "Sophie Ravel"
login bill@epic.events Closes-Big-Deals-19
--- args
--keep-going
--- stdin
undo
count clients where id = 1 and phone = "+678 999 000 11"
--- exit
5
--- stdout
1
--- stderr
error: line 1: permission denied: only the client's sales contact or management may update client 1
