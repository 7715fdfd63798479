# `help ENTITY` lists each field with its type, whether it can be none,
# whether it can be set and who may write it; `help create` and `help
# update` list the required and settable fields per entity.
--- stdin
help events
help clients
help contracts
help employees
help audit
help create
help update
--- exit
0
--- stdout
The fields of events:

  field      type           can be none  can be set          who may write it
  id         id             no           no                  nobody
  name       text           no           required on create  create: sales (own); update: management, support (own), admin
  contract   id             no           yes                 create: sales (own); update: management, admin
  client     text           no           no                  nobody
  start      date and time  no           required on create  create: sales (own); update: management, support (own), admin
  end        date and time  no           required on create  create: sales (own); update: management, support (own), admin
  support    employee       yes          yes                 update: management, admin
  location   text           yes          yes                 create: sales (own); update: management, support (own), admin
  attendees  number         no           yes                 create: sales (own); update: management, support (own), admin
  notes      text           yes          yes                 create: sales (own); update: management, support (own), admin

Filter with `show events where FIELD ...`; README's "Who may do what" is the whole permission table.
The fields of clients:

  field         type           can be none  can be set          who may write it
  id            id             no           no                  nobody
  name          text           no           required on create  create: sales (own); update: sales (own)
  email         email          no           required on create  create: sales (own); update: sales (own)
  phone         phone          yes          yes                 create: sales (own); update: sales (own)
  company       text           yes          yes                 create: sales (own); update: sales (own)
  created       date and time  no           no                  nobody
  last_contact  date and time  no           yes                 create: sales (own); update: sales (own)
  sales         employee       no           yes                 create: sales (own); update: management, admin

Filter with `show clients where FIELD ...`; README's "Who may do what" is the whole permission table.
The fields of contracts:

  field      type           can be none  can be set          who may write it
  id         id             no           no                  nobody
  client     text           no           no                  nobody
  sales      employee       no           no                  nobody
  total      money          no           required on create  create: management, admin; update: management, sales (own), admin
  remaining  money          no           yes                 create: management, admin; update: management, sales (own), admin
  created    date and time  no           no                  nobody
  signed     true/false     no           yes                 create: management, admin; update: management, sales (own), admin

Filter with `show contracts where FIELD ...`; README's "Who may do what" is the whole permission table.
The fields of employees:

  field       type                            can be none  can be set          who may write it
  id          id                              no           no                  nobody
  name        text                            no           required on create  create: management, admin; update: management, admin
  email       email                           no           required on create  create: management, admin; update: management, admin
  department  management|sales|support|admin  no           required on create  create: management, admin; update: management, admin
  created     date and time                   no           no                  nobody
  active      true/false                      no           yes                 create: management, admin; update: management, admin

Filter with `show employees where FIELD ...`; README's "Who may do what" is the whole permission table.
The fields of audit:

  field   type                                    can be none  can be set  who may write it
  id      id                                      no           no          nobody
  at      date and time                           no           no          nobody
  actor   text                                    yes          no          nobody
  action  text                                    no           no          nobody
  entity  employee|client|contract|event|session  yes          no          nobody
  record  id                                      yes          no          nobody

Filter with `show audit where FIELD ...`; README's "Who may do what" is the whole permission table.
create a client, a contract for a client, an event for a signed contract, or an employee

  create ENTITY [for client|contract ID] FIELD VALUE ...

Examples:
  create client name "Kevin Casey" email "kevin@startup.io" phone "+678 123 456 78" company "Cool Startup LLC"
  create contract for client 12 total 12000.00 remaining 12000.00
  create event for contract 652 name "John Ouick Wedding" start "4 Jun 2023 @ 1PM" end "5 Jun 2023 @ 2AM" attendees 75
  create employee name "Bill Boquet" email "bill@epic.events" department sales

Fields:
  client
    required: name, email
    settable: name, email, phone, company, last_contact, sales
  contract
    required: total
    settable: total, remaining, signed
  event
    required: name, start, end
    settable: name, contract, start, end, support, location, attendees, notes
  employee
    required: name, email, department
    settable: name, email, department, active
change fields of a record, or of all a condition matches (previewed, then confirmed); `none` empties an optional field

  update ENTITY ID set FIELD = VALUE, ...
  update ENTITY where CONDITION set FIELD = VALUE, ...

Examples:
  update client 12 set phone = "+678 999 000 11", last_contact = today
  update contract 652 set signed = true
  update event 109 set support = "Kate Hastroff"
  update event 109 set support = none
  update events where support = "Aliénor Vichum" and start >= today set support = "Kate Hastroff"

Fields:
  client
    settable: name, email, phone, company, last_contact, sales
  contract
    settable: total, remaining, signed
  event
    settable: name, contract, start, end, support, location, attendees, notes
  employee
    settable: name, email, department, active
--- stderr
