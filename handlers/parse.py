"""Reading the words of `/case` and `/offer`: quotes, mentions and dates, the same way for every subcommand.

What each subcommand makes of its words is its parser's job, beside its entry in handlers/commands/."""

from __future__ import annotations

import re
from datetime import date

from bot.rules.parsing import looks_like_date, parse_day, printable

# Slack's escaped mentions, `<@U123ABC>` or `<@U123ABC|dana>`; `@U123ABC` is accepted too (the console).
_MENTION_RE = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@([UW][A-Z0-9]+)$")
# Anything a person meant as a date but did not write as YYYY-MM-DD (11/02/2026, 2026-1-5, 2026.11.02).
_DATEISH_RE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
# Typographic quotes Slack may substitute, as their plain equivalents.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def tokenize(text: str) -> list[str]:
    """Words, with "quoted words" (straight or typographic quotes) kept together; apostrophes in names stay."""
    text = printable(text or "").translate(_QUOTES).replace("\u00a0", " ")
    words: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        quote = text[i] if text[i] in "\"'" else None
        if quote:
            end = text.find(quote, i + 1)
            # A lone apostrophe (O'Brien's, 'til) is just part of the word.
            if end != -1 and (end + 1 == n or text[end + 1].isspace()):
                words.append(text[i + 1 : end].strip())
                i = end + 1
                continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        words.append(text[i:j])
        i = j
    return [w for w in words if w]


def mention(word: str) -> str | None:
    match = _MENTION_RE.match(word.strip())
    return (match.group(1) or match.group(2)) if match else None


def is_dateish(word: str) -> bool:
    return looks_like_date(word) or bool(_DATEISH_RE.match(word))


def day_of(word: str) -> date:
    return parse_day(word)
