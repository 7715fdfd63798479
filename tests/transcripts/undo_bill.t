# Bill's undo of an update sets back the fields it changed, the last
# contact the update made too. Clients are never deleted, so his undo of a
# client's creation is refused as `delete` would be.
--- setup
demo
login bill@epic.events Closes-Big-Deals-19
--- args
--keep-going
--- stdin
update client 1 set phone = "+678 999 000 11"
undo
count clients where id = 1 and phone = "+678 123 456 78" and last_contact < today
create client name "Nora Petit" email "nora@petit.fr"
undo
count clients where email = "nora@petit.fr"
--- exit
5
--- stdout
1
Created client 304.
1
--- stderr
Updated client 1.
Undid your update of client 1 (audit entry 5): phone, last_contact set back.
error: line 5: permission denied: nobody may delete client 304
