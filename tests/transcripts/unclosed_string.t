# A string left open at the end of the input points at its opening quote.
--- stdin
show events where location ~ "open
--- exit
2
--- stdout
--- stderr
error: line 1, column 30: this string has no closing quote
  show events where location ~ "open
                               ^
help: end it with `"`; write \" for a quote inside a string
