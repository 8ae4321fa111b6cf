"""What the scheduler would send, seen without Slack (`casebot tick --dry-run`, `tick` in the console), and
digests on business days only (`casebot digest` on a weekend or holiday sends none and says why)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from bot import services as sv
from bot.delivery.sending import tick
from bot.entrypoints.console import Console
from bot.entrypoints.dryrun import print_tick
from bot.entrypoints.operator import digest_command
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.render import render_message
from handlers.slack.standin import SlackStandIn
from storage.models import Delivery
from tests.kit.cli import casebot
from tests.kit.reminders import at, digests, notifier_for, open_case, posts, slack_firm


@pytest.fixture
def standin(standin: SlackStandIn) -> SlackStandIn:
    for user in ("U1", "U2", "UADMIN"):
        standin.add_user(user, tz="America/Los_Angeles")
    return standin


@pytest.fixture
def sfirm(firm: Firm, standin: SlackStandIn, clock) -> Firm:
    at(clock, date(2026, 11, 20), 7)  # a Friday, before anyone's digest
    open_case(firm, "PI-1", "U1")
    open_case(firm, "PI-2", "U2", client="John Doe")
    return slack_firm(firm, standin)


def _deliveries(firm: Firm) -> int:
    with firm.db.uow() as s:
        return int(s.scalar(select(func.count()).select_from(Delivery)) or 0)


def test_tick_dry_run_prints_every_message_of_the_day_to_whom_and_sends_and_marks_nothing(
    sfirm: Firm, standin: SlackStandIn, clock
) -> None:
    before = json.dumps(export_data(sfirm), sort_keys=True)
    out = io.StringIO()
    assert print_tick(sfirm, date(2026, 11, 30), out) == 0  # a Monday: digests, escalation, weekly report
    text = out.getvalue()
    assert "── 08:30 · digest to U1 ──" in text and "── 08:30 · digest to U2 ──" in text
    assert "── 08:30 · escalation to UADMIN ──" in text
    assert "── 08:30 · weekly report to UADMIN ──" in text
    assert "Your digest for Monday, November 30" in text
    assert "PI-2 · John Doe — due Nov 20 — 10 days overdue" in text
    assert text.strip().splitlines()[-1] == (
        "5 messages would be sent on Mon 2026-11-30 (that day, America/Los_Angeles): 2 digests, "
        "1 escalation, 1 weekly report, 1 weekly chart. Dry run, nothing sent."
    )
    # Nothing sent, nothing claimed or marked: the real tick that morning still sends all of it.
    assert posts(standin) == [] and _deliveries(sfirm) == 0
    assert json.dumps(export_data(sfirm), sort_keys=True) == before
    at(clock, date(2026, 11, 30), 8, 30)
    notifier, _ = notifier_for(sfirm)
    tick(sfirm, notifier)
    assert digests(standin) == {"DU1": 1, "DU2": 1}
    sent = [render_message(c.params["text"], c.params["blocks"]) for c in posts(standin)]
    # What the dry run printed is what went out, word for word.
    assert all(message in text for message in sent) and len(sent) == 4


def test_tick_dry_run_for_today_leaves_out_what_was_already_sent(sfirm: Firm, standin, clock) -> None:
    at(clock, date(2026, 11, 20), 9)
    notifier, _ = notifier_for(sfirm)
    tick(sfirm, notifier)
    assert digests(standin) == {"DU1": 1, "DU2": 1}
    out = io.StringIO()
    print_tick(sfirm, None, out)
    assert out.getvalue().strip() == (
        "Nothing would be sent on Fri 2026-11-20: the scheduler has nothing to send for the rest of today. "
        "Dry run, nothing sent."
    )


def test_the_cli_tick_dry_run_on_a_weekend_and_a_bad_day(firm: Firm, database_url: str) -> None:
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=date(2026, 11, 2))
    done = casebot(["tick", "--dry-run", "--date", "2026-11-28"], database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "Nothing would be sent on Sat 2026-11-28 (a weekend): the scheduler has nothing to send for that day. "
        "Dry run, nothing sent."
    )
    monday = casebot(["tick", "--dry-run", "--date", "2026-11-30"], database_url, ADMIN_USERS="ULEAD")
    assert monday.returncode == 0, monday.stderr
    assert "── 08:30 · digest to U1 ──" in monday.stdout
    assert "── 08:30 · weekly report to ULEAD ──" in monday.stdout
    bad = casebot(["tick", "--dry-run", "--date", "11/31"], database_url)
    assert bad.returncode == 2 and "November has 30" in bad.stderr
    plain = casebot(["tick"], database_url)
    assert plain.returncode == 2 and "--dry-run" in plain.stderr
    with firm.db.uow() as s:
        assert s.scalar(select(func.count()).select_from(Delivery)) == 0


def test_tick_in_the_console_prints_the_dry_run(sfirm: Firm, standin) -> None:
    out = io.StringIO()
    console = Console(sfirm, "UADMIN", out)
    try:
        console.handle("tick 2026-11-30")
        console.handle("tick 11/31")
    finally:
        console.close()
    text = out.getvalue()
    assert "── 08:30 · digest to U1 ──" in text and "Dry run, nothing sent." in text
    assert "November has 30" in text and "For example: tick 2026-11-30" in text
    assert _deliveries(sfirm) == 0


def test_no_digest_on_a_saturday_or_a_holiday_unless_the_day_is_given(firm: Firm, database_url: str) -> None:
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=date(2026, 11, 2))
    saturday = casebot(["digest"], database_url, CASEBOT_NOW="2026-12-12T17:00:00Z", SLACK_BOT_TOKEN="")
    assert saturday.returncode == 0, saturday.stderr
    assert saturday.stdout.strip() == (
        "No digests on Sat 2026-12-12: it is a weekend, and digests go out on business days only. "
        "To send that day's anyway: casebot digest --date 2026-12-12"
    )
    dry = casebot(["digest", "--dry-run"], database_url, CASEBOT_NOW="2026-12-12T17:00:00Z")
    assert dry.stdout == saturday.stdout
    thanksgiving = casebot(["digest"], database_url, CASEBOT_NOW="2026-11-26T17:00:00Z")
    assert thanksgiving.returncode == 0
    assert thanksgiving.stdout.startswith("No digests on Thu 2026-11-26: it is a firm holiday: Thanksgiving")
    forced = casebot(
        ["digest", "--dry-run", "--date", "2026-12-12"], database_url, CASEBOT_NOW="2026-12-12T17:00:00Z"
    )
    assert forced.returncode == 0 and "── digest to U1 ──" in forced.stdout
    assert forced.stdout.strip().endswith(
        "1 digest(s) would be sent for Sat 2026-12-12; dry run, nothing sent."
    )
    with firm.db.uow() as s:
        assert s.scalar(select(func.count()).select_from(Delivery)) == 0


def test_the_digest_dry_run_carries_the_flags_the_sent_digest_carries(sfirm: Firm, standin, clock) -> None:
    sv.create_case(sfirm, "U1", "PI-9", "Ana Lima", on=date(2026, 11, 2), limitation_on=date(2027, 1, 15))
    sv.offer_received(sfirm, "U1", "PI-9", __import__("decimal").Decimal("9000"), on=date(2026, 11, 10))
    out = io.StringIO()
    assert digest_command(sfirm, dry_run=True, out=out) == 0
    text = out.getvalue()
    assert "PI-9" in text and "Jan 15" in text  # the limitation flag, red inside 90 days
    assert "offer" in text.lower()
    assert posts(standin) == [] and _deliveries(sfirm) == 0
    notifier, _ = notifier_for(sfirm)
    assert digest_command(sfirm, notifier=notifier, out=io.StringIO()) == 0
    to_u1 = next(c for c in posts(standin) if c.params["channel"] == "DU1")
    sent = render_message(to_u1.params["text"], to_u1.params["blocks"])
    assert sent in text  # the very message, flags and all
    again = io.StringIO()
    digest_command(sfirm, dry_run=True, out=again)
    assert "(already sent; would not be sent again)" in again.getvalue()
    assert (
        again.getvalue()
        .strip()
        .endswith("0 digest(s) would be sent for Fri 2026-11-20 (2 already sent); dry run, nothing sent.")
    )
