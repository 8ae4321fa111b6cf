"""Dry runs: what the scheduler's ticks, or `casebot digest`, would send, decided and rendered by the same
code that sends, inside one database transaction that is rolled back. Nothing is sent and nothing is
marked: a dry run can never make a real digest, alert or report look already sent.

A day's ticks are rehearsed every REHEARSAL_STEP (from now, for today; from midnight, for another day), in
the firm's time zone, each with the clock at that moment: digests come when each person's digest time does,
escalations and reports in the working day, as they would live."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from bot.delivery.digests import claim_digests, digest_key, digest_recipients, render_digest
from bot.delivery.outbox import SenderState, finish, is_stale
from bot.delivery.ports import DigestMessage, Message
from bot.delivery.sending import decide, render
from bot.services.firm import Firm
from storage import deliveries
from storage import queries as q

REHEARSAL_STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class Planned:
    """One message a tick would send: when (the firm's time), what kind, to whom, and what it says."""

    at: datetime
    key: str
    kind: str
    user_id: str
    message: Message


@dataclass(frozen=True)
class DigestPreview:
    message: DigestMessage
    already_sent: bool  # claimed before (sent, or on its way): `casebot digest` would not send it again


class _Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@contextmanager
def _rehearsing(firm: Firm) -> Iterator[tuple[Firm, _Clock]]:
    clock = _Clock(firm.now())
    with firm.db.rehearsal() as db:
        yield replace(firm, db=db, clock=clock, on_change=[], homes=type(firm.homes)()), clock


def rehearse_day(firm: Firm, day: date | None = None, *, step: timedelta = REHEARSAL_STEP) -> list[Planned]:
    """Every message the scheduler's ticks would send on `day` (default: the rest of today), in order."""
    now = firm.now()
    today = firm.calendar.today(now)
    day = day or today
    tz = firm.settings.tz
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    if day == today:
        start = now.astimezone(tz)
    planned: list[Planned] = []
    with _rehearsing(firm) as (rf, clock):
        state = SenderState()
        at = start
        while at < end:
            clock.at = at
            decide(rf, at, state)
            planned += _send_rehearsed(rf, at)
            at = _next_step(at, step)
    return planned


def _next_step(at: datetime, step: timedelta) -> datetime:
    """The next step on the step's grid (a start at 09:04 goes on at 09:15, 09:30, …)."""
    seconds = int(step.total_seconds())
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    into = int((at - midnight).total_seconds())
    return midnight + timedelta(seconds=(into // seconds + 1) * seconds)


def _send_rehearsed(rf: Firm, now: datetime) -> list[Planned]:
    """What send_pending would send at `now`, rendered, and marked sent inside the rehearsal only."""
    with rf.db.uow() as s:
        due = deliveries.deliveries_to_send(s, now, 100_000)
        s.expunge_all()
    out = []
    for d in due:
        with rf.db.uow() as s:
            staff = q.get_staff(s, d.user_id)
        if staff is not None and not staff.full_member:
            finish(rf, d.id, state="skipped", next_try_at=None)
            continue
        if is_stale(rf, d, now):
            finish(rf, d.id, state="expired", next_try_at=None)
            continue
        message = render(rf, d)
        finish(rf, d.id, state="sent" if message else "skipped", sent_at=now, next_try_at=None)
        if message is not None:
            out.append(Planned(now, d.key, d.kind, d.user_id, message))
    return out


def rehearse_digests(firm: Firm, day: date) -> list[DigestPreview]:
    """The digests `casebot digest --date <day>` would send, as they would be sent (flags included), and
    those already claimed for that day (which it would not send again)."""
    with _rehearsing(firm) as (rf, _):
        keys = [digest_key(u, day) for u in sorted(digest_recipients(rf, day))]
        with rf.db.uow() as s:
            taken = deliveries.existing_delivery_keys(s, keys)
        claim_digests(rf, rf.now(), day=day)
        out = []
        with rf.db.uow() as s:
            for d in sorted(deliveries.deliveries_by_keys(s, keys), key=lambda d: d.user_id):
                message = render_digest(s, rf, d)
                if message is not None:
                    out.append(DigestPreview(message, d.key in taken))
    return out
