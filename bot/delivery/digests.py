"""Daily digests, same-day reminders, escalations to leads and the weekly report: what is owed, claimed once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

# Limitation alerts, the weekly chart and the digest's flags; importing it registers their renderers.
from bot.delivery import alerts
from bot.delivery.outbox import (
    OVERLAP,
    SenderState,
    claim,
    in_working_day,
    load_routes,
    local_time,
    new_delivery,
    unless_taken,
)
from bot.delivery.ports import (
    DigestMessage,
    EscalationMessage,
    HandoverMessage,
    LastNote,
    ReminderMessage,
    WeeklyReportMessage,
)
from bot.errors import NotAllowed
from bot.rules.playbook import ESCALATE_KINDS, LEAD_ROLES, STAGES, Kind, Stage
from bot.services.access import role_of, visible_numbers
from bot.services.cards import DueItem, due_item
from bot.services.firm import Firm
from bot.services.people import leads
from storage import deliveries, history
from storage import queries as q
from storage.models import ACTIVE, Delivery, Escalation

log = logging.getLogger(__name__)


def digest_key(user: str, day: date) -> str:
    return f"digest:{user}:{day.isoformat()}"


def claim_digests(
    firm: Firm, now: datetime, *, day: date | None = None, only_users: Sequence[str] | None = None
) -> list[str]:
    """Claim today's digest of everyone whose digest time has come (or, with `day`, that day's for everyone
    with something due, whatever the hour). Answers the keys claimed."""
    horizon = day or firm.calendar.today(now) + timedelta(days=1)  # the earliest time zones are a day ahead
    with firm.db.uow() as s:
        managers = q.managers_with_active_due(s, horizon)
        routes, staff = load_routes(s, managers, day or firm.calendar.today(now))
    wanted: dict[str, tuple[date, list[str]]] = {}
    for recipient, of in routes.items():
        if only_users is not None and recipient not in only_users:
            continue
        if day is None:
            local = local_time(firm, staff.get(recipient), now)
            if not in_working_day(firm, local):
                continue
            wanted[recipient] = (local.date(), of)
        else:
            wanted[recipient] = (day, of)
    if not wanted:
        return []
    with firm.db.uow() as s:
        taken = deliveries.existing_delivery_keys(s, (digest_key(r, d) for r, (d, _) in wanted.items()))
    claimed = []
    for recipient, (for_day, of) in sorted(wanted.items()):
        key = digest_key(recipient, for_day)
        if key in taken:
            continue

        def make(
            s: Session,
            recipient: str = recipient,
            for_day: date = for_day,
            of: list[str] = of,
            key: str = key,
        ) -> list[Any] | None:
            hwm = deliveries.max_obligation_id(s)
            rows = q.active_due_for(s, of, for_day)
            if not rows:
                return None  # a person with nothing due gets no digest
            covering = sorted(m for m in of if m != recipient)
            return [
                new_delivery(
                    firm,
                    key,
                    "digest",
                    recipient,
                    for_day,
                    items=[o.id for o, _ in rows],
                    covering=covering,
                    hwm=hwm,
                )
            ]

        if claim(firm, make):
            claimed.append(key)
    return claimed


def claim_reminders(firm: Firm, now: datetime, state: SenderState) -> list[str]:
    """Obligations that came due today after the person's digest went out: one DM each, within working hours.
    Looks only at obligations created since today's digests (a primary-key range scan)."""
    today = firm.calendar.today(now)
    with firm.db.uow() as s:
        if state.floor is None:
            found = deliveries.digest_floor(s, today - timedelta(days=1))
            state.floor = found if found is not None else deliveries.max_obligation_id(s)
        floor = state.floor
        rows = deliveries.active_obligations_after(s, max(floor - OVERLAP, 0), today + timedelta(days=1))
        if not rows:
            return []
        routes, staff = load_routes(s, {o.manager_id for o, _ in rows}, today)
        by_manager = {m: r for r, ms in routes.items() for m in ms}
        wanted: list[tuple[int, str, str, date]] = []  # (obligation, manager, recipient, day)
        for o, _ in rows:
            recipient = by_manager.get(o.manager_id)
            if recipient is None:
                continue
            local = local_time(firm, staff.get(recipient), now)
            if in_working_day(firm, local) and o.remind_on <= local.date():
                wanted.append((o.id, o.manager_id, recipient, local.date()))
        digests = {}
        for d in deliveries.deliveries_by_keys(s, {digest_key(r, day) for _, _, r, day in wanted}):
            digests[d.key] = set(d.payload.get("items", ()))
        taken = deliveries.existing_delivery_keys(s, (f"reminder:{ob}" for ob, _, _, _ in wanted))
    state.floor = max(floor, max(o.id for o, _ in rows) - OVERLAP)
    claimed = []
    for ob, manager, recipient, day in wanted:
        key = f"reminder:{ob}"
        listed = digests.get(digest_key(recipient, day))
        # No digest today yet: it will list this. Listed in it: already told.
        if listed is None or ob in listed or key in taken:
            continue
        covering = manager if manager != recipient else None
        delivery = new_delivery(firm, key, "reminder", recipient, day, obligation=ob, covering_for=covering)
        if claim(firm, unless_taken(delivery)):
            claimed.append(key)
    return claimed


