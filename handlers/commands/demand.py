"""On the way to a settlement: what holds the demand up (`holdup`) and the demand's clocks (`demand`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import services
from bot.rules.playbook import HoldUp
from bot.rules.said import quoted, said
from handlers.blocks import Reply
from handlers.commands.subcommand import (
    CASE,
    Subcommand,
    case_no,
    date_at_end,
    date_opt,
    no_more,
    one_of,
    outcome,
    refuse,
    text_without_days,
    vocab,
)
from handlers.context import Context

HOLDUP_KINDS: tuple[str, ...] = tuple(kind.value for kind in HoldUp)
_HOLDUP_SPELLINGS = {"chartnotes": "chart-notes", "chart": "chart-notes", "wageloss": "wage-loss"}

# ---------------------------------------------------------------- holdup


@dataclass(frozen=True)
class SetHoldUp:
    number: str
    kind: str
    note: str | None
    on: date | None = None


@dataclass(frozen=True)
class ClearHoldUp:
    number: str
    kind: str  # a hold-up kind or "all"


def parse_holdup(words: list[str]) -> SetHoldUp | ClearHoldUp:
    number = case_no(HOLDUP, words)
    if not words:
        raise refuse(HOLDUP, f"Say what holds it up: {one_of(HOLDUP_KINDS)} (or clear).")
    rest = " ".join(words[1:])
    kind = vocab(  # `wage loss` is wage-loss; a near miss (`biling`) is asked about, never kept as a note
        HOLDUP,
        words,
        (*HOLDUP_KINDS, "clear"),
        _HOLDUP_SPELLINGS,
        example=lambda k: f"{HOLDUP.command} {HOLDUP.name} {number} {k} {rest}".rstrip(),
    ) or (words.pop(0).lower() if words else "")
    if kind == "clear":
        what = words.pop(0).lower() if words else "all"
        if what not in (*HOLDUP_KINDS, "all"):
            raise refuse(
                HOLDUP, said(quoted(what[:30]), f" is not a hold-up: {one_of((*HOLDUP_KINDS, 'all'))}.")
            )
        no_more(HOLDUP, words)
        return ClearHoldUp(number=number, kind=what)
    if kind not in HOLDUP_KINDS:
        raise refuse(HOLDUP, said(quoted(kind[:30]), f" is not a hold-up: {one_of(HOLDUP_KINDS)}."))
    on = date_opt(HOLDUP, words)
    note = text_without_days(
        HOLDUP, words, "note", f"right after {kind} (/case holdup {number} {kind} 10/5 …)"
    )
    if kind == HoldUp.OTHER and not note:
        raise refuse(
            HOLDUP,
            "Say what holds it up.",
            example=f"{HOLDUP.command} {HOLDUP.name} {number} other police report",
        )
    return SetHoldUp(number=number, kind=kind, note=note, on=on)


def run_holdup(ctx: Context, actor: str, a: SetHoldUp | ClearHoldUp) -> Reply:
    if isinstance(a, ClearHoldUp):
        return outcome(ctx, services.clear_holdup(ctx.firm, actor, a.number, a.kind))
    return outcome(ctx, services.set_holdup(ctx.firm, actor, a.number, a.kind, a.note, on=a.on))


HOLDUP: Subcommand[SetHoldUp | ClearHoldUp] = Subcommand(
    CASE,
    "holdup",
    usage=f"<case-no> {'|'.join(HOLDUP_KINDS)} [day] [note…]",
    also=(f"<case-no> clear [{'|'.join((*HOLDUP_KINDS, 'all'))}]",),
    help="what holds the demand up (since that day), and clearing it",
    example="PI-2041 billing 2026-10-05 itemized bill",
    parse=parse_holdup,
    run=run_holdup,
    aliases=("hold-up",),
)


# ---------------------------------------------------------------- demand

DEMAND_EVENTS = ("sent", "ack", "resent")
_EVENT_SPELLINGS = {"acknowledged": "ack"}


@dataclass(frozen=True)
class DemandEvent:
    number: str
    event: str  # one of DEMAND_EVENTS
    on: date | None
    adjuster: str | None = None


def parse_demand(words: list[str]) -> DemandEvent:
    number = case_no(DEMAND, words)
    event = _EVENT_SPELLINGS.get(words[0].lower(), words[0].lower()) if words else ""
    if event not in DEMAND_EVENTS:
        got = said(quoted(words[0][:30]), " is not") if words else "Say"
        raise refuse(DEMAND, said(got, f" {one_of(DEMAND_EVENTS)}."))
    words.pop(0)
    on = date_opt(DEMAND, words)
    adjuster = None
    if words and words[0].lower() == "adjuster":
        if event == "ack":
            raise refuse(DEMAND, "An acknowledgment takes only a date.")
        names = words[1:]
        if on is None:
            on = date_at_end(DEMAND, names)
        adjuster = text_without_days(DEMAND, names, "adjuster's name", "before “adjuster”") or ""
        if not adjuster:
            raise refuse(DEMAND, "Name the adjuster after “adjuster”.")
        words.clear()
    no_more(DEMAND, words)
    return DemandEvent(number=number, event=event, on=on, adjuster=adjuster)


def run_demand(ctx: Context, actor: str, a: DemandEvent) -> Reply:
    f, n = ctx.firm, a.number
    if a.event == "sent":
        return outcome(ctx, services.demand_sent(f, actor, n, on=a.on, adjuster=a.adjuster))
    if a.event == "resent":
        return outcome(ctx, services.demand_resent(f, actor, n, on=a.on, adjuster=a.adjuster))
    return outcome(ctx, services.demand_ack(f, actor, n, on=a.on))


DEMAND = Subcommand(
    CASE,
    "demand",
    usage=f"<case-no> {'|'.join(DEMAND_EVENTS)} [day] [adjuster <name…>]",
    help="the demand's clocks",
    example="PI-2041 sent 2026-11-02 adjuster Pat Lee",
    parse=parse_demand,
    run=run_demand,
)
