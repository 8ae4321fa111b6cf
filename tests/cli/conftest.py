"""The command-line lane: `casebot` in a subprocess or the console in process, as an operator runs it, on a
real database."""
