"""Reading the words of `/case` and `/offer`: quotes, mentions and days, the same way for every subcommand.

What each subcommand makes of its words is its parser's job, beside its entry in handlers/commands/."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import SupportsIndex, overload

from bot.rules.parsing import day_span, looks_like_day, printable

# Slack's escaped mentions, `<@U123ABC>` or `<@U123ABC|dana>`; `@U123ABC` is accepted too (the console).
_MENTION_RE = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@([UW][A-Z0-9]+)$")
# Typographic quotes Slack may substitute, as their plain equivalents.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


class Quoted(str):
    """Words a person put in quotes: one word, taken as written (never a day, never a mention)."""

    __slots__ = ()


class Words(list[str]):
    """A command's words, and the firm's today, which the days among them are read against."""

    def __init__(self, words: Iterable[str], today: date) -> None:
        super().__init__(words)
        self.today = today

    @overload
    def __getitem__(self, i: SupportsIndex) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Words: ...
    def __getitem__(self, i: SupportsIndex | slice) -> str | Words:
        if isinstance(i, slice):
            return Words(super().__getitem__(i), self.today)
        return super().__getitem__(i)


def words_of(text: str, today: date) -> Words:
    return Words(tokenize(text), today)


def day_at(words: list[str], i: int = 0) -> int:
    """How many words from words[i] are written as a day (0: none; quoted words never are)."""
    span = day_span(words, i)
    return span if span and not any(isinstance(w, Quoted) for w in words[i : i + span]) else 0


def tokenize(text: str) -> list[str]:
    """Words, with "quoted words" (straight or typographic quotes) kept together as one Quoted word;
    apostrophes in names stay."""
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
                words.append(Quoted(text[i + 1 : end].strip()))
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


def manager_cell(cell: str) -> str:
    """An import file's manager cell: Slack's escaped mention (`<@U123|dana>`) read as its user id, anything
    else (a user id, an email) as written."""
    found = mention(cell) if cell.startswith("<@") else None
    return found or cell


def is_dateish(word: str) -> bool:
    """One word written as a day (or shaped like one: 13/45), never a case number or a name."""
    return not isinstance(word, Quoted) and looks_like_day(word)
