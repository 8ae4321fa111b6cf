"""Tokens people type into commands: words, days, amounts, mentions and quotes, right and wrong."""

WORDS = [
    "PI-1",
    "pi-1",
    "PI-404",
    "add",
    "received",
    "followed-up",
    "records",
    "bills",
    "both",
    "client",
    "adjuster",
    "sent",
    "ack",
    "resent",
    "final",
    "because",
    "clear",
    "all",
    "chart-notes",
    "other",
    "until",
    "cover",
    "sol",
    "settled",
    "dropped",
    "lead",
    "admin",
    "1",
    "2",
    "0",
    "-1",
]
DATES = ["2026-11-02", "2026-11-26", "2099-01-01", "2026-13-45", "2026-02-30", "11/02/2026", "yesterday"]
AMOUNTS = ["12500", "12,500", "$12,500.00", "12.5k", "-5", "1e9", "12,50", "$", "0", "9" * 30]
MENTIONS = [
    "<@U1>",
    "<@U2|dana>",
    "<@UGUEST>",
    "<@UBOT>",
    "<@UNKNOWN9>",
    "<@",
    "<@>",
    "<!here>",
    "<#C1|general>",
]
QUOTES = ["“Valley Ortho”", "‘Kaiser’", '"Valley', "”", "'", "O'Brien"]