def escalation_cutoff(firm: Firm, today: date) -> date:
    """The latest due date that is overdue by the playbook's business days on `today`."""
    n = firm.numbers.escalate_after_business_days
    day = today - timedelta(days=1)
    while firm.calendar.business_days_between(day, today) < n:
        day -= timedelta(days=1)
    return day


def claim_escalations(firm: Firm, now: datetime) -> list[str]:
    """Client and adjuster obligations overdue by the playbook's business days, escalated once each to the
    leads, during the firm's working day. One DM per lead for everything newly escalated in a pass."""
    local = now.astimezone(firm.settings.tz)
    if not in_working_day(firm, local):
        return []
    today = local.date()
    keys: list[str] = []

    def make(s: Session) -> list[Any] | None:
        rows = deliveries.escalation_candidates(s, escalation_cutoff(firm, today), ESCALATE_KINDS)
        if not rows:
            return None
        to = leads(s, firm)
        out: list[Any] = [Escalation(obligation_id=o.id, case_id=c.id, escalated_at=now) for o, c in rows]
        ids = [o.id for o, _ in rows]
        for lead in to:
            key = f"escalation:{lead}:{ids[0]}" + (f"+{len(ids) - 1}" if len(ids) > 1 else "")
            out.append(new_delivery(firm, key, "escalation", lead, today, obligations=ids))
            keys.append(key)
        if not to:
            log.warning("Escalated %d obligations but there is no lead or admin to tell", len(ids))
        return out

    return keys if claim(firm, make) else []


def claim_weekly_reports(firm: Firm, now: datetime) -> list[str]:
    """Each lead's report on the first business day of the week, at their digest time."""
    with firm.db.uow() as s:
        to = leads(s, firm)
        staff = q.staff_by_ids(s, to)
    claimed = []
    for lead in to:
        local = local_time(firm, staff.get(lead), now)
        day = local.date()
        monday = day - timedelta(days=day.weekday())
        if not in_working_day(firm, local) or firm.calendar.on_or_after(monday) != day:
            continue
        key = f"weekly:{lead}:{monday.isoformat()}"
        delivery = new_delivery(firm, key, "weekly", lead, day, monday=monday.isoformat())
        # The chart is its own delivery, claimed with the text (see alerts.py).
        chart = alerts.weekly_chart_delivery(firm, lead, monday, day)
        if claim(firm, unless_taken(delivery, chart)):
            claimed.append(key)
    return claimed


def claimed_items(
    s: Session, firm: Firm, ids: Sequence[int], day: date, *, for_user: str, due_by: date | None = None
) -> list[DueItem]:
    """The claimed obligations that still ask for something, overdue first (most overdue first), then due;
    only those of cases `for_user` may see now (a case given to someone else since the claim drops out)."""
    rows = [
        (o, c)
        for o, c in q.obligations_by_ids(s, ids)
        if o.state in ACTIVE and (due_by is None or o.remind_on <= due_by)
    ]
    visible = set(visible_numbers(s, firm, for_user, [(c.number, c.manager_id, c.id) for _, c in rows]))
    out = []
    for o, c in rows:
        if c.number in visible:
            out.append(due_item(o, c, day, firm.calendar))
    return sorted(out, key=lambda d: (d.due_on, d.case, d.obligation_id))


def weekly_report(s: Session, firm: Firm, lead: str, monday: date, day: date) -> WeeklyReportMessage:
    order = {st.value: i for i, st in enumerate(Stage)}
    by_stage = sorted(
        ((st, n) for st, n, _, _ in q.open_cases_by_stage(s, day)), key=lambda r: order.get(r[0], 99)
    )
    labels = tuple((STAGES[Stage(st)].label, n) for st, n in by_stage)
    overdue = tuple(
        sorted(((m, n) for m, n, _ in q.overdue_count_by_manager(s, day)), key=lambda r: (-r[1], r[0]))
    )
    oldest = tuple(due_item(o, c, day, firm.calendar) for o, c in deliveries.oldest_overdue(s, day, 10))
    return WeeklyReportMessage(lead, monday, labels, overdue, oldest)


