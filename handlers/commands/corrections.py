"""Setting the record right: `undo` (the caller's last change on a case) and `fix` (one recorded fact)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot import services
from bot.rules.playbook import RECORDED_CONTACT_KINDS, HoldUp
from bot.rules.public_entity_table import CLAIM_EVENTS
from bot.rules.said import quoted, said
from bot.services.corrections import PROVIDER_FIELDS
from handlers.blocks import Reply
from handlers.commands.subcommand import (
    CASE,
    Form,
    Subcommand,
    amount,
    case_no,
    date_opt,
    no_more,
    one_of,
    outcome,
    refuse,
    text_without_days,
)
from handlers.context import Context
from handlers.parse import day_at

_NUMBER_RE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$", re.IGNORECASE)
HOLDUP_KINDS: tuple[str, ...] = tuple(kind.value for kind in HoldUp)

# ---------------------------------------------------------------- undo


@dataclass(frozen=True)
class Undo:
    number: str


def parse_undo(words: list[str]) -> Undo:
    number = case_no(UNDO, words)
    no_more(UNDO, words)
    return Undo(number)


def run_undo(ctx: Context, actor: str, a: Undo) -> Reply:
    return outcome(ctx, services.undo_change(ctx.firm, actor, a.number))


UNDO = Subcommand(
    CASE,
    "undo",
    usage="<case-no>",
    help="undo your last change on the case (within 24 hours; again: the one before)",
    example="PI-2041",
    parse=parse_undo,
    run=run_undo,
)


# ---------------------------------------------------------------- fix: one form per fact


@dataclass(frozen=True)
class FixTreatment:
    number: str
    on: date
    because: str | None


@dataclass(frozen=True)
class FixClient:
    number: str
    name: str
    because: str | None


@dataclass(frozen=True)
class FixProvider:
    number: str
    ref: str
    field: str
    name: str | None
    on: date | None
    because: str | None


@dataclass(frozen=True)
class FixContact:
    number: str
    kind: str | None
    of_day: date | None
    to: date | None
    void: bool
    because: str | None


@dataclass(frozen=True)
class FixDemand:
    number: str
    round_no: int | None
    on: date | None
    adjuster: str | None
    because: str | None


@dataclass(frozen=True)
class FixOffer:
    number: str
    n: int | None
    amount: Decimal | None
    on: date | None
    because: str | None


@dataclass(frozen=True)
class FixHoldUp:
    number: str
    kind: str
    since: date
    because: str | None


@dataclass(frozen=True)
class FixClaim:
    number: str
    event: str
    on: date | None
    void: bool
    because: str | None


FixArgs = FixTreatment | FixClient | FixProvider | FixContact | FixDemand | FixOffer | FixHoldUp | FixClaim
_WHY = " [because <reason…>]"


def _form(usage: str, example: str, help: str) -> Form:
    return Form(CASE, "fix", usage=f"<case-no> {usage}{_WHY}", example=f"PI-2041 {example}", help=help)


TREATMENT = _form(
    "treatment <day>", "treatment 2026-11-03", "correct the day treatment completed (every clock)"
)
CLIENT = _form("client <name…>", "client John Doe", "correct the client's name")
PROVIDER = _form(
    f"provider <provider> name <name…>|{'|'.join(f for f in PROVIDER_FIELDS if f != 'name')} <day>",
    "provider 1 requested 2026-10-02",
    "correct a provider's name, or the day records and bills were requested or came",
)
CONTACT = _form(
    "contact [client|adjuster|provider] [<day it has>] <right day>|void",
    "contact 2026-11-28 2026-11-03",
    "correct the last (or that day's) contact's day, or void it",
)
DEMAND = _form(
    "demand [<round>] <day>|adjuster <name…>", "demand 1 adjuster Chris Nolan", "correct a demand round"
)
OFFER = _form("offer [<n>] amount <amount>|day <day>", "offer 2 amount 15,000", "correct an offer")
HOLDUP = _form(
    f"holdup {'|'.join(HOLDUP_KINDS)} since <day>", "holdup billing since 2026-10-05", "a hold-up's day"
)
CLAIM_EVENT = _form(
    f"claim {'|'.join(CLAIM_EVENTS)} <day>|void",
    "claim rejected 2026-01-20",
    "correct the day of the claim's event against a public entity (the last day to sue follows), or void it",
)
_FORMS = {
    "treatment": TREATMENT,
    "client": CLIENT,
    "provider": PROVIDER,
    "contact": CONTACT,
    "demand": DEMAND,
    "offer": OFFER,
    "holdup": HOLDUP,
    "claim": CLAIM_EVENT,
}
_SPELLINGS = {
    "treatment-complete": "treatment",
    "treated": "treatment",
    "name": "client",
    "client-name": "client",
    "contacted": "contact",
    "hold-up": "holdup",
    "offers": "offer",
    "providers": "provider",
    "claims": "claim",
}


def _because(form: Form, words: list[str]) -> str | None:
    """A trailing `because <reason…>`, taken off the words."""
    lowered = [w.lower() for w in words]
    if "because" not in lowered:
        return None
    at = lowered.index("because")
    reason = " ".join(words[at + 1 :]).strip()  # a reason explains; it dates nothing
    del words[at:]
    if not reason:
        raise refuse(form, "Say why after “because”.")
    return reason


def _day(form: Form, words: list[str], what: str) -> date:
    on = date_opt(form, words)
    if on is None:
        got = said(quoted(words[0][:30]), " is not a day") if words else f"Give {what}"
        raise refuse(form, said(got, ": like 11/3, Nov 3 or yesterday."))
    return on


def _number(words: list[str]) -> int | None:
    """An optional round or offer number (1, 2nd) when more words follow it."""
    if len(words) > 1 and not day_at(words) and (match := _NUMBER_RE.match(words[0])):
        words.pop(0)
        return int(match.group(1))
    return None


def parse_fix(words: list[str]) -> FixArgs:
    number = case_no(FIX, words)
    if not words:
        raise refuse(FIX, f"Say what to correct: {one_of(tuple(_FORMS))}.")
    word = words.pop(0).lower()
    what = _SPELLINGS.get(word, word)
    form = _FORMS.get(what)
    if form is None:
        raise refuse(
            FIX, said(quoted(word[:30]), f" is not something casebot corrects: {one_of(tuple(_FORMS))}.")
        )
    because = _because(form, words)
    return _PARSERS[what](number, words, because)


def _parse_treatment(number: str, words: list[str], because: str | None) -> FixTreatment:
    """`treatment <day>`"""
    on = _day(TREATMENT, words, "the day treatment completed")
    no_more(TREATMENT, words)
    return FixTreatment(number, on, because)


def _parse_client(number: str, words: list[str], because: str | None) -> FixClient:
    """`client <name…>`"""
    name = text_without_days(CLIENT, words, "client's name", "in a separate fix (treatment <day>)")
    if not name:
        raise refuse(CLIENT, "Give the client's name.")
    return FixClient(number, name, because)


def _parse_provider(number: str, words: list[str], because: str | None) -> FixProvider:
    """`provider <provider> name <name…>`, or `provider <provider> requested|records|bills <day>`."""
    lowered = [w.lower() for w in words]
    at = next((i for i, w in enumerate(lowered) if w in PROVIDER_FIELDS and i > 0), None)
    if at is None:
        raise refuse(PROVIDER, f"Name the provider, then what to correct: {one_of(PROVIDER_FIELDS)}.")
    ref, field, rest = " ".join(words[:at]), lowered[at], words[at + 1 :]
    if field == "name":
        new = text_without_days(PROVIDER, rest, "provider's name", "in a separate fix")
        if not new:
            raise refuse(PROVIDER, "Give the provider's right name after “name”.")
        return FixProvider(number, ref, field, new, None, because)
    on = _day(PROVIDER, rest, f"the day they were {field}")
    no_more(PROVIDER, rest)
    return FixProvider(number, ref, field, None, on, because)


def _parse_contact(number: str, words: list[str], because: str | None) -> FixContact:
    """`contact [client|adjuster|provider] [<day it has>] <right day>|void`"""
    kind = words.pop(0).lower() if words and words[0].lower() in RECORDED_CONTACT_KINDS else None
    first = date_opt(CONTACT, words)
    if words and words[0].lower() == "void":
        words.pop(0)
        no_more(CONTACT, words)
        return FixContact(number, kind, first, None, True, because)
    second = date_opt(CONTACT, words)
    no_more(CONTACT, words)
    if first is None:
        raise refuse(CONTACT, "Give the contact's right day, or “void” to strike it.")
    if second is None:
        return FixContact(number, kind, None, first, False, because)
    return FixContact(number, kind, first, second, False, because)


def _parse_demand(number: str, words: list[str], because: str | None) -> FixDemand:
    """`demand [round] [<round>] [day|sent|on] <day>`, or `demand [<round>] adjuster <name…>`."""
    if words and words[0].lower() == "round":
        words.pop(0)
    round_no = _number(words)
    if words and words[0].lower() == "adjuster":
        name = text_without_days(DEMAND, words[1:], "adjuster's name", "in a separate fix")
        if not name:
            raise refuse(DEMAND, "Name the adjuster after “adjuster”.")
        return FixDemand(number, round_no, None, name, because)
    if words and words[0].lower() in ("day", "sent", "on"):
        words.pop(0)
    on = _day(DEMAND, words, "the day the demand went out")
    no_more(DEMAND, words)
    return FixDemand(number, round_no, on, None, because)


def _parse_offer(number: str, words: list[str], because: str | None) -> FixOffer:
    """`offer [<n>] [day|received|on] <day>`, or `offer [<n>] [amount] <amount>`."""
    n = _number(words)
    key = words[0].lower() if words else ""
    if key in ("day", "received", "on") or day_at(words):
        if not day_at(words):
            words.pop(0)
        on = _day(OFFER, words, "the day the offer came")
        no_more(OFFER, words)
        return FixOffer(number, n, None, on, because)
    if key == "amount":
        words.pop(0)
    if not words:
        raise refuse(OFFER, "Give the offer's right amount, or its day.")
    offered = amount(OFFER, words.pop(0))
    no_more(OFFER, words)
    return FixOffer(number, n, offered, None, because)


def _parse_holdup(number: str, words: list[str], because: str | None) -> FixHoldUp:
    """`holdup <kind> [since] <day>`"""
    kind = words.pop(0).lower() if words else ""
    if kind not in HOLDUP_KINDS:
        raise refuse(
            HOLDUP,
            said(quoted(kind[:30]), f" is not a hold-up: {one_of(HOLDUP_KINDS)}.")
            if kind
            else "Which hold-up?",
        )
    if words and words[0].lower() == "since":
        words.pop(0)
    since = _day(HOLDUP, words, "the day it began")
    no_more(HOLDUP, words)
    return FixHoldUp(number, kind, since, because)


def _parse_claim(number: str, words: list[str], because: str | None) -> FixClaim:
    """`claim presented|rejected|deemed-rejected <day>|void` (also `deemed rejected`, `deemed_rejected`)."""
    lowered = [w.lower() for w in words]
    if lowered[:2] == ["deemed", "rejected"]:
        words[:2] = ["deemed-rejected"]
    event = words.pop(0).lower().replace("_", "-") if words else ""
    if event not in CLAIM_EVENTS:
        got = said(quoted(event[:20]), " is not") if event else "Say"
        raise refuse(
            CLAIM_EVENT, said(got, f" which of the claim's events to correct: {one_of(CLAIM_EVENTS)}.")
        )
    if words and words[0].lower() == "void":
        words.pop(0)
        no_more(CLAIM_EVENT, words)
        return FixClaim(number, event, None, True, because)
    on = date_opt(CLAIM_EVENT, words)
    if on is None:
        got = said(quoted(words[0][:30]), " is not a day") if words else "Give the right day"
        raise refuse(
            CLAIM_EVENT, said(got, f": the day the claim was {event} (2026-01-20), or “void” to strike it.")
        )
    no_more(CLAIM_EVENT, words)
    return FixClaim(number, event, on, False, because)


# One parser per form, by the form's word in _FORMS.
_PARSERS: dict[str, Callable[[str, list[str], str | None], FixArgs]] = {
    "treatment": _parse_treatment,
    "client": _parse_client,
    "provider": _parse_provider,
    "contact": _parse_contact,
    "demand": _parse_demand,
    "offer": _parse_offer,
    "holdup": _parse_holdup,
    "claim": _parse_claim,
}


def run_fix(ctx: Context, actor: str, a: FixArgs) -> Reply:
    f, n = ctx.firm, a.number
    if isinstance(a, FixTreatment):
        return outcome(ctx, services.fix_treatment(f, actor, n, a.on, because=a.because))
    if isinstance(a, FixClient):
        return outcome(ctx, services.fix_client(f, actor, n, a.name, because=a.because))
    if isinstance(a, FixProvider):
        result = services.fix_provider(f, actor, n, a.ref, a.field, name=a.name, on=a.on, because=a.because)
        return outcome(ctx, result)
    if isinstance(a, FixContact):
        result = services.fix_contact(
            f, actor, n, of_day=a.of_day, kind=a.kind, to=a.to, void=a.void, because=a.because
        )
        return outcome(ctx, result)
    if isinstance(a, FixDemand):
        result = services.fix_demand(
            f, actor, n, round_no=a.round_no, on=a.on, adjuster=a.adjuster, because=a.because
        )
        return outcome(ctx, result)
    if isinstance(a, FixOffer):
        return outcome(ctx, services.fix_offer(f, actor, n, a.n, amount=a.amount, on=a.on, because=a.because))
    if isinstance(a, FixClaim):
        return outcome(ctx, services.fix_claim(f, actor, n, a.event, on=a.on, void=a.void, because=a.because))
    return outcome(ctx, services.fix_holdup(f, actor, n, a.kind, a.since, because=a.because))


FIX: Subcommand[FixArgs] = Subcommand(
    CASE,
    "fix",
    usage=f"<case-no> {'|'.join(_FORMS)} …{_WHY}",
    help="correct one recorded fact; the case is re-planned",
    example=TREATMENT.example,
    parse=parse_fix,
    run=run_fix,
    aliases=("correct", "edit"),
    forms={
        FixTreatment: TREATMENT,
        FixClient: CLIENT,
        FixProvider: PROVIDER,
        FixContact: CONTACT,
        FixDemand: DEMAND,
        FixOffer: OFFER,
        FixHoldUp: HOLDUP,
        FixClaim: CLAIM_EVENT,
    },
)
