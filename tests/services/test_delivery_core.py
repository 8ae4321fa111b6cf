"""The delivery engine on its own: claim once, send once, retry what Slack may get over, never lose a digest.
No Slack and nothing from handlers/: the Notifier is the in-memory one."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot import services
from bot.delivery.outbox import SenderState
from bot.delivery.ports import DeliveryFailed, DigestMessage, PersonInfo
from bot.delivery.sending import tick
from bot.services.firm import Firm
from tests.kit.memory_notifier import MemoryNotifier

LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")
PEOPLE = (PersonInfo("ULA", tz="America/Los_Angeles"), PersonInfo("UNY", tz="America/New_York"))


def at(clock: object, day: date, hh: int, mm: int = 0, tz: ZoneInfo = LA) -> None:
    clock.at = datetime.combine(day, time(hh, mm), tzinfo=tz)  # type: ignore[attr-defined]


def _two_managers_with_calls_due(firm: Firm, clock: object) -> None:
    at(clock, date(2026, 10, 29), 7)  # Thursday: each case's first client call (R1) is due today
    services.create_case(firm, "UADMIN", "PI-1", "Jane Roe", manager="ULA")
    services.create_case(firm, "UADMIN", "PI-2", "John Doe", manager="UNY")


def test_each_digest_goes_out_once_at_the_persons_own_time(firm: Firm, clock: object) -> None:
    _two_managers_with_calls_due(firm, clock)
    notifier, state = MemoryNotifier(PEOPLE), SenderState()
    friday = date(2026, 10, 30)

    at(clock, friday, 8, 30, NY)
    tick(firm, notifier, state)
    assert notifier.received(DigestMessage) == {"UNY": 1}
    at(clock, friday, 8, 30, LA)
    tick(firm, notifier, state)
    tick(firm, notifier, SenderState())  # a restart: a fresh process decides again from the database
    assert notifier.received(DigestMessage) == {"UNY": 1, "ULA": 1}
    digest = next(m for m in notifier.sent if isinstance(m, DigestMessage) and m.user_id == "ULA")
    assert [i.case for i in digest.overdue] == ["PI-1"]


def test_a_rate_limited_digest_stays_pending_and_goes_out_once_later(firm: Firm, clock: object) -> None:
    _two_managers_with_calls_due(firm, clock)
    notifier, state = MemoryNotifier(PEOPLE), SenderState()
    notifier.fail_next(DeliveryFailed("ratelimited", retryable=True, retry_after=30))
    at(clock, date(2026, 10, 30), 8, 30, NY)
    report = tick(firm, notifier, state)
    assert (report.sent, report.retrying) == (0, 1)
    assert notifier.received(DigestMessage) == {}

    clock.advance(seconds=20)  # type: ignore[attr-defined]
    tick(firm, notifier, state)
    assert notifier.received(DigestMessage) == {}  # Retry-After is honoured
    clock.advance(minutes=1)  # type: ignore[attr-defined]
    tick(firm, notifier, state)
    tick(firm, notifier, state)
    assert notifier.received(DigestMessage) == {"UNY": 1}


def test_a_permanent_failure_is_not_retried(firm: Firm, clock: object) -> None:
    _two_managers_with_calls_due(firm, clock)
    notifier, state = MemoryNotifier(PEOPLE), SenderState()
    notifier.fail_next(DeliveryFailed("account_inactive", retryable=False))
    at(clock, date(2026, 10, 30), 8, 30, NY)
    assert tick(firm, notifier, state).failed == 1
    clock.advance(hours=1)  # type: ignore[attr-defined]
    tick(firm, notifier, state)
    assert notifier.received(DigestMessage) == {}
    assert notifier.attempts == 1
