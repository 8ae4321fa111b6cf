"""One generated case at a time (bench/generate.py's Firm asks for them): its stages, providers, demand,
offers, hold-ups and contacts, the obligations the real planner gives it, and its rows."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from bench.firm_data import (
    ADJUSTERS,
    CURRENT_AGE,
    FIRST,
    HOLDUP_NOTES,
    LAST,
    OPEN_FLOW,
    PROVIDERS,
    STAGE_SPAN,
    STAGE_WEIGHTS,
)
from bot.rules.calendar import BusinessCalendar
from bot.rules.planner import (
    OPEN,
    CaseFacts,
    DemandFacts,
    HoldUpFacts,
    OfferFacts,
    ProviderFacts,
    StageEntry,
    plan,
)
from bot.rules.playbook import HoldUp, Numbers, Stage
from storage.models import (
    Base,
    Case,
    Contact,
    DemandEvent,
    HoldUpRow,
    Obligation,
    Offer,
    Provider,
    StageChange,
)


class Tally(Protocol):
    """What the case maker needs of the firm it makes cases for (bench/generate.py's Firm): its day, calendar
    and numbers, and the totals it adds each case to."""

    today: date
    calendar: BusinessCalendar
    numbers: Numbers
    due_items: int
    slipped_cases: int
    touched_up: int
    events: int
    obligations: int
    open_obligations: int
    index: list[tuple[str, str, str]]


def case_number(case_id: int) -> str:
    return f"PI-{case_id:06d}"


def _at(day: date) -> datetime:
    return datetime.combine(day, time(18, 0), tzinfo=UTC)  # 10:00 in Los Angeles


@dataclass
class _Case:
    """One generated case while it is being made: its facts so far, step by step."""

    case_id: int
    manager: str
    slipped: bool
    k: int  # the index of its stage in OPEN_FLOW
    acked: bool
    enter: list[date]  # the day it entered each stage up to its own
    providers: list[ProviderFacts] = field(default_factory=list)
    followups: list[tuple[int, date]] = field(default_factory=list)
    demand: list[DemandFacts] = field(default_factory=list)
    adjuster_contacts: list[date] = field(default_factory=list)
    offers: list[OfferFacts] = field(default_factory=list)
    holdups: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[date] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)

    @property
    def stage(self) -> Stage:
        return OPEN_FLOW[self.k]

    @property
    def created(self) -> date:
        return self.enter[0]


class CaseMaker:
    """Makes the firm's cases one by one, each in named steps that draw from the firm's random generator in
    a fixed order (so a scale and a seed always give the same firm)."""

    def __init__(self, firm: Tally, rng: random.Random) -> None:
        self.firm, self.rng = firm, rng
        self.today = firm.today

    def _day_between(self, lo: date, hi: date) -> date:
        if hi <= lo:
            return lo
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def make(
        self,
        case_id: int,
        manager: str,
        slipped: bool,
        provider_ids: Iterator[int],
        out: dict[type[Base], list[dict[str, Any]]],
    ) -> None:
        """One case and its rows, in steps that draw from the random generator in a fixed order."""
        c = self._stages(case_id, manager, slipped)
        self._providers(c, provider_ids, out)
        self._demand(c)
        self._offers(c)
        self._holdups(c)
        self._client_contacts(c)
        self._plan(c)
        self._rows(c, out)
        self._count(c)

    def _stages(self, case_id: int, manager: str, slipped: bool) -> _Case:
        """The case's stage, how long it has been in it, and the day it entered each stage before."""
        rng, today = self.rng, self.today
        k = rng.choices(range(len(OPEN_FLOW)), weights=STAGE_WEIGHTS)[0]
        stage = OPEN_FLOW[k]
        age = rng.randint(0, CURRENT_AGE[stage])
        acked = stage is not Stage.DEMAND_SENT or rng.random() < 0.5 or (not slipped and age > 27)
        if stage is Stage.DEMAND_SENT and not acked:
            age = min(age, 27)  # the insurer's 30 days are not up yet
        enter = [today - timedelta(days=age)]
        for j in range(k - 1, -1, -1):
            lo, hi = STAGE_SPAN[OPEN_FLOW[j]]
            enter.insert(0, enter[0] - timedelta(days=rng.randint(lo, hi)))
        return _Case(case_id, manager, slipped, k, acked, enter)

    def _providers(
        self, c: _Case, provider_ids: Iterator[int], out: dict[type[Base], list[dict[str, Any]]]
    ) -> None:
        """Providers: requested in the first days; all in before the demand queue."""
        rng = self.rng
        for seq, name in enumerate(
            rng.sample(PROVIDERS, rng.choices((1, 2, 3, 4, 5, 6), (30, 30, 20, 10, 6, 4))[0]), 1
        ):
            p = self._provider(c, next(provider_ids), name)
            c.providers.append(p)
            out.setdefault(Provider, []).append(
                {
                    "id": p.id,
                    "case_id": c.case_id,
                    "seq": seq,
                    "name": name,
                    "requested_on": p.requested_on,
                    "records_on": p.records_on,
                    "bills_on": p.bills_on,
                }
            )

    def _provider(self, c: _Case, pid: int, name: str) -> ProviderFacts:
        """One provider: when it was asked, what came and when, and its follow-ups (into c.followups)."""
        rng, today = self.rng, self.today
        records_done = c.enter[1] if c.k >= 1 else None
        limit = (records_done - timedelta(days=1)) if records_done else today
        requested = self._day_between(c.created, min(c.created + timedelta(days=5), limit))
        records_on = bills_on = None
        if records_done is not None or rng.random() < 0.4:
            end = records_done if records_done is not None else today
            records_on = self._day_between(
                requested, min(requested + timedelta(days=rng.randint(7, 60)), end)
            )
            bills_on = self._day_between(requested, min(requested + timedelta(days=rng.randint(7, 60)), end))
        elif rng.random() < 0.3:
            records_on = self._day_between(requested, min(requested + timedelta(days=45), today))
        owed_until = max(d for d in (records_on, bills_on) if d) if records_on and bills_on else None
        c.followups.extend((pid, d) for d in self._followups(c.slipped, requested, owed_until))
        return ProviderFacts(pid, name, requested, records_on, bills_on)

    def _followups(self, slipped: bool, requested: date, owed_until: date | None) -> list[date]:
        """Follow-ups every two to four weeks while something is owed; an up-to-date case's last is under
        14 days old, a slipped one's may be long past."""
        rng, today = self.rng, self.today
        stop = owed_until or (
            today - timedelta(days=14 + rng.randint(0, 20)) if slipped and rng.random() < 0.5 else today
        )
        mine: list[date] = []
        f = requested + timedelta(days=rng.randint(14, 30))
        while f < stop:
            mine.append(f)
            f += timedelta(days=rng.randint(14, 30))
        if owed_until is None and stop == today and (today - (mine[-1] if mine else requested)).days >= 14:
            mine.append(
                self._day_between(max(mine[-1] if mine else requested, today - timedelta(days=13)), today)
            )
        return mine

    def _demand(self, c: _Case) -> None:
        """The demand: sent on entering demand_sent, acknowledged, now and then resent to a new adjuster."""
        if c.k < 3:
            return
        rng, today = self.rng, self.today
        sent = c.enter[3]
        span_end = c.enter[4] if c.k >= 4 else today
        adjuster = rng.choice(ADJUSTERS)
        c.demand.append(DemandFacts("sent", sent, adjuster))
        last_round = sent
        if (span_end - sent).days >= 45 and rng.random() < 0.1:
            last_round = sent + timedelta(days=rng.randint(31, 38))
            adjuster = rng.choice(ADJUSTERS)
            c.demand.append(DemandFacts("resent", last_round, adjuster))
        if c.acked:
            ack = self._day_between(
                last_round + timedelta(days=3), min(last_round + timedelta(days=25), span_end)
            )
            if ack <= today:
                c.demand.append(DemandFacts("ack", ack))
        for d in c.demand:
            if d.kind in ("sent", "resent") and not (c.slipped and rng.random() < 0.5):
                on = d.on + timedelta(days=rng.randint(2, 10))
                if on <= today:
                    c.adjuster_contacts.append(on)

    def _offers(self, c: _Case) -> None:
        """Offers from entering negotiation, every ten to thirty days; the final one on entering final_offer."""
        if c.k < 4:
            return
        n, day = 1, c.enter[4]
        last = c.enter[5] if c.k >= 5 else self.today
        while day < last or n == 1:
            c.offers.append(OfferFacts(n, day, False))
            n, day = n + 1, day + timedelta(days=self.rng.randint(10, 30))
        if c.k >= 5:
            c.offers.append(OfferFacts(n, c.enter[5], True))

    def _holdups(self, c: _Case) -> None:
        """Hold-ups while the demand waits; cleared once it is drafted."""
        rng, today = self.rng, self.today
        if not (c.k >= 1 and rng.random() < 0.35):
            return
        for kind in rng.sample(list(HoldUp), rng.choice((1, 1, 2))):
            opened = self._day_between(c.enter[1], today if c.k <= 2 else c.enter[3])
            cleared = None if c.k <= 2 else self._day_between(opened, c.enter[3])
            note = rng.choice(HOLDUP_NOTES[kind]) if kind in HOLDUP_NOTES else None
            c.holdups.append(
                {
                    "case_id": c.case_id,
                    "kind": kind.value,
                    "note": note,
                    "opened_on": opened,
                    "cleared_on": cleared,
                    "by": c.manager,
                }
            )

    def _client_contacts(self, c: _Case) -> None:
        """Client contacts: every two to four weeks; an up-to-date case heard from us inside its cadence and
        after every event it must be told of, a slipped one not for a while."""
        rng, today = self.rng, self.today
        triggers = [c.enter[-1], *(o.on for o in c.offers), *(d.on for d in c.demand if d.kind != "ack")]
        if any(
            d.kind == "sent" and (today - d.on).days >= 30 and not any(a.kind == "ack" for a in c.demand)
            for d in c.demand
        ):
            triggers.append(c.demand[-1].on + timedelta(days=30))
        cadence = 14 if c.stage is Stage.RECORDS else 30
        if c.slipped:
            last_contact = today - timedelta(days=cadence + rng.randint(0, 25))
        else:
            last_contact = self._day_between(max(max(triggers), today - timedelta(days=cadence - 1)), today)
        on = c.created + timedelta(days=rng.randint(0, 3))
        while on < last_contact - timedelta(days=5):
            c.contacts.append(on)
            on += timedelta(days=rng.randint(25, 60))
        if last_contact >= c.created:
            c.contacts.append(last_contact)

    def _facts(self, c: _Case, *, touched_up: bool = False) -> CaseFacts:
        """What the planner is given; once touched up, the contacts (today among them) are each day once."""
        contacts = sorted(set(c.contacts)) if touched_up else c.contacts
        adjuster_contacts = sorted(set(c.adjuster_contacts)) if touched_up else c.adjuster_contacts
        return CaseFacts(
            created_on=c.created,
            stages=tuple(StageEntry(s, on) for s, on in zip(OPEN_FLOW[: c.k + 1], c.enter, strict=True)),
            providers=_provider_facts(c.providers, c.followups),
            client_contacts=tuple(contacts),
            adjuster_contacts=tuple(adjuster_contacts),
            demand=tuple(c.demand),
            offers=tuple(c.offers),
            holdups=tuple(
                HoldUpFacts(HoldUp(h["kind"]), h["note"], h["opened_on"])
                for h in c.holdups
                if h["cleared_on"] is None
            ),
        )

    def _due(self, c: _Case) -> int:
        return sum(1 for i in c.items if i.state == OPEN and i.due_on <= self.today)

    def _plan(self, c: _Case) -> None:
        """The case's obligations as the planner sees them; an up-to-date case with something due had a
        clock the generator did not foresee: the manager dealt with it today."""
        today = self.today
        facts = self._facts(c)
        c.items = list(plan(facts, self.firm.calendar, self.firm.numbers))
        due = self._due(c)
        if due and not c.slipped:
            self.firm.touched_up += 1
            if not any(d.kind == "ack" for d in c.demand) and c.demand:
                c.demand.append(DemandFacts("ack", today))
            c.contacts.append(today)
            if c.demand:
                c.adjuster_contacts.append(today)
            for p in facts.providers:
                if p.owed:
                    c.followups.append((p.id, today))
            c.items = list(plan(self._facts(c, touched_up=True), self.firm.calendar, self.firm.numbers))
            due = self._due(c)
        self.firm.due_items += due
        self.firm.slipped_cases += c.slipped

    def _rows(self, c: _Case, out: dict[type[Base], list[dict[str, Any]]]) -> None:
        """Rows, as the services would have stored them."""
        self.firm.index.append((case_number(c.case_id), c.manager, c.stage.value))
        out.setdefault(Case, []).append(self._case_row(c))
        stage_rows = out.setdefault(StageChange, [])
        for seq, (s, on) in enumerate(zip(OPEN_FLOW[: c.k + 1], c.enter, strict=True), 1):
            stage_rows.append(
                {
                    "case_id": c.case_id,
                    "seq": seq,
                    "from_stage": OPEN_FLOW[seq - 2].value if seq > 1 else None,
                    "to_stage": s.value,
                    "on": on,
                    "by": c.manager,
                    "reason": "case created" if seq == 1 else None,
                    "at": _at(on),
                }
            )
        out.setdefault(HoldUpRow, []).extend(c.holdups)
        out.setdefault(DemandEvent, []).extend(
            {
                "case_id": c.case_id,
                "kind": d.kind,
                "on": d.on,
                "adjuster": d.adjuster,
                "by": c.manager,
                "at": _at(d.on),
            }
            for d in c.demand
        )
        out.setdefault(Offer, []).extend(self._offer_rows(c))
        out.setdefault(Contact, []).extend(_contact_rows(c))
        out.setdefault(Obligation, []).extend(self._obligation_rows(c))

    def _case_row(self, c: _Case) -> dict[str, Any]:
        last_client = max(c.contacts) if c.contacts else None
        loss_on = c.created - timedelta(days=self.rng.randint(30, 300))
        return {
            "id": c.case_id,
            "number": case_number(c.case_id),
            "number_key": case_number(c.case_id),
            "client_name": f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}",
            "manager_id": c.manager,
            "stage": c.stage.value,
            "stage_entered_on": c.enter[-1],
            "advanced_at": None,
            "treatment_completed_on": c.created,
            "closed_on": None,
            "limitation_on": loss_on + timedelta(days=730),  # two years in California
            "loss_on": loss_on,
            "loss_state": "CA",
            "last_client_contact_on": last_client,
            "created_at": _at(c.created),
            "version": 1,
        }

    def _offer_rows(self, c: _Case) -> Iterator[dict[str, Any]]:
        """Each offer higher than the one before; the client told of it at their next contact."""
        amount = Decimal(self.rng.randrange(5_000, 40_000, 250))
        for o in c.offers:
            amount += Decimal(self.rng.randrange(1_000, 15_000, 250))
            told = next((on for on in sorted(c.contacts) if on >= o.on), None)
            yield {
                "case_id": c.case_id,
                "n": o.n,
                "amount": amount,
                "received_on": o.on,
                "final": o.final,
                "informed_on": told,
                "by": c.manager,
            }

    def _obligation_rows(self, c: _Case) -> Iterator[dict[str, Any]]:
        for i in c.items:
            is_open = i.state == OPEN
            yield {
                "case_id": c.case_id,
                "key": i.key,
                "rule": i.rule,
                "kind": i.kind.value,
                "provider_id": i.provider_id,
                "manager_id": c.manager,
                "triggered_on": i.triggered_on,
                "due_on": i.due_on,
                "remind_on": i.due_on,
                "reason": i.reason,
                "talking_points": i.talking_points,
                "state": i.state,
                "snoozed_until": None,
                "closed_on": None if is_open else i.closed_on,
                "closed_why": None if is_open else i.closed_by,
                "closed_by": None if is_open else c.manager,
                "created_at": _at(i.triggered_on),
            }
            self.firm.open_obligations += is_open

    def _count(self, c: _Case) -> None:
        """The firm's totals: obligations, and events (every row a person's action would have made)."""
        self.firm.obligations += len(c.items)
        receipts = sum((p.records_on is not None) + (p.bills_on is not None) for p in c.providers)
        self.firm.events += (
            len(c.providers)
            + receipts
            + len(set(c.followups))
            + len(set(c.contacts))
            + len(set(c.adjuster_contacts))
            + (c.k + 1)
            + len(c.demand)
            + len(c.offers)
            + len(c.holdups)
        )


def _contact_rows(c: _Case) -> Iterator[dict[str, Any]]:
    """Client and adjuster contacts, each day once, then the follow-ups with providers."""
    for kind, days in (("client", sorted(set(c.contacts))), ("adjuster", sorted(set(c.adjuster_contacts)))):
        for on in days:
            yield {
                "case_id": c.case_id,
                "kind": kind,
                "provider_id": None,
                "on": on,
                "note": None,
                "by": c.manager,
                "at": _at(on),
            }
    for pid, on in sorted(set(c.followups)):
        yield {
            "case_id": c.case_id,
            "kind": "provider",
            "provider_id": pid,
            "on": on,
            "note": None,
            "by": c.manager,
            "at": _at(on),
        }


def _provider_facts(providers: list[Any], followups: list[tuple[int, date]]) -> tuple[ProviderFacts, ...]:
    return tuple(
        ProviderFacts(
            p.id,
            p.name,
            p.requested_on,
            p.records_on,
            p.bills_on,
            tuple(sorted(f for pid, f in followups if pid == p.id)),
        )
        for p in providers
    )
