"""From a case's facts to every obligation the playbook gives it, with each one's state: pure, no I/O.

The services store the plan: an obligation is inserted when it first appears open, and updated
when later facts close or cancel it. Facts only ever grow (contacts, stage moves, demand events and
offers are never rewritten), so planning again after any change is safe and gives the same answer.

Two kinds of obligation close differently on a client contact made on day C:
- event obligations (R1, R4, R6, R8–R11) close when their trigger day is on or before C;
  R14 (a task per lien once the final offer is in) closes only by the lien's reduction or acceptance;
- cadence obligations (R2, R5, R13, and R3 for providers) are anchored on the day their clock
  started; a contact after the anchor closes them, and the next one is anchored on C. A contact on
  the anchor day itself is what started that clock, so it leaves the obligation open.
R12 is the accounting conversation of step 9: only a client contact logged as that conversation on or
after its trigger closes it, or the client's decision (closing the case as settled or litigation).
R3's clock counts from the request and from each follow-up; part of what was asked arriving (records but
not bills) is not a follow-up and leaves the clock where it was.
R15 (the client wrote: a text or an email) is due the next business day; the first client contact logged
after the message arrived (a call, or casebot's reply accepted by the carrier) closes it. A contact recorded
before the message came, even on the same day, does not answer it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.rules.ages import plural
from bot.rules.calendar import BusinessCalendar
from bot.rules.playbook import (
    CLOSED_STAGES,
    HOLDUP_LABELS,
    R1_NO_PROVIDERS,
    R1_PROVIDERS,
    RULES,
    HoldUp,
    Kind,
    Numbers,
    Stage,
    ordinal,
)
from bot.rules.said import Said, said, typed

OPEN, DONE, CANCELLED = "open", "done", "cancelled"


@dataclass(frozen=True)
class StageEntry:
    stage: Stage
    on: date


def owed(records_on: date | None, bills_on: date | None) -> str:
    """What a provider still owes: "records and bills", "records", "bills", or "" when everything is in."""
    return " and ".join(what for what, on in (("records", records_on), ("bills", bills_on)) if on is None)


@dataclass(frozen=True)
class ProviderFacts:
    id: int
    name: str
    requested_on: date
    records_on: date | None = None
    bills_on: date | None = None
    followups: tuple[date, ...] = ()

    @property
    def owed(self) -> str:
        return owed(self.records_on, self.bills_on)

    @property
    def complete_on(self) -> date | None:
        if self.records_on is None or self.bills_on is None:
            return None
        return max(self.records_on, self.bills_on)


@dataclass(frozen=True)
class DemandFacts:
    kind: str  # sent | resent | ack
    on: date
    adjuster: str | None = None


@dataclass(frozen=True)
class OfferFacts:
    n: int
    on: date
    final: bool


@dataclass(frozen=True)
class HoldUpFacts:
    kind: HoldUp
    note: str | None
    since: date

    @property
    def label(self) -> Said:
        """ "missing chart notes — from Dr. Lee (since Nov 3)"; an `other` hold-up by its note (Typed)."""
        note = typed(self.note) if self.note else ""
        if self.kind is HoldUp.OTHER:
            what = note or said("other")
        else:
            what = said(HOLDUP_LABELS[self.kind], " — " if note else "", note)
        return said(what, f" (since {self.since:%b} {self.since.day})")


@dataclass(frozen=True)
class LienFacts:
    n: int
    holder: str
    asserted_on: date
    reduced_on: date | None = None
    accepted_on: date | None = None
    paid_on: date | None = None


@dataclass(frozen=True)
class ClientWrote:
    """A text or an email from the client: `key` names the message (its row), `at` is when it arrived."""

    key: str
    on: date
    at: datetime
    channel: str  # sms | email


@dataclass(frozen=True)
class Answer:
    """A client contact as R15 sees it: its day, and when it was recorded."""

    on: date
    at: datetime


@dataclass(frozen=True)
class CaseFacts:
    created_on: date
    stages: tuple[StageEntry, ...]
    providers: tuple[ProviderFacts, ...] = ()
    client_contacts: tuple[date, ...] = ()
    adjuster_contacts: tuple[date, ...] = ()
    demand: tuple[DemandFacts, ...] = ()
    offers: tuple[OfferFacts, ...] = ()
    holdups: tuple[HoldUpFacts, ...] = ()  # the open ones
    accounting_contacts: tuple[date, ...] = ()  # client contacts logged as step 9's conversation
    liens: tuple[LienFacts, ...] = ()
    client_wrote: tuple[ClientWrote, ...] = ()
    client_answers: tuple[Answer, ...] = ()  # the client contacts with when each was recorded (R15)

    @property
    def closed_on(self) -> date | None:
        last = self.stages[-1] if self.stages else None
        return last.on if last and last.stage in CLOSED_STAGES else None

    @property
    def closed_as(self) -> Stage | None:
        last = self.stages[-1] if self.stages else None
        return last.stage if last and last.stage in CLOSED_STAGES else None


@dataclass
class Planned:
    key: str
    rule: str
    kind: Kind
    triggered_on: date
    due_on: date
    reason: str
    talking_points: str
    state: str = OPEN
    closed_on: date | None = None
    closed_by: str | None = None
    provider_id: int | None = None

    def close(self, state: str, on: date, why: str) -> None:
        self.state, self.closed_on, self.closed_by = state, on, why


@dataclass
class _Plan:
    facts: CaseFacts
    cal: BusinessCalendar
    numbers: Numbers
    items: list[Planned] = field(default_factory=list)

    def add(
        self,
        key: str,
        rule: str,
        trigger: date,
        due_after: int = 0,
        *,
        provider_id: int | None = None,
        fill: dict[str, object] | None = None,
    ) -> Planned:
        spec = RULES[rule]
        fill = _Fill(fill or {})
        item = Planned(
            key=key,
            rule=rule.rstrip("T"),
            kind=spec.kind,
            triggered_on=trigger,
            due_on=self.cal.due(trigger, due_after),
            reason=spec.reason.format_map(fill),
            talking_points="\n".join(p.format_map(fill) for p in spec.talking_points if p.format_map(fill)),
            provider_id=provider_id,
        )
        self.items.append(item)
        return item


class _Fill(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""


def plan(facts: CaseFacts, cal: BusinessCalendar, numbers: Numbers) -> list[Planned]:
    """Every obligation the playbook gives this case, each open, done or cancelled, in trigger order."""
    p = _Plan(facts, cal, numbers)
    contacts = sorted(set(facts.client_contacts))
    _events(p, contacts)
    _cadences(p, contacts)
    _providers(p)
    _demand(p, contacts)
    _liens(p)
    _client_wrote(p)
    _checkin(p, contacts)
    if (closed := facts.closed_on) is not None:
        decided = facts.closed_as in (Stage.SETTLED, Stage.LITIGATION)
        for item in p.items:
            if item.state == OPEN and item.rule == "R12" and decided:
                item.close(DONE, closed, "client's decision")
            elif item.state == OPEN:
                item.close(CANCELLED, closed, "case closed")
    return sorted(p.items, key=lambda i: (i.triggered_on, i.due_on, i.key))


def _first_on_or_after(days: Sequence[date], day: date) -> date | None:
    return next((d for d in days if d >= day), None)


def _close_event_by_contact(item: Planned, contacts: Sequence[date]) -> None:
    if item.state == OPEN and (c := _first_on_or_after(contacts, item.triggered_on)) is not None:
        item.close(DONE, c, "client contact")


def _provider_list(providers: Sequence[ProviderFacts]) -> str:
    if not providers:
        return R1_NO_PROVIDERS
    names = ", ".join(pr.name for pr in providers)
    return R1_PROVIDERS.format(places=plural(len(providers), "place"), names=names)


def _events(p: _Plan, contacts: Sequence[date]) -> None:
    f = p.facts
    items = [p.add("R1", "R1", f.created_on, fill={"provider_list": _provider_list(f.providers)})]
    accounting: list[Planned] = []
    for i, entry in enumerate(f.stages):
        if entry.stage is Stage.DEMAND_QUEUE:
            items.append(p.add(f"R4:{i}", "R4", entry.on))
        elif entry.stage is Stage.SETTLEMENT:
            accounting.append(p.add(f"R12:{i}", "R12", entry.on))
    for offer in f.offers:
        rule = "R11" if offer.final else "R10"
        items.append(p.add(f"{rule}:{offer.n}", rule, offer.on, fill={"nth": ordinal(offer.n)}))
    for item in items:
        _close_event_by_contact(item, contacts)
    talks = sorted(set(f.accounting_contacts))
    for item in accounting:
        if (c := _first_on_or_after(talks, item.triggered_on)) is not None:
            item.close(DONE, c, "accounting conversation")


def _spans(stages: Sequence[StageEntry], within: Iterable[Stage]) -> list[tuple[int, date, date | None]]:
    """Continuous stretches spent in `within`: (index of the entry that began it, start, end or None)."""
    wanted = set(within)
    spans: list[tuple[int, date, date | None]] = []
    start: tuple[int, date] | None = None
    for i, entry in enumerate(stages):
        if entry.stage in wanted and start is None:
            start = (i, entry.on)
        elif entry.stage not in wanted and start is not None:
            spans.append((start[0], start[1], entry.on))
            start = None
    if start is not None:
        spans.append((start[0], start[1], None))
    return spans


def _cadences(p: _Plan, contacts: Sequence[date]) -> None:
    f, n = p.facts, p.numbers
    every = {"R2": n.records_cadence_days, "R5": n.demand_hold_cadence_days}
    for rule, days in every.items():
        for i, start, end in _spans(f.stages, RULES[rule].cadence_stages):
            anchors = [start] + [c for c in contacts if start < c and (end is None or c < end)]
            for j, anchor in enumerate(anchors):
                due = p.cal.due(anchor, days)
                fill: dict[str, object] = (
                    {"outstanding": _outstanding(f.providers, due, n.provider_slow_days)}
                    if rule == "R2"
                    else {"holdups": _holdups(f.holdups)}
                )
                item = p.add(f"{rule}:{i}:{anchor.isoformat()}", rule, anchor, days, fill=fill)
                if j + 1 < len(anchors):
                    item.close(DONE, anchors[j + 1], "client contact")
                elif end is not None:
                    on_leaving = next((c for c in contacts if anchor < c <= end), None)
                    if on_leaving is not None:
                        item.close(DONE, on_leaving, "client contact")
                    else:
                        item.close(CANCELLED, end, "stage left")


def _outstanding(providers: Sequence[ProviderFacts], on: date, slow_days: int) -> str:
    """What is still owed, as the call on `on` will find it: a request open longer than `slow_days` by then
    is called slow (the client can press that provider)."""
    owing = [
        f"{pr.name} ({pr.owed}, requested {pr.requested_on:%b %-d}"
        + (" — slow" if (on - pr.requested_on).days > slow_days else "")
        + ")"
        for pr in providers
        if pr.owed
    ]
    if not owing:
        return "Every provider's records and bills are in." if providers else "No providers recorded yet."
    return "Still outstanding: " + "; ".join(owing) + "."


def _holdups(holdups: Sequence[HoldUpFacts]) -> str:
    if not holdups:
        return "No hold-up recorded: say what the demand is waiting on."
    return "Holding it up: " + "; ".join(h.label for h in holdups) + "."


def _providers(p: _Plan) -> None:
    for pr in p.facts.providers:
        complete = pr.complete_on
        # Only the request and each follow-up start the clock; records without bills (or bills without
        # records) arriving is not a follow-up.
        restarts = sorted(
            {d for d in pr.followups if d > pr.requested_on and (complete is None or d < complete)}
        )
        anchors = [pr.requested_on, *restarts]
        owed = pr.owed or "records and bills"
        for j, anchor in enumerate(anchors):
            item = p.add(
                f"R3:{pr.id}:{anchor.isoformat()}",
                "R3",
                anchor,
                p.numbers.provider_followup_days,
                provider_id=pr.id,
                fill={"provider": pr.name, "owed": owed, "requested_on": f"{pr.requested_on:%b %-d}"},
            )
            if j + 1 < len(anchors):
                item.close(DONE, anchors[j + 1], "provider follow-up")
            elif complete is not None:
                item.close(DONE, max(complete, anchor), "records and bills received")


def _demand(p: _Plan, contacts: Sequence[date]) -> None:
    n = p.numbers
    rounds = [d for d in p.facts.demand if d.kind in ("sent", "resent")]
    acks = sorted(d.on for d in p.facts.demand if d.kind == "ack")
    adjuster_contacts = sorted(set(p.facts.adjuster_contacts))
    for i, rnd in enumerate(rounds):
        d = rnd.on
        resent_on = rounds[i + 1].on if i + 1 < len(rounds) else None
        ack = _first_on_or_after(acks, d)
        shown: dict[str, object] = {
            "sent_on": f"{d:%b %-d}",
            "ack_window_days": n.ack_window_days,
            "adjuster": rnd.adjuster or "the adjuster",
            "to_adjuster": f" to {rnd.adjuster}" if rnd.adjuster else "",
        }
        tell = p.add(
            f"{'R6' if rnd.kind == 'sent' else 'R9'}:{i}", "R6" if rnd.kind == "sent" else "R9", d, fill=shown
        )
        _close_event_by_contact(tell, contacts)

        check = p.add(f"R7:{i}", "R7", d, n.adjuster_check_days, fill=shown)
        endings = [(c, DONE, "adjuster contact") for c in [_first_on_or_after(adjuster_contacts, d)] if c]
        endings += [(ack, DONE, "acknowledgment")] if ack else []
        endings += [(resent_on, CANCELLED, "demand resent")] if resent_on else []
        _close_first(check, endings)

        no_ack = d + timedelta(days=n.ack_window_days)
        late = p.add(f"R8:{i}", "R8", no_ack, fill=shown)
        task = p.add(f"R8T:{i}", "R8T", no_ack, fill=shown)
        ends = [(ack, CANCELLED, "acknowledgment")] if ack and ack <= late.due_on else []
        ends += [(c, DONE, "client contact") for c in [_first_on_or_after(contacts, no_ack)] if c]
        ends += [(resent_on, CANCELLED, "demand resent")] if resent_on else []
        _close_first(late, ends)
        task_ends = [(ack, CANCELLED, "acknowledgment")] if ack else []
        task_ends += [(resent_on, DONE, "demand resent")] if resent_on else []
        _close_first(task, task_ends)


def _close_first(item: Planned, endings: list[tuple[date, str, str]]) -> None:
    """Close with whichever ending came first (day, state, why); on the same day, done beats cancelled."""
    if endings:
        on, state, why = min(endings, key=lambda e: (e[0], e[1] != DONE))
        item.close(state, on, why)


def _liens(p: _Plan) -> None:
    """R14: once the final offer is in, every lien not yet accepted gets a task to ask for a reduction (a lien
    asserted later gets it the day it is asserted); a reduction or an acceptance recorded since closes it, and
    a lien paid first needs no asking."""
    final = min((o.on for o in p.facts.offers if o.final), default=None)
    if final is None:
        return
    for lien in p.facts.liens:
        trigger = max(final, lien.asserted_on)
        if lien.accepted_on is not None and lien.accepted_on <= trigger:
            continue
        item = p.add(
            f"R14:{lien.n}",
            "R14",
            trigger,
            p.numbers.lien_reduction_days,
            fill={"holder": lien.holder, "n": lien.n, "asserted_on": f"{lien.asserted_on:%b %-d}"},
        )
        steps = ((lien.reduced_on, DONE, "reduction"), (lien.accepted_on, DONE, "accepted"))
        endings = [(d, state, why) for d, state, why in steps if d is not None and d >= trigger]
        endings += [(lien.paid_on, CANCELLED, "lien paid")] if lien.paid_on else []
        _close_first(item, endings)


def _client_wrote(p: _Plan) -> None:
    """R15: each message from the client is answered by the next business day; the first client contact
    recorded after it arrived, dated on or after its day, closes it."""
    answers = sorted(p.facts.client_answers, key=lambda a: a.at)
    for wrote in p.facts.client_wrote:
        item = p.add(
            f"R15:{wrote.key}",
            "R15",
            wrote.on,
            fill={
                "wrote_on": f"{wrote.on:%b %-d}",
                "channel": "email" if wrote.channel == "email" else "text",
            },
        )
        item.due_on = p.cal.add_business_days(wrote.on, p.numbers.client_wrote_business_days)
        answer = next((a for a in answers if a.at > wrote.at and a.on >= wrote.on), None)
        if answer is not None:
            item.close(DONE, answer.on, "client contact")


def _checkin(p: _Plan, contacts: Sequence[date]) -> None:
    f, n = p.facts, p.numbers
    anchors = sorted({f.created_on, *(c for c in contacts if c > f.created_on)})
    for j, anchor in enumerate(anchors):
        item = p.add(
            f"R13:{anchor.isoformat()}", "R13", anchor, n.checkin_days, fill={"since": f"{anchor:%b %-d}"}
        )
        if j + 1 < len(anchors):
            item.close(DONE, anchors[j + 1], "client contact")
        elif f.closed_on is None and any(
            o.state == OPEN and o.kind is Kind.CLIENT and o.due_on <= item.due_on
            for o in p.items
            if o is not item
        ):
            # Another open client obligation reaches the client first; R13 waits for the next contact.
            item.close(CANCELLED, anchor, "another client contact is due first")
