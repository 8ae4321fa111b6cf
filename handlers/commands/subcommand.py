"""What one table entry is (a Subcommand and its Forms) and the strict readers its parser uses.

A parser takes the words after the subcommand and answers its typed arguments, or raises an InputError that
carries the usage line and example of the entry (or form) it was reading, taken from the entry itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from bot.errors import BadAmount, BadDate, InputError
from bot.rules.parsing import When, parse_amount, read_day
from bot.rules.said import quoted, said
from bot.rules.wording import close_to, vocabulary_word
from bot.services.firm import Outcome
from handlers.blocks import Reply, build_outcome
from handlers.context import Context
from handlers.parse import Quoted, Words, day_at, is_dateish, mention
from handlers.refusals import Shown

CASE = "/case"
OFFER = "/offer"

A = TypeVar("A")


def _line(command: str, name: str, words: str) -> str:
    return " ".join(part for part in (command, name, words) if part)


@dataclass(frozen=True)
class Form:
    """One shape of a subcommand's words, for a subcommand with several (provider add|received|followed-up).

    `usage` and `example` are the words after the subcommand's name; the command and name are added."""

    command: str
    name: str
    usage: str
    example: str
    help: str

    @property
    def usage_line(self) -> str:
        return _line(self.command, self.name, self.usage)

    @property
    def example_line(self) -> str:
        return _line(self.command, self.name, self.example)


@dataclass(frozen=True)
class Subcommand(Generic[A]):
    """One `/case` or `/offer` subcommand: how it is written, what it does, how its words are read, and what
    runs. `usage` and `example` are the words after the name (`<case-no> [YYYY-MM-DD]`, `PI-2041`); `also`
    lists other shapes shown on the same usage line; `forms` maps an arguments type to the shape it came from
    when the subcommand has several, so a refusal shows the one the person was writing."""

    command: str
    name: str
    usage: str
    help: str
    example: str
    parse: Callable[[list[str]], A]
    run: Callable[[Context, str, A], Reply]
    aliases: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    forms: Mapping[type[Any], Form] = field(default_factory=dict)

    @property
    def usage_line(self) -> str:
        return "  ·  ".join(_line(self.command, self.name, u) for u in (self.usage, *self.also))

    @property
    def example_line(self) -> str:
        return _line(self.command, self.name, self.example)

    def help_rows(self) -> list[tuple[str, str]]:
        """The help card's lines for it: each form, or its own usage."""
        if self.forms:
            return [(f.usage_line, f.help) for f in self.forms.values()]
        return [(self.usage_line, self.help)]

    def shown_for(self, args: object) -> Shown:
        """The usage and example that fit what was read: its form's, else its own."""
        return self.forms.get(type(args), self)


# ---------------------------------------------------------------- strict readers for parsers


def refuse(sub: Shown, message: str, *, example: str | None = None) -> InputError:
    return InputError(message, usage=sub.usage_line, example=example or sub.example_line)


def case_no(sub: Shown, words: list[str]) -> str:
    if not words:
        raise refuse(sub, "Which case? Give its number.")
    word = words.pop(0)
    if mention(word) or is_dateish(word):
        raise refuse(sub, said(quoted(word[:40]), " is not a case number."))
    return word


def no_more(sub: Shown, words: list[str]) -> None:
    if words:
        raise refuse(sub, said("I don't know what to do with ", quoted(" ".join(words)[:60]), "."))


def _today(words: list[str]) -> date:
    if not isinstance(words, Words):  # a parser that built a plain list lost the firm's today
        raise TypeError("days are read from Words, which carry the firm's today")
    return words.today


def _day(sub: Shown, words: list[str], i: int, when: When) -> tuple[date, int]:
    """The day written at words[i] (which day_at found there) and how many words it took."""
    try:
        found = read_day(words, i, _today(words), when=when)
    except BadDate as exc:
        raise BadDate(exc.message, example=sub.example_line, usage=sub.usage_line) from None
    assert found is not None
    return found


