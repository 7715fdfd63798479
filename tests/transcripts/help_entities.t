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
--- stderr
