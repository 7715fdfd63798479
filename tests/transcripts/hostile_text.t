# Stored text is plain: a control character in a value that would be
# stored is refused, named by its code point, with a caret under it (here
# typed as escapes); only notes span lines. In CSV, text that a spreadsheet
# would run as a formula gets a leading `'`; numbers stay numbers.
--- setup
demo
--- args
--keep-going
--format
csv
--- stdin
update client 1 set name = "Kevin\rCasey"
update event 109 set location = "Salle\tdes fêtes"
update client 1 set company = "Cool Startup\n LLC"
update event 109 set notes = "Catering at 5PM\n\tReception at 6PM"
update event 109 set name = "=HYPERLINK(\"http://evil.example\",\"Wedding\")", location = "@SUM(A1:A9)"
show event 109
--- exit
3
--- stdout
id,name,contract,client,client_email,client_phone,company,sales,start,end,support,support_email,location,attendees,notes,updated,client_id
109,"'=HYPERLINK(""http://evil.example"",""Wedding"")",652,John Ouick,john.ouick@gmail.com,'+1 234 567 8901,,Bill Boquet,2023-06-04T13:00:00+02:00,2023-06-05T02:00:00+02:00,Kate Hastroff,kate@epic.events,'@SUM(A1:A9),75,"Catering at 5PM
	Reception at 6PM",[now],2
--- stderr
error: line 1, column 34: `name` cannot hold U+000D (a control character)
  update client 1 set name = "Kevin\rCasey"
                                   ^^
help: stored text holds no control or bidirectional characters, and only notes may hold line breaks and tabs
error: line 2, column 39: `location` cannot hold U+0009 (a tab)
  update event 109 set location = "Salle\tdes fêtes"
                                        ^^
help: stored text holds no control or bidirectional characters, and only notes may hold line breaks and tabs
error: line 3, column 44: `company` cannot hold U+000A (a line break)
  update client 1 set company = "Cool Startup\n LLC"
                                             ^^
help: stored text holds no control or bidirectional characters, and only notes may hold line breaks and tabs
Updated event 109.
Updated event 109.
