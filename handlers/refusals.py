"""The one translation of what went wrong into what a person sees, for commands, buttons and forms alike.

A CasebotError is a refusal: its message, with the usage line and an example of the subcommand it concerns.
Anything else is casebot's own fault: it is logged and the person is told, in the same words everywhere,
that nothing may have been finished. A form shows a refusal beside the field its `field` names."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from bot.errors import CasebotError
from bot.logs import failure
from handlers.blocks import Reply, build_error, build_message
from handlers.said import say

log = logging.getLogger(__name__)

PROBLEM = (
    ":x: casebot ran into a problem and could not finish that; it has been logged. "
    "Check the case with `/case show` before trying again."
)
# A form shows at most this much under a field.
FIELD_CHARS = 150


class Shown(Protocol):
    """What a refusal shows beside its message: a subcommand's (or one form of it) usage line and example,
    as whole commands. The command table's entries are these."""

    @property
    def usage_line(self) -> str: ...

    @property
    def example_line(self) -> str: ...


def refusal(
    error: BaseException, *, shown: Shown | None = None, doing: str = "answer", **ids: object
) -> Reply:
    """The reply to a command or a button that did not go through. `shown` is the subcommand the person
    was using (or the one a button stands for); `doing` says, for the log, what failed, and `ids` which
    subcommand, case and user: never what was typed, which may hold a client's name, an amount or a note
    (bot/logs.py)."""
    if isinstance(error, CasebotError):
        if shown is None:
            return build_error(error)
        return build_error(error, usage=shown.usage_line, example=shown.example_line)
    failure(log, doing, error, **ids)
    return build_message(PROBLEM)


def form_errors(
    error: BaseException, fields: Mapping[str, str], default: str, *, doing: str = "take a form"
) -> dict[str, str]:
    """Slack's `errors` for a form: the message under the field the error concerns. `fields` maps each
    argument name the form fills to its block id (an argument not listed lands on `default`)."""
    if isinstance(error, CasebotError):
        block = fields.get(error.field or "", default)
        return {block: say(error.message)[:FIELD_CHARS]}
    failure(log, doing, error)
    return {default: PROBLEM.removeprefix(":x: ")[:FIELD_CHARS]}
