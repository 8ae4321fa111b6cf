"""Everything a user can get wrong, as one hierarchy; each message is written for a case manager.

Each error may say which argument of the service it concerns (`field`, the argument's name: `number`, `on`,
`manager`…), so a form shows it beside that field and a command can point at that word. A message names
people and commands as data (bot/rules/said.py: Person, Command); `example` is either a command that would
work (`command("holdup PI-1 other police report")`) or a value for the field (`2026-11-02`). handlers/
turns both into Slack text; nothing here writes a mention or a slash command.

CasebotError                 a refusal: nothing was changed
├── InputError               the words of a command are off (carries a usage line and an example)
│   ├── BadDate              not a YYYY-MM-DD day
│   ├── FutureDate           an event dated after today
│   └── BadAmount            not an amount of money
├── UnknownCase              no such case number (carries the closest numbers)
├── UnknownProvider          no such provider on the case, or more than one matches
├── NotAllowed               the caller's role does not allow it
├── PreconditionNotMet       the playbook says not yet (a lead or admin may override with a reason)
├── Conflict                 someone else changed the case first
└── TryAgain                 the database could not be reached; nothing was saved
"""

from __future__ import annotations


class CasebotError(Exception):
    """A refusal a user sees; nothing was changed."""

    def __init__(
        self, message: str, *, example: str | None = None, usage: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.example = example
        self.usage = usage
        self.field = field

    def __str__(self) -> str:
        return self.message


class InputError(CasebotError):
    pass


class BadDate(InputError):
    pass


class FutureDate(InputError):
    pass


class BadAmount(InputError):
    pass


class UnknownCase(CasebotError):
    def __init__(
        self,
        number: str,
        suggestions: list[str] | tuple[str, ...] = (),
        *,
        to_someone: bool = False,
        shown: str | None = None,
    ) -> None:
        """`to_someone`: said to a person, who is told the same of a case they may not see. `shown`: the
        number as the message quotes it (the services pass it as what the person typed, a Said, which `+`
        keeps)."""
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        seen = " that you can see" if to_someone else ""
        super().__init__(
            "There is no case " + (number if shown is None else shown) + f"{seen}.{hint}", field="number"
        )
        self.number = number
        self.suggestions = tuple(suggestions)


class UnknownProvider(CasebotError):
    pass


class NotAllowed(CasebotError):
    pass


class HiddenCase(UnknownCase, NotAllowed):
    """A case the person may not see: told in UnknownCase's words, exactly as a number that is no case."""


class PreconditionNotMet(CasebotError):
    pass


class Conflict(CasebotError):
    pass


class TryAgain(CasebotError):
    pass