def preview_digests(firm: Firm, day: date) -> list[DigestMessage]:
    """The digests `day` would bring, claiming nothing."""
    with firm.db.uow(write=False) as s:
        routes, _ = load_routes(s, q.managers_with_active_due(s, day), day)
        # One range scan for everyone's items, split by manager here: no round trip per person.
        by_manager: dict[str, list[DueItem]] = {}
        for o, c in q.active_due_for(s, sorted({m for of in routes.values() for m in of}), day):
            by_manager.setdefault(o.manager_id, []).append(due_item(o, c, day, firm.calendar))
        out = []
        for recipient, of in sorted(routes.items()):
            items = sorted(
                (i for m in of for i in by_manager.get(m, ())),
                key=lambda d: (d.due_on, d.case, d.obligation_id),
            )
            if items:
                out.append(
                    DigestMessage(
                        recipient,
                        day,
                        tuple(i for i in items if i.due_on < day),
                        tuple(i for i in items if i.due_on >= day),
                        tuple(sorted(m for m in of if m != recipient)),
                    )
                )
    return out


def digest_recipients(firm: Firm, day: date) -> list[str]:
    with firm.db.uow() as s:
        routes, _ = load_routes(s, q.managers_with_active_due(s, day), day)
    return list(routes)


# ---------------------------------------------------------------- what each claimed delivery says at send time


def is_lead(s: Session, firm: Firm, user: str) -> bool:
    try:
        return role_of(s, firm, user) in LEAD_ROLES
    except NotAllowed:
        return False


def render_handover(s: Session, firm: Firm, d: Delivery) -> HandoverMessage | None:
    """The cases the person still manages, read now: none left (already handed over), nothing to say."""
    p = d.payload or {}
    person = str(p.get("person", ""))
    cases = tuple(n for n, _, _, _ in q.open_cases_of(s, person))
    if not cases or not is_lead(s, firm, d.user_id):
        return None
    return HandoverMessage(d.user_id, d.for_day, person, str(p.get("why", "")), cases)


def render_digest(s: Session, firm: Firm, d: Delivery) -> DigestMessage | None:
    p = d.payload or {}
    items = claimed_items(s, firm, p.get("items", []), d.for_day, for_user=d.user_id, due_by=d.for_day)
    if not items:
        return None
    return DigestMessage(
        d.user_id,
        d.for_day,
        tuple(i for i in items if i.due_on < d.for_day),
        tuple(i for i in items if i.due_on >= d.for_day),
        tuple(p.get("covering", ())),
        alerts.digest_flags(s, firm, items, d.for_day),
        last_notes(s, items),
    )


def last_notes(s: Session, items: Sequence[DueItem]) -> tuple[LastNote, ...]:
    """The last client note of each case with a client item, read in one query."""
    found = history.last_client_notes(s, sorted({i.case for i in items if i.kind == Kind.CLIENT}))
    return tuple(LastNote(case, on, note) for case, (on, note) in sorted(found.items()))


def render_reminder(s: Session, firm: Firm, d: Delivery) -> ReminderMessage | None:
    p = d.payload or {}
    items = claimed_items(s, firm, [p["obligation"]], d.for_day, for_user=d.user_id, due_by=d.for_day)
    return ReminderMessage(d.user_id, d.for_day, items[0], p.get("covering_for")) if items else None


def render_escalation(s: Session, firm: Firm, d: Delivery) -> EscalationMessage | None:
    p = d.payload or {}
    ids = [
        i for i in p.get("obligations", []) if (e := deliveries.escalation_of(s, i)) and e.cleared_at is None
    ]
    items = [
        i
        for i in claimed_items(s, firm, ids, firm.calendar.today(firm.now()), for_user=d.user_id)
        if i.kind in ESCALATE_KINDS
    ]
    if not items:
        return None
    return EscalationMessage(d.user_id, d.for_day, tuple(items), firm.numbers.escalate_after_business_days)


def render_weekly_report(s: Session, firm: Firm, d: Delivery) -> WeeklyReportMessage | None:
    if not is_lead(s, firm, d.user_id):
        return None  # no longer a lead (or no longer a full member) since the claim
    return weekly_report(s, firm, d.user_id, date.fromisoformat((d.payload or {})["monday"]), d.for_day)
