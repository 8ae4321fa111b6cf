"""Sending: one renderer per kind of delivery, the send loop with its lease and backoff, and the tick."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.delivery import alerts, client_replies
from bot.delivery.client_ports import ClientSender
from bot.delivery.client_sending import CLIENT_PROBLEM, render_client_problem, send_client_messages
from bot.delivery.digests import (
    claim_digests,
    claim_escalations,
    claim_reminders,
    claim_weekly_reports,
    render_digest,
    render_escalation,
    render_handover,
    render_reminder,
    render_weekly_report,
)
from bot.delivery.outbox import LEASE, SenderState, backoff, finish, is_stale, learn_time_zones
from bot.delivery.ports import (
    DeliveryFailed,
    Message,
    Notifier,
)
from bot.logs import failure, where
from bot.services.calendars import CLAIM_DEADLINE
from bot.services.client_updates import CLIENT_MESSAGE
from bot.services.firm import Firm
from bot.services.people import HANDOVER, info_is_stale, leads, prune_event_claims, remember_person
from storage import deliveries
from storage import queries as q
from storage.models import Delivery

log = logging.getLogger(__name__)

# One renderer for each kind of delivery: what a claimed delivery says now, or None when nothing is left to say.
RENDERERS: dict[str, Callable[[Session, Firm, Delivery], Message | None]] = {
    "digest": render_digest,
    "reminder": render_reminder,
    "escalation": render_escalation,
    "weekly": render_weekly_report,
    alerts.SOL: alerts.render_limitation_alert,
    CLAIM_DEADLINE: alerts.render_claim_deadline_alert,
    alerts.WEEKLY_CHART: alerts.render_weekly_chart,
    HANDOVER: render_handover,
    CLIENT_PROBLEM: render_client_problem,
    client_replies.CLIENT_WROTE: client_replies.render_client_wrote,
    client_replies.UNKNOWN_NUMBER: client_replies.render_unknown_number,
}


def render(firm: Firm, d: Delivery) -> Message | None:
    """What a claimed delivery says now; None when nothing is left to say."""
    renderer = RENDERERS.get(d.kind)
    if renderer is None:
        log.error("No renderer for delivery kind %r (%s)", d.kind, d.key)
        return None
    with firm.db.uow() as s:
        return renderer(s, firm, d)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


def send_pending(
    firm: Firm,
    notifier: Notifier,
    *,
    only: Iterable[str] | None = None,
    limit: int = 500,
    expire: bool = True,
    retry_in: Callable[[int, float | None], timedelta] = backoff,
) -> SendReport:
    """Send every pending delivery that is due (or only the given keys), each exactly as described in the
    module docstring. Sends one after another in the caller's thread; the notifier paces them. `retry_in`
    (attempts so far, Slack's Retry-After) says when a failure Slack may get over is tried again."""
    report = SendReport()
    now = firm.now()
    with firm.db.uow() as s:
        due = deliveries.deliveries_to_send(s, now, limit, not_kind=CLIENT_MESSAGE)
    keys = set(only) if only is not None else None
    for d in due:
        if keys is not None and d.key not in keys:
            continue
        with firm.db.uow() as s:
            if not deliveries.lease_delivery(s, d.id, now, now + LEASE):
                continue  # another sender has it
        if d.attempts > 0 and d.last_error is None:
            log.warning("Delivery %s had an attempt with no outcome (a crash?); sending again", d.key)
        refusal = recipient_refusal(firm, notifier, d.user_id)
        if refusal is not None:
            finish(firm, d.id, state="skipped", next_try_at=None, last_error=refusal)
            log.warning("Did not deliver %s: %s", d.key, refusal)
            report.skipped += 1
            continue
        if expire and is_stale(firm, d, now):
            finish(firm, d.id, state="expired", next_try_at=None, last_error="the day was over")
            report.skipped += 1
            continue
        message = render(firm, d)
        if message is None:
            finish(firm, d.id, state="skipped", next_try_at=None)
            report.skipped += 1
            continue
        try:
            ts = notifier.send(message)
        except DeliveryFailed as exc:
            if exc.retryable:
                finish(
                    firm,
                    d.id,
                    next_try_at=now + retry_in(d.attempts + 1, exc.retry_after),
                    last_error=exc.reason[:2000],
                )
                report.retrying += 1
            else:
                finish(firm, d.id, state="failed", next_try_at=None, last_error=exc.reason[:2000])
                log.error("Failed to deliver %s: %s", d.key, exc.reason)
                report.failed += 1
            continue
        except Exception as exc:  # unknown trouble: keep it, try again later
            failure(log, "deliver", exc, key=d.key)
            finish(firm, d.id, next_try_at=now + retry_in(d.attempts + 1, None), last_error=where(exc)[:2000])
            report.retrying += 1
            continue
        finish(firm, d.id, state="sent", sent_at=firm.now(), slack_ts=ts, next_try_at=None, last_error=None)
        report.sent += 1
    return report


def recipient_refusal(firm: Firm, notifier: Notifier, user: str) -> str | None:
    """Checked again just before each message goes out, not only when it was claimed: a recipient who has
    become a guest, a bot, deactivated or of another workspace since gets nothing. What Slack said is
    cached; it is asked again when casebot has never asked or last asked over a day ago."""
    with firm.db.uow(write=False) as s:
        staff = q.get_staff(s, user)
    if info_is_stale(staff.info_fetched_at if staff is not None else None, firm.now()):
        try:
            info = notifier.person(user)
        except Exception as exc:
            failure(log, "look up the recipient before sending", exc, user=user)
            info = None
        if info is not None:
            remember_person(
                firm,
                user,
                name=info.name,
                tz=info.tz,
                is_guest=info.is_guest,
                is_bot=info.is_bot,
                deleted=info.deleted,
                external=info.external,
            )
            return None if info.full_member else "the recipient is not a full member of the workspace"
    if staff is not None and not staff.full_member:
        return "the recipient is not a full member of the workspace"
    return None


def take_over(firm: Firm) -> None:
    """This process has just become the sender. Whoever sent before is gone (the sender lock is free only
    when its holder's connection is), so an attempt of theirs with no recorded outcome is retried now
    rather than when its lease ends: at least once, as the crash window above says."""
    with firm.db.uow() as s:
        released = deliveries.release_unfinished_leases(s, firm.now())
    if released:
        log.warning(
            "Took over %d delivery attempt(s) a previous sender did not finish; sending them again", released
        )


def tick(
    firm: Firm,
    notifier: Notifier,
    state: SenderState | None = None,
    clients: Mapping[str, ClientSender] | None = None,
) -> SendReport:
    """One pass of the scheduler: decide what is owed now, claim it, send whatever is pending and due (and,
    with `clients`, the client messages due, through their carriers: client_sending.py).
    Safe to run at any time and any number of times; the first pass after a start is the catch-up."""
    state = state or SenderState()
    if not state.lock.acquire(blocking=False):
        return SendReport()  # a pass is already running in this process
    try:
        now = firm.now()
        with firm.db.uow() as s:
            people = set(q.managers_with_active_due(s, firm.calendar.today(now) + timedelta(days=1)))
            people |= set(leads(s, firm))
            people |= {st.cover_id for st in q.staff_by_ids(s, people).values() if st.cover_id}
        learn_time_zones(firm, notifier, people, state)
        decide(firm, now, state)
        if clients is not None:
            try:
                send_client_messages(firm, clients)
            except Exception as exc:
                failure(log, "send client messages (will try again next tick)", exc)
        return send_pending(firm, notifier)
    finally:
        state.lock.release()


def decide(firm: Firm, now: datetime, state: SenderState) -> None:
    """What a tick owes at `now`, claimed: digests, reminders, escalations, weekly reports and alerts. The
    tick and its dry run (rehearsal.py) both decide through here."""
    steps: tuple[Callable[[], object], ...] = (
        lambda: prune_event_claims(firm),
        lambda: claim_digests(firm, now),
        lambda: claim_reminders(firm, now, state),
        lambda: claim_escalations(firm, now),
        lambda: claim_weekly_reports(firm, now),
        lambda: alerts.claim_limitation_alerts(firm, now, state.alerts_taken),
        lambda: alerts.claim_claim_deadline_alerts(firm, now, state.alerts_taken),
    )
    for step in steps:
        try:
            step()
        except Exception as exc:
            failure(log, "decide what is owed (will try again next tick)", exc)
