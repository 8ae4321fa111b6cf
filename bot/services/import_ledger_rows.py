"""Reading an import file's cells of parts: providers (with their bills), liens, costs and demand rounds,
each checked, and the reader of one row's cells that collects its problems. No database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.errors import CasebotError
from bot.rules.ledger import LIEN_KINDS
from bot.rules.parsing import parse_day

_MONEY_RE = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


@dataclass
class ProviderIn:
    name: str
    requested_on: date | None
    records_on: date | None
    bills_on: date | None
    billed: Decimal | None = None  # the bill, when the row gives one
    paid: Decimal | None = None
    adjusted: Decimal | None = None
    billed_on: date | None = None


@dataclass
class LienIn:
    holder: str
    kind: str
    amount: Decimal
    asserted_on: date
    reduced_to: Decimal | None
    reduced_on: date | None
    accepted_on: date | None
    paid_on: date | None


@dataclass
class CostIn:
    amount: Decimal
    on: date
    description: str


@dataclass
class RoundIn:
    """One round of the demand as the file gives it."""

    on: date
    adjuster: str | None
    acknowledged_on: date | None


class RowCells:
    """Reads and checks the cells of one row, collecting every problem instead of stopping at the first."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.problems: list[str] = []

    def day(self, value: str, column: str, *, past_only: bool = True) -> date | None:
        if not value:
            return None
        try:
            day = parse_day(value, self.today, when="past" if past_only else "dated")
        except CasebotError as exc:
            self.problems.append(f"{column} {exc.message}")
            return None
        if past_only and day > self.today:
            self.problems.append(f"{column} {value} is in the future (today is {self.today:%Y-%m-%d})")
            return None
        return day

    def money(self, value: str, column: str) -> Decimal | None:
        if not value:
            return None
        if not _MONEY_RE.match(value):
            self.problems.append(f"{column} “{value[:40]}” is not an amount: write it as 1234.56")
            return None
        return Decimal(value).quantize(Decimal("0.01"))


