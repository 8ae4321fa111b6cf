"""A message as the core says it: plain text, with the people and the commands it names kept as data.

A `Said` is a str (its plain form, for logs, tests and any screen that just prints it) whose `parts` keep
each Person (a Slack user id), each Command (a subcommand's words, e.g. `advance PI-1 demand_queue`) and each
piece a person Typed (a client's or provider's name, a note, an adjuster) apart, so handlers/ turns them into
a mention, a whole slash command and literal text without reading the text back.
Build one with `said(...)`; `+` keeps the parts, an f-string does not (put a Said only in `said(...)`).

The plain form reads as it always has (`<@U123>`, `/case close PI-1 settled`): logs, the command line and
the services' own tests see the same words a person does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """Someone a message names, by Slack user id. Its plain form is Slack's own (`<@U123>`), which the
    console and the firm's import files read too."""

    id: str

    def __str__(self) -> str:
        return f"<@{self.id}>"


# The subcommands of /offer; every other one is /case's. handlers/commands/table.py is the command table
# itself: handlers/ show a Command from it, and a test keeps this set equal to its /offer entries.
OFFER_SUBCOMMANDS = frozenset({"received", "list", "informed"})


@dataclass(frozen=True)
class Command:
    """A command a message suggests, as the subcommand's name and its words (`close PI-1 settled`)."""

    words: str

    @property
    def name(self) -> str:
        return self.words.split(" ", 1)[0]

    def __str__(self) -> str:
        return f"{'/offer' if self.name in OFFER_SUBCOMMANDS else '/case'} {self.words}"


@dataclass(frozen=True)
class Typed:
    """What a person typed (a name, a note, a description), quoted in a message: shown exactly as it was
    typed wherever the message goes, never read as markup (handlers/ escape it for Slack). A value a change
    replaced is one: it is on no card any more, so only the message knows it was typed."""

    text: str

    def __str__(self) -> str:
        return self.text


Part = str | Person | Command | Typed


class Said(str):
    """Plain text that remembers the people and commands in it (`parts`)."""

    parts: tuple[Part, ...]

    def __new__(cls, *parts: Part) -> Said:
        flat: list[Part] = []
        for part in parts:
            if isinstance(part, Said):
                flat.extend(part.parts)
            elif isinstance(part, str):
                if part:
                    flat.append(str(part))
            else:
                flat.append(part)
        self = super().__new__(cls, "".join(str(p) for p in flat))
        self.parts = tuple(flat)
        return self

    def __add__(self, other: str) -> Said:
        return Said(self, other)

    def __radd__(self, other: str) -> Said:
        return Said(other, self)


def names_a_command(text: str | None) -> bool:
    """Whether a text (an error's example, say) is a command to type rather than a value like `2026-11-02`."""
    return isinstance(text, Said) and any(isinstance(p, Command) for p in text.parts)


def said(*parts: Part) -> Said:
    """A message from its pieces: text, people and commands, in order."""
    return Said(*parts)


def person(user_id: str) -> Said:
    return Said(Person(user_id))


def typed(text: object) -> Said:
    """A piece a person typed, to quote in a message (`said("was ", typed(before), ")")`)."""
    return Said(Typed(str(text)))


def quoted(text: object) -> Said:
    """A word a person gave, quoted as every message quotes one (`“…”`), the word itself Typed."""
    return Said("“", Typed(str(text)), "”")


def command(words: str) -> Said:
    """A whole command a person could type, as its subcommand's words (an example in a refusal)."""
    return Said(Command(words))
