# A password typed after the email is refused before it runs, and never
# repeated: the line is shown with the password masked.
--- setup
login kate@epic.events Runs-The-Wedding-42
--- stdin
login kate@epic.events Runs-The-Wedding-42
whoami
--- exit
2
--- stdout
--- stderr
