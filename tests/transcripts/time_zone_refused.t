# Only management and admins change the company's time zone; anyone sees it.
--- setup
demo
login bill@epic.events Closes-Big-Deals-19
--- stdin
show time zone
set time zone "America/New_York"
--- exit
5
--- stdout
-[ RECORD 1 ]---------
company | Europe/Paris
yours   | Europe/Paris
from    | company
--- stderr
error: line 2: permission denied: only management may change the company's time zone