def split_escaped(text: str, sep: str, *, keep_escapes: bool = False) -> list[str]:
    r"""Split on `sep`, honouring backslash escapes (\: \| \\) that export writes into provider names;
    with keep_escapes the parts keep them, for a second split."""
    parts, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append("\\" + ch if keep_escapes else ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def read_providers(text: str, r: RowCells) -> list[ProviderIn]:
    providers: list[ProviderIn] = []
    if not text:
        return providers
    seen: set[str] = set()
    for i, chunk in enumerate(split_escaped(text, "|", keep_escapes=True), start=1):
        if not chunk.strip():
            continue
        fields = split_escaped(chunk, ":")
        name = " ".join(fields[0].split())
        if len(fields) > 8:
            r.problems.append(
                f"provider {i} “{name[:40]}” has {len(fields)} parts: write name:requested:records:bills "
                "(and :billed:paid:adjusted:bill day when its bill is recorded)"
            )
            continue
        fields += [""] * (8 - len(fields))
        if not name or len(name) > 200:
            r.problems.append(f"provider {i} has no name: write name:requested:records:bills")
            continue
        if name.lower() in seen:
            r.problems.append(f"provider “{name[:40]}” is listed twice")
            continue
        seen.add(name.lower())
        what = f"provider “{name[:40]}”"
        requested = r.day(fields[1].strip(), f"{what} requested day")
        records = r.day(fields[2].strip(), f"{what} records day")
        bills = r.day(fields[3].strip(), f"{what} bills day")
        for label, got in (("records", records), ("bills", bills)):
            if got and requested and got < requested:
                r.problems.append(
                    f"{what}: {label} received {got:%Y-%m-%d}, before they were requested {requested:%Y-%m-%d}"
                )
        billed = r.money(fields[4].strip(), f"{what} billed")
        paid = r.money(fields[5].strip(), f"{what} paid")
        adjusted = r.money(fields[6].strip(), f"{what} adjusted")
        billed_on = r.day(fields[7].strip(), f"{what} bill day")
        if billed is None and (paid is not None or adjusted is not None or billed_on is not None):
            r.problems.append(f"{what}: paid, adjusted and the bill day go with the amount billed")
        elif billed is not None and (paid or 0) + (adjusted or 0) > billed:
            r.problems.append(f"{what}: paid and adjusted come to more than the {billed} billed")
        elif billed is not None and billed < 0:
            r.problems.append(f"{what}: the amount billed is more than 0 (0 for a provider with no bill)")
        providers.append(ProviderIn(name, requested, records, bills, billed, paid, adjusted, billed_on))
    return providers


def read_liens(text: str, r: RowCells) -> list[LienIn]:
    liens: list[LienIn] = []
    for i, chunk in enumerate(split_escaped(text, "|", keep_escapes=True) if text else [], start=1):
        if not chunk.strip():
            continue
        fields = split_escaped(chunk, ":")
        holder = " ".join(fields[0].split())
        what = f"lien {i} “{holder[:40]}”"
        if len(fields) > 8 or not holder or len(holder) > 200:
            r.problems.append(f"lien {i}: write holder:type:amount:asserted:reduced to:reduced:accepted:paid")
            continue
        fields = [f.strip() for f in fields] + [""] * (8 - len(fields))
        if fields[1] not in LIEN_KINDS:
            r.problems.append(f"{what}: type “{fields[1][:20]}” is one of {', '.join(LIEN_KINDS)}")
        amount = r.money(fields[2], f"{what} amount")
        asserted = r.day(fields[3], f"{what} asserted day")
        reduced_to = r.money(fields[4], f"{what} reduced amount")
        reduced_on = r.day(fields[5], f"{what} reduced day")
        accepted_on = r.day(fields[6], f"{what} accepted day")
        paid_on = r.day(fields[7], f"{what} paid day")
        if amount is None or amount <= 0 or asserted is None:
            r.problems.append(f"{what}: give its amount (more than 0) and the day it was asserted")
            continue
        if (reduced_to is None) != (reduced_on is None):
            r.problems.append(f"{what}: the reduced amount and its day go together")
        elif reduced_to is not None and reduced_to >= amount:
            r.problems.append(
                f"{what}: reduced to {reduced_to}, which is not less than the {amount} asserted"
            )
        order = [d for d in (asserted, reduced_on, accepted_on, paid_on) if d is not None]
        if order != sorted(order):
            r.problems.append(f"{what}: its days go asserted, reduced, accepted, paid, in that order")
        liens.append(
            LienIn(holder, fields[1], amount, asserted, reduced_to, reduced_on, accepted_on, paid_on)
        )
    return liens


def read_costs(text: str, r: RowCells) -> list[CostIn]:
    costs: list[CostIn] = []
    for i, chunk in enumerate(split_escaped(text, "|", keep_escapes=True) if text else [], start=1):
        if not chunk.strip():
            continue
        fields = split_escaped(chunk, ":")
        if len(fields) != 3:
            r.problems.append(f"cost {i}: write amount:day:description")
            continue
        amount = r.money(fields[0].strip(), f"cost {i} amount")
        day = r.day(fields[1].strip(), f"cost {i} day")
        description = " ".join(fields[2].split())
        if amount is None or amount <= 0 or day is None or not description or len(description) > 300:
            r.problems.append(f"cost {i}: give its amount (more than 0), its day and what it was for")
            continue
        costs.append(CostIn(amount, day, description))
    return costs


def read_rounds(text: str, r: RowCells) -> list[RoundIn]:
    rounds: list[RoundIn] = []
    for i, chunk in enumerate(split_escaped(text, "|", keep_escapes=True), start=1):
        if not chunk.strip():
            continue
        fields = split_escaped(chunk, ":")
        if len(fields) > 3:
            r.problems.append(f"demand round {i} has {len(fields)} parts: write sent:adjuster:acknowledged")
            continue
        fields += [""] * (3 - len(fields))
        on = r.day(fields[0].strip(), f"demand round {i} day")
        if on is None:
            if not fields[0].strip():
                r.problems.append(f"demand round {i} has no day: write sent:adjuster:acknowledged")
            continue
        ack = r.day(fields[2].strip(), f"demand round {i} acknowledged day")
        adjuster = " ".join(fields[1].split())[:200] or None
        if rounds and on < rounds[-1].on:
            r.problems.append(
                f"demand round {i} ({on:%Y-%m-%d}) is before round {i - 1}: list them oldest first"
            )
        if ack and ack < on:
            r.problems.append(
                f"demand round {i} is acknowledged {ack:%Y-%m-%d}, before it went out {on:%Y-%m-%d}"
            )
        if rounds and rounds[-1].acknowledged_on and rounds[-1].acknowledged_on >= on:
            r.problems.append(f"demand round {i - 1}'s acknowledgment is not before round {i}")
        rounds.append(RoundIn(on, adjuster, ack))
    return rounds
