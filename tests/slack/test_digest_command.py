"""`casebot digest` run once, as cron or an operator would, with no bot running: it waits out a burst of
429s and 500s from Slack within the command (after Retry-After when Slack gives one), delivers each digest
exactly once, and its exit code and last line say what is still pending and why."""

from __future__ import annotations

import io
from datetime import date

import pytest

from bot.entrypoints.operator import DIGEST_PATIENCE, digest_command
from bot.services.firm import Firm
from handlers.slack.standin import SlackStandIn
from storage.models import Delivery
from tests.kit.reminders import at, digests, notifier_for, open_case, slack_firm


@pytest.fixture
def standin(standin: SlackStandIn) -> SlackStandIn:
    for user in ("ULA", "UNY", "USF"):
        standin.add_user(user, tz="America/Los_Angeles")
    return standin


@pytest.fixture
def sfirm(firm: Firm, standin: SlackStandIn, clock) -> Firm:
    at(clock, date(2026, 11, 20), 7)
    for n, manager in enumerate(("ULA", "UNY", "USF"), start=1):
        open_case(firm, f"PI-{n}", manager)
    return slack_firm(firm, standin)


def delivered(firm: Firm) -> dict[str, str]:
    """Each digest's state; a sent one was accepted by Slack once (it carries Slack's ts)."""
    from sqlalchemy import select

    with firm.db.uow() as s:
        rows = s.scalars(select(Delivery).where(Delivery.kind == "digest")).all()
        assert len({d.slack_ts for d in rows if d.state == "sent"}) == sum(d.state == "sent" for d in rows)
        return {d.user_id: d.state for d in rows}


def run(sfirm: Firm, clock) -> tuple[int, str, list[float]]:
    """One `casebot digest`; its pauses move the test's clock instead of the wall clock."""
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds=seconds)

    notifier, _ = notifier_for(sfirm, retries=0)  # no retries inside the Web API client: the command's own
    out = io.StringIO()
    code = digest_command(sfirm, notifier=notifier, out=out, sleep=sleep)
    return code, out.getvalue().strip().splitlines()[-1], slept


def test_one_run_during_a_burst_of_429_and_500_delivers_every_digest_exactly_once(sfirm, clock, standin):
    standin.fail("chat.postMessage", status=429, times=2, retry_after=7)
    standin.fail("chat.postMessage", status=500, times=2)
    code, last, slept = run(sfirm, clock)
    assert (code, last) == (0, "3 digest(s) sent for Fri 2026-11-20.")
    assert delivered(sfirm) == {"ULA": "sent", "UNY": "sent", "USF": "sent"}
    # Seven posts reached Slack: the four it turned away, and one accepted for each person.
    assert sum(digests(standin).values()) == 4 + 3 and set(digests(standin)) == {"DULA", "DUNY", "DUSF"}
    assert sum(slept) >= 7, "the two turned away with Retry-After: 7 waited at least that long"
    assert sum(slept) < DIGEST_PATIENCE.total_seconds()
    # A second run sends nothing again.
    code, last, _ = run(sfirm, clock)
    assert (code, last) == (0, "0 digest(s) sent for Fri 2026-11-20.")
    assert sum(digests(standin).values()) == 7


def test_what_is_still_pending_after_a_few_minutes_is_named_with_why_and_exits_1(sfirm, clock, standin):
    standin.fail("chat.postMessage", status=503, times=10_000)
    code, last, slept = run(sfirm, clock)
    assert code == 1
    assert last.startswith(
        "0 digest(s) sent for Fri 2026-11-20; 3 still pending after retrying for up to 3 min"
    )
    assert "ULA, UNY, USF: " in last and "HTTP 503" in last and "run `casebot digest` again" in last
    assert sum(slept) <= DIGEST_PATIENCE.total_seconds()
    assert delivered(sfirm) == {"ULA": "pending", "UNY": "pending", "USF": "pending"}
    standin.reset()
    clock.advance(minutes=1)
    code, last, _ = run(sfirm, clock)  # once Slack is back, the next run delivers each once
    assert (code, digests(standin)) == (0, {"DULA": 1, "DUNY": 1, "DUSF": 1})
    assert delivered(sfirm) == {"ULA": "sent", "UNY": "sent", "USF": "sent"}


def test_a_permanent_failure_is_not_waited_for_and_is_named(sfirm, clock, standin):
    standin.fail("chat.postMessage", status=200, error="account_inactive", times=1)
    code, last, slept = run(sfirm, clock)
    assert code == 1 and slept == []
    assert (
        last == "2 digest(s) sent for Fri 2026-11-20; 1 failed for good (ULA: account_inactive (HTTP 200))."
    )
