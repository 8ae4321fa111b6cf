"""`/case provider <case-no> add|received|followed-up …`: one subcommand in three forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import services
from bot.rules.said import quoted, said
from bot.services.providers import RECEIVED
from handlers.blocks import Reply
from handlers.commands.subcommand import (
    CASE,
    Form,
    Subcommand,
    case_no,
    date_at_end,
    one_of,
    outcome,
    refuse,
    text_without_days,
    vocab,
)
from handlers.context import Context


@dataclass(frozen=True)
class AddProvider:
    number: str
    name: str
    on: date | None


@dataclass(frozen=True)
class ProviderReceived:
    number: str
    ref: str
    what: str
    on: date | None


@dataclass(frozen=True)
class ProviderFollowedUp:
    number: str
    ref: str
    on: date | None


ProviderArgs = AddProvider | ProviderReceived | ProviderFollowedUp

ADD = Form(
    CASE,
    "provider",
    usage="<case-no> add <provider name…> [day]",
    example="PI-2041 add Valley Orthopedics 2026-11-02",
    help="a provider whose records and bills were requested",
)
RECEIVED_FORM = Form(
    CASE,
    "provider",
    usage=f"<case-no> received <provider> {'|'.join(RECEIVED)} [day]",
    example='PI-2041 received "Valley Ortho" both',
    help="mark what arrived (<provider>: its number on the card or the start of its name)",
)
FOLLOWED_UP = Form(
    CASE,
    "provider",
    usage="<case-no> followed-up <provider> [day]",
    example="PI-2041 followed-up 1",
    help="a provider follow-up was made",
)
_ACTIONS = {"add": ADD, "received": RECEIVED_FORM, "followed-up": FOLLOWED_UP}
_SPELLINGS = {"followedup": "followed-up", "follow-up": "followed-up", "followup": "followed-up"}


def parse_provider(words: list[str]) -> ProviderArgs:
    number = case_no(PROVIDER, words)
    if not words:
        raise refuse(PROVIDER, f"Say {one_of(tuple(_ACTIONS))} after the case number.")
    # `followed up` is followed-up; a near miss (`recieved`) is asked about, never taken as a name.
    rest = " ".join(words[1:])
    action = vocab(
        PROVIDER,
        words,
        tuple(_ACTIONS),
        _SPELLINGS,
        example=lambda a: f"{PROVIDER.command} {PROVIDER.name} {number} {a} {rest}".rstrip(),
    )
    form = _ACTIONS.get(action or "")
    if form is None:
        raise refuse(PROVIDER, said(quoted(words[0][:30]), f" is not {one_of(tuple(_ACTIONS))}."))
    on = date_at_end(form, words)
    if form is ADD:
        name = text_without_days(form, words, "provider's name", "at the end")
        if not name:
            raise refuse(form, "Name the provider.")
        return AddProvider(number=number, name=name, on=on)
    if form is RECEIVED_FORM:
        if len(words) < 2:
            raise refuse(
                form,
                "Name the provider (its number on the card or the start of its name) and "
                f"what arrived: {one_of(RECEIVED)}.",
            )
        what = words.pop().lower()
        if what not in RECEIVED:
            raise refuse(form, said(quoted(what[:30]), f" is not {one_of(RECEIVED)}."))
        return ProviderReceived(number=number, ref=" ".join(words), what=what, on=on)
    if not words:
        raise refuse(form, "Name the provider: its number on the card or the start of its name.")
    return ProviderFollowedUp(number=number, ref=" ".join(words), on=on)


def run_provider(ctx: Context, actor: str, a: ProviderArgs) -> Reply:
    f = ctx.firm
    if isinstance(a, AddProvider):
        return outcome(ctx, services.add_provider(f, actor, a.number, a.name, on=a.on))
    if isinstance(a, ProviderReceived):
        return outcome(ctx, services.provider_received(f, actor, a.number, a.ref, a.what, on=a.on))
    return outcome(ctx, services.provider_followed_up(f, actor, a.number, a.ref, on=a.on))


PROVIDER: Subcommand[ProviderArgs] = Subcommand(
    CASE,
    "provider",
    usage=f"<case-no> {'|'.join(_ACTIONS)} …",
    help="providers' records and bills",
    example="PI-2041 add Valley Orthopedics",
    parse=parse_provider,
    run=run_provider,
    aliases=("providers",),
    forms={AddProvider: ADD, ProviderReceived: RECEIVED_FORM, ProviderFollowedUp: FOLLOWED_UP},
)
