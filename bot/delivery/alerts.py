"""Statute-of-limitations alerts, the weekly chart and a digest's flags, delivered through the outbox.

Limitation alerts. `limitation_alerts_due` names the open cases (not in litigation) inside a threshold
(180, 90, 60, 30 days; a case entered already inside 60 days is due the 60-day alert only). Each tick
claims, for each such case, one delivery per recipient: the case's manager (their cover while away; with
no cover, they get it when back) and every lead (the admins when there is no lead). The key is
`sol:<case>:<threshold>:<user>:<limitation date>`: the date is part of it so that a corrected date alerts
again on its own schedule, instead of finding its thresholds already spent on the wrong date. Claimed only
within the recipient's working day on business days; sent, leased and retried like every other kind.
Rendered at send time: a case closed, in litigation, or given another date since the claim is skipped.

Claim-deadline alerts (a claim against a public entity) work the same way over the claim deadline, with the
thresholds PLAYBOOK_CLAIM_ALERT_DAYS (90, 60, 30, 14, 7), keyed
`claim-deadline:<case>:<threshold>:<user>:<deadline>`.

The weekly chart. The Monday report's picture (`render_stage_chart(stage_ages(firm))`) is its own
delivery, `weekly-chart:<lead>:<monday>`, claimed in the same transaction as the report's text: an upload
that fails is retried on its own and can never send the text twice, and a text that fails never uploads
the picture twice. It is claimed after the text, so it normally follows it in the DM.

A digest's flags. For the cases a digest lists (only those, in one query): the limitation date inside
the red window (90 days) with the open hold-ups flagged red, and offers the client was not told of within
the playbook's business days.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.delivery.outbox import (
    claim,
    in_working_day,
    load_routes,
    local_time,
    new_delivery,
    unless_taken,
)
from bot.delivery.ports import (
    CaseFlags,
    ClaimDeadlineAlertMessage,
    LateOffer,
    LimitationAlertMessage,
    WeeklyChartMessage,
)
from bot.rules.limitation import LimitationAlert, claim_basis, days_left, is_red, limitation_basis, watched
from bot.rules.playbook import HOLDUP_LABELS, HOLDUP_STAGES, STAGES, HoldUp, Stage
from bot.services.access import visible_numbers
from bot.services.calendars import CLAIM_DEADLINE
from bot.services.cards import DueItem
from bot.services.firm import Firm
from bot.services.limitation import claim_deadline_alerts_due, limitation_alerts_due
from bot.services.people import leads
from storage import deliveries
from storage import queries as q
from storage.models import Delivery

log = logging.getLogger(__name__)

SOL = "sol"
WEEKLY_CHART = "weekly-chart"


def alert_key(kind: str, case: str, threshold: int, user: str, deadline: date) -> str:
    return f"{kind}:{case}:{threshold}:{user}:{deadline.isoformat()}"


def sol_key(case: str, threshold: int, user: str, limitation_on: date) -> str:
    return alert_key(SOL, case, threshold, user, limitation_on)


def claim_deadline_key(case: str, threshold: int, user: str, deadline_on: date) -> str:
    return alert_key(CLAIM_DEADLINE, case, threshold, user, deadline_on)


def weekly_chart_key(lead: str, monday: date) -> str:
    return f"{WEEKLY_CHART}:{lead}:{monday.isoformat()}"


def _holdup_label(kind: str) -> str:
    if kind == HoldUp.OTHER:
        return "another hold-up (see the case)"  # its note may say anything: it stays on the case card
    try:
        return HOLDUP_LABELS[HoldUp(kind)]
    except ValueError:
        return kind


# ---------------------------------------------------------------- deciding


def claim_limitation_alerts(firm: Firm, now: datetime, taken: set[str] | None = None) -> list[str]:
    """Claim the limitation alerts owed now, one delivery per case, threshold and recipient. `taken`
    remembers keys already found claimed, so that a steady tick asks the database about none of them."""
    today = firm.calendar.today(now)
    return _claim_alerts(firm, now, taken, SOL, limitation_alerts_due(firm, today), "limitation_on")


def claim_claim_deadline_alerts(firm: Firm, now: datetime, taken: set[str] | None = None) -> list[str]:
    """Claim the claim-deadline alerts owed now (claims against public entities), exactly as the limitation
    alerts are: one delivery per case, threshold and recipient, keyed with the deadline."""
    today = firm.calendar.today(now)
    return _claim_alerts(
        firm, now, taken, CLAIM_DEADLINE, claim_deadline_alerts_due(firm, today), "deadline_on"
    )


def _claim_alerts(
    firm: Firm,
    now: datetime,
    taken: set[str] | None,
    kind: str,
    alerts: list[LimitationAlert],
    date_field: str,
) -> list[str]:
    taken = taken if taken is not None else set()
    if not alerts:
        return []
    today = firm.calendar.today(now)
    with firm.db.uow() as s:
        routes, staff = load_routes(s, {a.manager for a in alerts}, today)
        to_leads = leads(s, firm)
        staff.update(q.staff_by_ids(s, set(to_leads) - staff.keys()))
    by_manager = {m: who for who, ms in routes.items() for m in ms}
    wanted: list[tuple[str, Delivery]] = []
    for a in alerts:
        deadline = date.fromordinal(today.toordinal() + a.days_left)
        recipients: dict[str, str | None] = {}  # recipient -> the away manager they cover for
        if (to := by_manager.get(a.manager)) is not None:
            recipients[to] = a.manager if to != a.manager else None
        for lead in to_leads:
            recipients.setdefault(lead, None)
        for user, covering in sorted(recipients.items()):
            key = alert_key(kind, a.case, a.threshold, user, deadline)
            if key in taken:
                continue
            local = local_time(firm, staff.get(user), now)
            if not in_working_day(firm, local):
                continue
            payload = {date_field: deadline.isoformat()}
            wanted.append(
                (
                    key,
                    new_delivery(
                        firm,
                        key,
                        kind,
                        user,
                        local.date(),
                        case=a.case,
                        threshold=a.threshold,
                        manager=a.manager,
                        covering_for=covering,
                        **payload,
                    ),
                )
            )
    if not wanted:
        return []
    with firm.db.uow() as s:
        found = deliveries.existing_delivery_keys(s, (k for k, _ in wanted))
    taken |= found
    claimed = []
    for key, delivery in wanted:
        if key in found:
            continue
        if claim(firm, unless_taken(delivery)):
            claimed.append(key)
        taken.add(key)
    return claimed


def weekly_chart_delivery(firm: Firm, lead: str, monday: date, day: date) -> Delivery:
    """The chart's own delivery, to be claimed with the report's text (see digests.claim_weekly_reports)."""
    return new_delivery(
        firm, weekly_chart_key(lead, monday), WEEKLY_CHART, lead, day, monday=monday.isoformat()
    )


# ---------------------------------------------------------------- rendering at send time


def render_limitation_alert(s: Session, firm: Firm, d: Delivery) -> LimitationAlertMessage | None:
    p = d.payload or {}
    case = q.get_case(s, str(p.get("case", "")))
    if case is None or case.limitation_on is None:
        return None
    if case.limitation_on.isoformat() != p.get("limitation_on"):
        return None  # the date was changed since: alerts for the new date are claimed under their own keys
    closed = case.closed_on is not None
    if not watched(case.stage, closed):
        return None  # closed or in litigation since the claim
    if not visible_numbers(s, firm, d.user_id, [(case.number, case.manager_id, case.id)]):
        return None  # the recipient may no longer see the case (reassigned, no longer covering, a guest)
    today = firm.calendar.today(firm.now())
    red = is_red(case.limitation_on, today, firm.numbers, stage=case.stage, closed=closed)
    # Hold-ups hold up the demand: once it is sent, none is listed (nor flagged red).
    holdups = tuple(
        _holdup_label(h.kind)
        for h in case.holdups
        if h.cleared_on is None and Stage(case.stage) in HOLDUP_STAGES
    )
    return LimitationAlertMessage(
        user_id=d.user_id,
        day=d.for_day,
        case=case.number,
        client=case.client_name,
        manager=case.manager_id,
        limitation_on=case.limitation_on,
        days_left=days_left(case.limitation_on, today),
        threshold=int(p.get("threshold", 0)),
        stage_label=STAGES[Stage(case.stage)].label,
        holdups=holdups,
        red=red,
        covering_for=p.get("covering_for"),
        basis=limitation_basis(
            case.limitation_on,
            case.loss_on,
            case.loss_state,
            bool(case.loss_motor),
            public=bool(case.public_entity),
            rejected_on=case.claim_rejected_on,
            rejection=case.claim_rejection,
        ),
        public=bool(case.public_entity),
    )


def render_claim_deadline_alert(s: Session, firm: Firm, d: Delivery) -> ClaimDeadlineAlertMessage | None:
    p = d.payload or {}
    case = q.get_case(s, str(p.get("case", "")), children=False)
    if case is None or case.claim_deadline_on is None:
        return None
    if case.claim_deadline_on.isoformat() != p.get("deadline_on"):
        return None  # the deadline was changed since: its own alerts are claimed under their own keys
    if case.claim_presented_on is not None or case.claim_rejected_on is not None:
        return None  # presented or rejected since the claim: its alerts have stopped
    if not watched(case.stage, case.closed_on is not None):
        return None  # closed or in litigation since the claim
    today = firm.calendar.today(firm.now())
    return ClaimDeadlineAlertMessage(
        user_id=d.user_id,
        day=d.for_day,
        case=case.number,
        client=case.client_name,
        manager=case.manager_id,
        deadline_on=case.claim_deadline_on,
        days_left=days_left(case.claim_deadline_on, today),
        threshold=int(p.get("threshold", 0)),
        basis=claim_basis(case.claim_deadline_on, case.loss_on, case.loss_state),
        stage_label=STAGES[Stage(case.stage)].label,
        covering_for=p.get("covering_for"),
    )


def render_weekly_chart(s: Session, firm: Firm, d: Delivery) -> WeeklyChartMessage:
    from bot.delivery.chart import render_stage_chart
    from bot.services.caseload import stage_ages

    monday = date.fromisoformat((d.payload or {})["monday"])
    data = stage_ages(firm)
    summary = "; ".join(f"{row.label} {row.total}" for row in data.rows if row.total) or "no open cases"
    return WeeklyChartMessage(
        user_id=d.user_id,
        week_of=monday,
        png=render_stage_chart(data),
        title=f"Open cases by stage and days in stage, week of {monday:%b %-d}",
        alt_text=f"Bar chart of open cases by stage, coloured by days in stage: {summary}."[:1000],
    )


# ---------------------------------------------------------------- what a digest flags


def digest_flags(s: Session, firm: Firm, items: Iterable[DueItem], day: date) -> tuple[CaseFlags, ...]:
    """Flags for the cases of these items, read in one query for those cases only."""
    numbers = sorted({i.case for i in items})
    if not numbers:
        return ()
    facts: dict[str, tuple[str, date | None]] = {}
    holdups: dict[str, list[str]] = {}
    offers: dict[str, list[tuple[int, date, bool]]] = {}
    for number, what, kind, on, n, final in deliveries.digest_case_facts(s, numbers, offers_before=day):
        if what == "case":
            facts[number] = (kind, on)
        elif what == "holdup":
            holdups.setdefault(number, []).append(_holdup_label(kind))
        elif on is not None:
            offers.setdefault(number, []).append((n, on, final))
    return tuple(
        f
        for number in numbers
        if (
            f := _flags(firm, number, facts.get(number), holdups.get(number, []), offers.get(number, []), day)
        )
        is not None
    )


def _flags(
    firm: Firm,
    number: str,
    fact: tuple[str, date | None] | None,
    holdups: Sequence[str],
    offers: Sequence[tuple[int, date, bool]],
    day: date,
) -> CaseFlags | None:
    if fact is None:
        return None
    stage, limitation_on = fact
    if not watched(stage):
        return None
    red = is_red(limitation_on, day, firm.numbers, stage=stage)
    late = []
    for n, received_on, final in sorted(offers):
        waited = firm.calendar.business_days_between(received_on, day)
        if waited > firm.numbers.offer_inform_business_days:
            late.append(LateOffer(n, received_on, final, waited))
    if not red and not late:
        return None
    return CaseFlags(
        case=number,
        limitation_on=limitation_on,
        days_left=days_left(limitation_on, day) if limitation_on else None,
        red=red,
        # Hold-ups hold up the demand: after it is sent they are flagged no more.
        holdups=tuple(holdups) if Stage(stage) in HOLDUP_STAGES else (),
        late_offers=tuple(late),
    )
