"""`/offer received|list|informed`: the insurer's offers and telling the client of each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot import services
from bot.rules.said import quoted, said
from handlers.blocks import Reply, build_offers
from handlers.commands.subcommand import (
    OFFER,
    Subcommand,
    amount,
    case_no,
    date_opt,
    no_more,
    outcome,
    refuse,
)
from handlers.context import Context
from handlers.parse import day_at

_ORDINAL_RE = re.compile(r"^(\d{1,3})(?:st|nd|rd|th)?$", re.IGNORECASE)


@dataclass(frozen=True)
class OfferReceived:
    number: str
    amount: Decimal
    final: bool
    on: date | None


def parse_received(words: list[str]) -> OfferReceived:
    number = case_no(RECEIVED, words)
    if not words:
        raise refuse(RECEIVED, "Give the amount offered.")
    offered = amount(RECEIVED, words.pop(0))
    final, on = False, None
    while words:
        if day_at(words) and on is None:
            on = date_opt(RECEIVED, words)
            continue
        word = words.pop(0)
        if word.lower() == "final" and not final:
            final = True
        else:
            raise refuse(RECEIVED, said("I don't know what to do with ", quoted(word[:40]), "."))
    return OfferReceived(number=number, amount=offered, final=final, on=on)


def run_received(ctx: Context, actor: str, a: OfferReceived) -> Reply:
    return outcome(ctx, services.offer_received(ctx.firm, actor, a.number, a.amount, final=a.final, on=a.on))


RECEIVED = Subcommand(
    OFFER,
    "received",
    usage="<case-no> <amount> [final] [day]",
    help="record an offer",
    example="PI-2041 12,500 2026-11-20",
    parse=parse_received,
    run=run_received,
    aliases=("receive",),
)


@dataclass(frozen=True)
class OfferList:
    number: str


def parse_list(words: list[str]) -> OfferList:
    number = case_no(LIST, words)
    no_more(LIST, words)
    return OfferList(number)


def run_list(ctx: Context, actor: str, a: OfferList) -> Reply:
    return build_offers(services.list_offers(ctx.firm, actor, a.number))


LIST = Subcommand(
    OFFER,
    "list",
    usage="<case-no>",
    help="the offers and when the client was told",
    example="PI-2041",
    parse=parse_list,
    run=run_list,
    aliases=("offers",),
)


@dataclass(frozen=True)
class OfferInformed:
    number: str
    n: int | None
    on: date | None
    final: bool = False  # the final offer, named by the word the card uses


def parse_informed(words: list[str]) -> OfferInformed:
    number = case_no(INFORMED, words)
    n, final = None, False
    if words and words[0].lower() == "final":
        final = True
        words.pop(0)
    elif words and not day_at(words):
        match = _ORDINAL_RE.match(words[0])
        if not match or int(match.group(1)) < 1:
            raise refuse(
                INFORMED, said(quoted(words[0][:30]), " is not an offer number like 1 or 2nd, nor final.")
            )
        n = int(match.group(1))
        words.pop(0)
    on = date_opt(INFORMED, words)
    no_more(INFORMED, words)
    return OfferInformed(number=number, n=n, on=on, final=final)


def run_informed(ctx: Context, actor: str, a: OfferInformed) -> Reply:
    return outcome(ctx, services.offer_informed(ctx.firm, actor, a.number, a.n, final=a.final, on=a.on))


INFORMED = Subcommand(
    OFFER,
    "informed",
    usage="<case-no> [final|<n>] [day]",
    help="the client was told of that offer (default the latest)",
    example="PI-2041 final",
    parse=parse_informed,
    run=run_informed,
    aliases=("told", "inform"),
)
