# A password typed after the email is refused before it runs, and never
# repeated: the line is shown with the password masked.
--- setup
demo
login kate@epic.events Runs-The-Wedding-42
--- stdin
login kate@epic.events Runs-The-Wedding-42
whoami
--- exit
2
--- stdout
--- stderr
error: line 1, column 24: a password is never typed on the command line: this line was not run, nor saved
  login kate@epic.events ********
                         ^^^^^^^^
help: type `login kate@epic.events` and give the password at the prompt
