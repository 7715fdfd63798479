# Filters by a related record's id, and limit and offset in either order.
# CSV, so the rows are the facts whatever the table's layout.
--- setup
demo
--- stdin
set format csv
show contracts where client = 1
show contracts where client ~ "Kevin Casey"
show events where contract = 652
show events where client = 1 and contract != 652
show contracts where client in (1, "John Ouick") order by id
count contracts where client = 1
show contracts where client ~ "Ouick" or client = 1 order by id offset 1 limit 1
show contracts where client ~ "Ouick" or client = 1 order by id limit 1 offset 1
show events where id in (109, 1023) order by id desc offset 1 limit 5
--- exit
0
--- stdout
id,client,sales,total,remaining,signed,created
1,Kevin Casey,Bill Boquet,12000.00,12000.00,false,2023-03-29T17:00:00+02:00
id,client,sales,total,remaining,signed,created
1,Kevin Casey,Bill Boquet,12000.00,12000.00,false,2023-03-29T17:00:00+02:00
id,name,contract,client,start,end,support,location,attendees
109,John Ouick Wedding,652,John Ouick,2023-06-04T13:00:00+02:00,2023-06-05T02:00:00+02:00,Kate Hastroff,"53 Rue du Château, 41120 Candé-sur-Beuvron, France",75
id,name,contract,client,start,end,support,location,attendees
id,client,sales,total,remaining,signed,created
1,Kevin Casey,Bill Boquet,12000.00,12000.00,false,2023-03-29T17:00:00+02:00
652,John Ouick,Bill Boquet,18450.00,4612.50,true,2022-10-20T15:00:00+02:00
1
id,client,sales,total,remaining,signed,created
652,John Ouick,Bill Boquet,18450.00,4612.50,true,2022-10-20T15:00:00+02:00
id,client,sales,total,remaining,signed,created
652,John Ouick,Bill Boquet,18450.00,4612.50,true,2022-10-20T15:00:00+02:00
id,name,contract,client,start,end,support,location,attendees
109,John Ouick Wedding,652,John Ouick,2023-06-04T13:00:00+02:00,2023-06-05T02:00:00+02:00,Kate Hastroff,"53 Rue du Château, 41120 Candé-sur-Beuvron, France",75
--- stderr
(no events match)