def date_opt(sub: Shown, words: list[str], *, when: When = "past") -> date | None:
    """An optional day as the next words (11/3, Nov 3, yesterday, last friday…), taken off the front."""
    if not words or not day_at(words):
        return None
    on, span = _day(sub, words, 0, when)
    del words[:span]
    return on


def date_at_end(sub: Shown, words: list[str], *, when: When = "past") -> date | None:
    """An optional day as the last words (after a name), taken off the end."""
    for start in range(max(len(words) - 3, 0), len(words)):
        span = day_at(words, start)
        if span and start + span == len(words):
            on, _ = _day(sub, words, start, when)
            del words[start:]
            return on
    return None


def text_without_days(
    sub: Shown, words: list[str], what: str, where: str, *, recorded: date | None = None
) -> str | None:
    """Free words (a note, a name, a reason) that are not days: a day-shaped word among them that means a
    different day than the one recorded (`recorded`, default today) is refused, so that a day meant for the
    command is never kept as text while another day is recorded instead. (`today` in a note about today is
    the day recorded: kept.)"""
    on = recorded or _today(words)
    for i in range(len(words)):
        span = day_at(words, i)
        if not span:
            continue
        shown = " ".join(words[i : i + span])
        try:
            found = read_day(words, i, _today(words))
        except BadDate:
            found = None
        if found is not None and found[0] == on:
            continue
        raise refuse(
            sub,
            said(
                quoted(shown[:40]),
                f" in the {what} looks like a day. Put the day {where}, or put the {what} "
                "in quotes if that day is only part of it.",
            ),
        )
    return " ".join(words).strip() or None


def vocab(
    sub: Shown,
    words: list[str],
    vocabulary: tuple[str, ...],
    spellings: Mapping[str, str] | None = None,
    *,
    example: Callable[[str], str] | None = None,
) -> str | None:
    """A vocabulary word (or a common spelling, or two words that are one: `wage loss`) taken off the front
    of `words`, or None when the next word is not one. A word close to one (`cleint`, `setled`) is refused
    with "Did you mean …?": a typo never becomes a note or a name. `example(word)` is the whole command with
    the word it suggests."""
    found = vocabulary_word(words, vocabulary, spellings)
    if found is not None:
        word, span = found
        del words[:span]
        return word
    if words and not isinstance(words[0], Quoted):
        near = close_to(words[0], (*vocabulary, *(spellings or {})))
        if near is not None:
            meant = (spellings or {}).get(near, near)
            raise refuse(
                sub,
                said(
                    quoted(words[0][:30]),
                    f" is not {one_of(vocabulary)}: did you mean `{meant}`? Nothing was recorded.",
                ),
                example=example(meant) if example else None,
            )
    return None


KEEP_TEAM = "keep-team"


def keep_team(sub: Shown, words: list[str]) -> bool:
    """An optional `keep-team` (also `keep team`, `keep_team`, `keepteam`) next in the words, taken off
    them; a near miss (`keep-tem`) is asked about, never ignored."""
    return vocab(sub, words, (KEEP_TEAM,), {"keepteam": KEEP_TEAM, "keep-teams": KEEP_TEAM}) is not None


def amount(sub: Shown, word: str) -> Decimal:
    try:
        return parse_amount(word)
    except BadAmount as exc:
        raise BadAmount(exc.message, example=sub.example_line, usage=sub.usage_line) from None


def user(sub: Shown, word: str | None, what: str = "person") -> str:
    found = mention(word or "")
    if found is None:
        shown = said(quoted(word[:40]), " is not") if word else "Name"
        raise refuse(sub, said(shown, f" a Slack mention: @-mention the {what}."))
    return found


def one_of(words: tuple[str, ...]) -> str:
    """`a, b or c`, for refusals that list a vocabulary."""
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else words[0]


@dataclass(frozen=True)
class NoArgs:
    """A subcommand that takes no words."""


def outcome(ctx: Context, result: Outcome) -> Reply:
    """A change's reply: its message (with an Undo button) and where the case now stands."""
    return build_outcome(result.message, result.card, ctx.firm.today(), undo=result.undo)
