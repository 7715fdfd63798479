# Bill keeps his client's details: in CSV, a company that a spreadsheet
# would run as a formula, and a phone that starts with `+`, get a leading
# `'`; numbers and times stay as they are.
--- setup
demo
login bill@epic.events Closes-Big-Deals-19
--- args
--format
csv
--- stdin
update client 1 set company = "+cmd|' /C calc'!A0", phone = "+678 123 456 78"
show clients where id = 1
--- exit
0
--- stdout
id,name,email,phone,company,created,last_contact,sales
1,Kevin Casey,kevin@startup.io,'+678 123 456 78,'+cmd|' /C calc'!A0,2021-04-18T10:00:00+02:00,[now],Bill Boquet
--- stderr
Updated client 1.
