"""A realistic firm for the benchmark: open cases over every stage, their history, and the obligations the
real planner gives them, as rows ready for storage.bulk.

Everything is dated relative to the benchmark day (today, in the firm's time zone) and drawn from one
seeded random generator, so a scale and a seed always give the same firm. Whatever the scale, about
`due_target` obligations are due on or before the benchmark day: most cases were looked after recently
and owe nothing until later; a random few have slipped. So the digest's cost follows what is due, not
how many cases the firm has."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

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
    Staff,
    StageChange,
)

OPEN_FLOW = (
    Stage.RECORDS,
    Stage.DEMAND_QUEUE,
    Stage.DEMAND_DRAFTING,
    Stage.DEMAND_SENT,
    Stage.NEGOTIATION,
    Stage.FINAL_OFFER,
    Stage.SETTLEMENT,
)
# Where a firm's open cases sit: most are still collecting records.
STAGE_WEIGHTS = (40, 12, 10, 12, 15, 6, 5)
# Days a case spends in each stage before the next (inclusive ranges), and how long the current one may be.
STAGE_SPAN = {
    Stage.RECORDS: (30, 150),
    Stage.DEMAND_QUEUE: (3, 30),
    Stage.DEMAND_DRAFTING: (5, 40),
    Stage.DEMAND_SENT: (20, 60),
    Stage.NEGOTIATION: (10, 90),
    Stage.FINAL_OFFER: (3, 20),
}
CURRENT_AGE = {
    Stage.RECORDS: 150,
    Stage.DEMAND_QUEUE: 45,
    Stage.DEMAND_DRAFTING: 40,
    Stage.DEMAND_SENT: 90,
    Stage.NEGOTIATION: 90,
    Stage.FINAL_OFFER: 30,
    Stage.SETTLEMENT: 30,
}

FIRST = (
    "Maria",
    "James",
    "Ana",
    "Robert",
    "Linh",
    "David",
    "Aisha",
    "Carlos",
    "Emily",
    "Wei",
    "Fatima",
    "Michael",
    "Sofia",
    "Daniel",
    "Grace",
    "Jose",
    "Olivia",
    "Hiro",
    "Priya",
    "Samuel",
    "Nadia",
    "Luis",
)
LAST = (
    "Garcia",
    "Nguyen",
    "Smith",
    "Kim",
    "Patel",
    "Lopez",
    "Johnson",
    "Chen",
    "Martinez",
    "Brown",
    "Okafor",
    "Rossi",
    "Haddad",
    "Silva",
    "Cohen",
    "Ivanova",
    "Tanaka",
    "Walker",
    "Reyes",
    "Singh",
)
PROVIDERS = (
    "Valley Orthopedics",
    "Bayside Chiropractic",
    "St. Mary Medical Center",
    "Pacific Imaging",
    "Golden Gate Physical Therapy",
    "Mission Urgent Care",
    "Summit Pain Management",
    "Harbor ER",
    "Eastside Neurology",
    "Oak Street Pharmacy",
    "Westlake Radiology",
    "City Ambulance",
    "Redwood Spine Institute",
    "Sunset Acupuncture",
    "Northgate Family Medicine",
    "Lakeview Hospital",
)
ADJUSTERS = (
    "Dana Moore (State Farm)",
    "Chris Lee (GEICO)",
    "Pat Rivera (Allstate)",
    "Sam Ortiz (Progressive)",
    "Jordan Blake (Farmers)",
    "Alex Kim (Liberty Mutual)",
    "Taylor Reed (USAA)",
    "Morgan Diaz (Mercury)",
)
HOLDUP_NOTES = {HoldUp.OTHER: ("police report", "photos of the vehicle", "witness statement")}


LEAD = "ULEAD0001"  # the firm's lead, whose views bench/leads.py times


def manager_ids(n: int) -> list[str]:
    return [f"UBM{i:05d}" for i in range(1, n + 1)]


def case_number(case_id: int) -> str:
    return f"PI-{case_id:06d}"


@dataclass
class Firm:
    """The rows of a generated firm, produced case batch by case batch (see `batches`)."""

    cases: int
    managers: int = 500
    due_target: int = 5000
    seed: int = 20261126
    today: date = field(default_factory=lambda: datetime.now(ZoneInfo("America/Los_Angeles")).date())
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    numbers: Numbers = field(default_factory=Numbers)
    # Filled in while generating:
    due_items: int = 0
    slipped_cases: int = 0
    events: int = 0
    obligations: int = 0
    open_obligations: int = 0
    touched_up: int = 0
    index: list[tuple[str, str, str]] = field(default_factory=list)  # (case number, manager, stage)

    def staff_rows(self, now: datetime) -> list[dict[str, Any]]:
        rng = random.Random(self.seed - 1)
        return [
            {
                "user_id": uid,
                "role": "manager",
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "email": f"{uid.lower()}@firm.example",
                "tz": "America/Los_Angeles",
                "is_guest": False,
                "is_bot": False,
                "deleted": False,
                "info_fetched_at": now,
                "away": False,
            }
            for uid in manager_ids(self.managers)
        ] + [
            # The lead whose views bench/leads.py times: no cases of their own.
            {
                "user_id": LEAD,
                "role": "lead",
                "name": "Lead One",
                "email": f"{LEAD.lower()}@firm.example",
                "tz": "America/Los_Angeles",
                "is_guest": False,
                "is_bot": False,
                "deleted": False,
                "info_fetched_at": now,
                "away": False,
            }
        ]

    def batches(self, size: int = 5000) -> Iterator[dict[type[Base], list[dict[str, Any]]]]:
        """Rows for every table, `size` cases at a time; staff come with the first batch."""
        rng = random.Random(self.seed)
        managers = manager_ids(self.managers)
        now = datetime.now(UTC)
        maker = _CaseMaker(self, rng)
        provider_ids = iter(range(1, 10**9))
        batch: dict[type[Base], list[dict[str, Any]]] = {Staff: self.staff_rows(now)}
        for case_id in range(1, self.cases + 1):
            # Cases slip at random until the day's due obligations reach the target; the rest are up to date.
            left = self.cases - case_id + 1
            want = self.due_target - self.due_items
            slipped = want > 0 and rng.random() < min(1.0, want / (2.2 * left))
            maker.make(case_id, rng.choice(managers), slipped, provider_ids, batch)
            if case_id % size == 0:
                yield batch
                batch = {}
        if batch:
            yield batch


def _at(day: date) -> datetime:
    return datetime.combine(day, time(18, 0), tzinfo=UTC)  # 10:00 in Los Angeles


class _CaseMaker:
    def __init__(self, firm: Firm, rng: random.Random) -> None:
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
        created = enter[0]
        records_done = enter[1] if k >= 1 else None

        # Providers: requested in the first days; all in before the demand queue.
        providers: list[ProviderFacts] = []
        followups: list[tuple[int, date]] = []
        for seq, name in enumerate(
            rng.sample(PROVIDERS, rng.choices((1, 2, 3, 4, 5, 6), (30, 30, 20, 10, 6, 4))[0]), 1
        ):
            pid = next(provider_ids)
            limit = (records_done - timedelta(days=1)) if records_done else today
            requested = self._day_between(created, min(created + timedelta(days=5), limit))
            records_on = bills_on = None
            if records_done is not None or rng.random() < 0.4:
                end = records_done if records_done is not None else today
                records_on = self._day_between(
                    requested, min(requested + timedelta(days=rng.randint(7, 60)), end)
                )
                bills_on = self._day_between(
                    requested, min(requested + timedelta(days=rng.randint(7, 60)), end)
                )
            elif rng.random() < 0.3:
                records_on = self._day_between(requested, min(requested + timedelta(days=45), today))
            owed_until = max(d for d in (records_on, bills_on) if d) if records_on and bills_on else None
            # Follow-ups every two to four weeks while something is owed; an up-to-date case's last is under
            # 14 days old, a slipped one's may be long past.
            stop = owed_until or (
                today - timedelta(days=14 + rng.randint(0, 20)) if slipped and rng.random() < 0.5 else today
            )
            mine: list[date] = []
            f = requested + timedelta(days=rng.randint(14, 30))
            while f < stop:
                mine.append(f)
                f += timedelta(days=rng.randint(14, 30))
            if (
                owed_until is None
                and stop == today
                and (today - (mine[-1] if mine else requested)).days >= 14
            ):
                mine.append(
                    self._day_between(max(mine[-1] if mine else requested, today - timedelta(days=13)), today)
                )
            followups.extend((pid, d) for d in mine)
            providers.append(ProviderFacts(pid, name, requested, records_on, bills_on))
            out.setdefault(Provider, []).append(
                {
                    "id": pid,
                    "case_id": case_id,
                    "seq": seq,
                    "name": name,
                    "requested_on": requested,
                    "records_on": records_on,
                    "bills_on": bills_on,
                }
            )

        # The demand: sent on entering demand_sent, acknowledged, now and then resent to a new adjuster.
        demand: list[DemandFacts] = []
        adjuster_contacts: list[date] = []
        offers: list[OfferFacts] = []
        if k >= 3:
            sent = enter[3]
            span_end = enter[4] if k >= 4 else today
            adjuster = rng.choice(ADJUSTERS)
            demand.append(DemandFacts("sent", sent, adjuster))
            last_round = sent
            if (span_end - sent).days >= 45 and rng.random() < 0.1:
                last_round = sent + timedelta(days=rng.randint(31, 38))
                adjuster = rng.choice(ADJUSTERS)
                demand.append(DemandFacts("resent", last_round, adjuster))
            if acked:
                ack = self._day_between(
                    last_round + timedelta(days=3), min(last_round + timedelta(days=25), span_end)
                )
                if ack <= today:
                    demand.append(DemandFacts("ack", ack))
            for d in demand:
                if d.kind in ("sent", "resent") and not (slipped and rng.random() < 0.5):
                    c = d.on + timedelta(days=rng.randint(2, 10))
                    if c <= today:
                        adjuster_contacts.append(c)
        if k >= 4:
            n, day = 1, enter[4]
            last = enter[5] if k >= 5 else today
            while day < last or n == 1:
                offers.append(OfferFacts(n, day, False))
                n, day = n + 1, day + timedelta(days=rng.randint(10, 30))
            if k >= 5:
                offers.append(OfferFacts(n, enter[5], True))

        # Hold-ups while the demand waits; cleared once it is drafted.
        holdups: list[dict[str, Any]] = []
        if k >= 1 and rng.random() < 0.35:
            for kind in rng.sample(list(HoldUp), rng.choice((1, 1, 2))):
                opened = self._day_between(enter[1], today if k <= 2 else enter[3])
                cleared = None if k <= 2 else self._day_between(opened, enter[3])
                note = rng.choice(HOLDUP_NOTES[kind]) if kind in HOLDUP_NOTES else None
                holdups.append(
                    {
                        "case_id": case_id,
                        "kind": kind.value,
                        "note": note,
                        "opened_on": opened,
                        "cleared_on": cleared,
                        "by": manager,
                    }
                )

        # Client contacts: every two to four weeks; an up-to-date case heard from us inside its cadence and
        # after every event it must be told of, a slipped one not for a while.
        triggers = [enter[-1], *(o.on for o in offers), *(d.on for d in demand if d.kind != "ack")]
        if any(
            d.kind == "sent" and (today - d.on).days >= 30 and not any(a.kind == "ack" for a in demand)
            for d in demand
        ):
            triggers.append(demand[-1].on + timedelta(days=30))
        cadence = 14 if stage is Stage.RECORDS else 30
        if slipped:
            last_contact = today - timedelta(days=cadence + rng.randint(0, 25))
        else:
            last_contact = self._day_between(max(max(triggers), today - timedelta(days=cadence - 1)), today)
        contacts: list[date] = []
        c = created + timedelta(days=rng.randint(0, 3))
        while c < last_contact - timedelta(days=5):
            contacts.append(c)
            c += timedelta(days=rng.randint(25, 60))
        if last_contact >= created:
            contacts.append(last_contact)

        facts = CaseFacts(
            created_on=created,
            stages=tuple(StageEntry(s, on) for s, on in zip(OPEN_FLOW[: k + 1], enter, strict=True)),
            providers=_provider_facts(providers, followups),
            client_contacts=tuple(contacts),
            adjuster_contacts=tuple(adjuster_contacts),
            demand=tuple(demand),
            offers=tuple(offers),
            holdups=tuple(
                HoldUpFacts(HoldUp(h["kind"]), h["note"], h["opened_on"])
                for h in holdups
                if h["cleared_on"] is None
            ),
        )
        items = plan(facts, self.firm.calendar, self.firm.numbers)
        due = sum(1 for i in items if i.state == OPEN and i.due_on <= today)
        if due and not slipped:
            # A clock the generator did not foresee: the manager dealt with it today.
            self.firm.touched_up += 1
            if not any(d.kind == "ack" for d in demand) and demand:
                demand.append(DemandFacts("ack", today))
            contacts.append(today)
            if demand:
                adjuster_contacts.append(today)
            for p in facts.providers:
                if p.owed:
                    followups.append((p.id, today))
            facts = CaseFacts(
                created_on=created,
                stages=facts.stages,
                providers=_provider_facts(providers, followups),
                client_contacts=tuple(sorted(set(contacts))),
                adjuster_contacts=tuple(sorted(set(adjuster_contacts))),
                demand=tuple(demand),
                offers=facts.offers,
                holdups=facts.holdups,
            )
            items = plan(facts, self.firm.calendar, self.firm.numbers)
            due = sum(1 for i in items if i.state == OPEN and i.due_on <= today)
        self.firm.due_items += due
        self.firm.slipped_cases += slipped

        # Rows, as the services would have stored them.
        self.firm.index.append((case_number(case_id), manager, stage.value))
        last_client = max(contacts) if contacts else None
        loss_on = created - timedelta(days=rng.randint(30, 300))
        out.setdefault(Case, []).append(
            {
                "id": case_id,
                "number": case_number(case_id),
                "number_key": case_number(case_id),
                "client_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "manager_id": manager,
                "stage": stage.value,
                "stage_entered_on": enter[-1],
                "advanced_at": None,
                "treatment_completed_on": created,
                "closed_on": None,
                "limitation_on": loss_on + timedelta(days=730),  # two years in California
                "loss_on": loss_on,
                "loss_state": "CA",
                "last_client_contact_on": last_client,
                "created_at": _at(created),
                "version": 1,
            }
        )
        stage_rows = out.setdefault(StageChange, [])
        for seq, (s, on) in enumerate(zip(OPEN_FLOW[: k + 1], enter, strict=True), 1):
            stage_rows.append(
                {
                    "case_id": case_id,
                    "seq": seq,
                    "from_stage": OPEN_FLOW[seq - 2].value if seq > 1 else None,
                    "to_stage": s.value,
                    "on": on,
                    "by": manager,
                    "reason": "case created" if seq == 1 else None,
                    "at": _at(on),
                }
            )
        out.setdefault(HoldUpRow, []).extend(holdups)
        demand_rows = out.setdefault(DemandEvent, [])
        for d in demand:
            demand_rows.append(
                {
                    "case_id": case_id,
                    "kind": d.kind,
                    "on": d.on,
                    "adjuster": d.adjuster,
                    "by": manager,
                    "at": _at(d.on),
                }
            )
        offer_rows = out.setdefault(Offer, [])
        amount = Decimal(rng.randrange(5_000, 40_000, 250))
        for o in offers:
            amount += Decimal(rng.randrange(1_000, 15_000, 250))
            told = next((c for c in sorted(contacts) if c >= o.on), None)
            offer_rows.append(
                {
                    "case_id": case_id,
                    "n": o.n,
                    "amount": amount,
                    "received_on": o.on,
                    "final": o.final,
                    "informed_on": told,
                    "by": manager,
                }
            )
        contact_rows = out.setdefault(Contact, [])
        for kind, days in (("client", sorted(set(contacts))), ("adjuster", sorted(set(adjuster_contacts)))):
            for on in days:
                contact_rows.append(
                    {
                        "case_id": case_id,
                        "kind": kind,
                        "provider_id": None,
                        "on": on,
                        "note": None,
                        "by": manager,
                        "at": _at(on),
                    }
                )
        for pid, on in sorted(set(followups)):
            contact_rows.append(
                {
                    "case_id": case_id,
                    "kind": "provider",
                    "provider_id": pid,
                    "on": on,
                    "note": None,
                    "by": manager,
                    "at": _at(on),
                }
            )
        ob_rows = out.setdefault(Obligation, [])
        for i in items:
            is_open = i.state == OPEN
            ob_rows.append(
                {
                    "case_id": case_id,
                    "key": i.key,
                    "rule": i.rule,
                    "kind": i.kind.value,
                    "provider_id": i.provider_id,
                    "manager_id": manager,
                    "triggered_on": i.triggered_on,
                    "due_on": i.due_on,
                    "remind_on": i.due_on,
                    "reason": i.reason,
                    "talking_points": i.talking_points,
                    "state": i.state,
                    "snoozed_until": None,
                    "closed_on": None if is_open else i.closed_on,
                    "closed_why": None if is_open else i.closed_by,
                    "closed_by": None if is_open else manager,
                    "created_at": _at(i.triggered_on),
                }
            )
            self.firm.open_obligations += is_open
        self.firm.obligations += len(items)
        receipts = sum((p.records_on is not None) + (p.bills_on is not None) for p in providers)
        self.firm.events += (
            len(providers)
            + receipts
            + len(set(followups))
            + len(set(contacts))
            + len(set(adjuster_contacts))
            + (k + 1)
            + len(demand)
            + len(offers)
            + len(holdups)
        )


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
