"""Deadlines in the calendar lawyers use: the iCalendar feed parsed back with `icalendar`, stable UIDs, private
links kept only as hashes and revoked to 404, the route through the real HTTP server, and `casebot calendar`."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot import services
from bot.delivery.calendar_feed import calendar_for, calendar_for_token
from bot.entrypoints.app import http_server
from bot.errors import PreconditionNotMet
from bot.services import calendars, limitation
from bot.services.firm import Firm
from bot.services.people import remember_person
from handlers.slack.standin import SlackStandIn
from storage.models import AuditEntry, CalendarLink
from tests.kit.served import stop
from tests.kit.slack_bodies import sign, slash_body
from tests.kit.workspace import SECRET, Slack

D = date
BASE = "https://casebot.example.com"


@pytest.fixture
def cfirm(firm: Firm) -> Firm:
    firm.settings = replace(firm.settings, public_base_url=BASE)
    services.set_role(firm, "UADMIN", "ULEAD", "lead")
    return firm


def events(feed: bytes) -> dict[str, dict]:
    """The feed parsed back: each event by UID, with its day, texts and alarms (days before)."""
    calendar = Calendar.from_ical(feed)
    out = {}
    for e in calendar.walk("VEVENT"):
        start = e.decoded("DTSTART")
        out[str(e["UID"])] = {
            "start": start,
            "end": e.decoded("DTEND"),
            "summary": str(e["SUMMARY"]),
            "description": str(e["DESCRIPTION"]),
            "alarms": sorted(-a.decoded("TRIGGER").days for a in e.walk("VALARM")),
        }
    return out


def two_cases(firm: Firm) -> None:
    services.create_case(firm, "UADMIN", "PI-1", "Jane Q. Roe", manager="U1", on=D(2026, 11, 2))
    limitation.set_limitation(firm, "U1", "PI-1", loss_on=D(2026, 8, 31), state="CA", public=True)
    services.create_case(firm, "UADMIN", "PI-2", "Bo Other", manager="U2", on=D(2026, 11, 2))
    limitation.set_limitation(firm, "U2", "PI-2", on=D(2028, 1, 15))


def test_the_feed_has_all_day_events_with_initials_the_statute_and_alarms(cfirm):
    two_cases(cfirm)
    feed = calendar_for(cfirm, "U1")
    calendar = Calendar.from_ical(feed)
    assert str(calendar["PRODID"]) == "-//casebot//deadlines//EN" and str(calendar["VERSION"]) == "2.0"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in feed and b"X-PUBLISHED-TTL:PT1H" in feed
    found = events(feed)
    assert set(found) == {"limitation-PI-1@casebot", "claim-deadline-PI-1@casebot"}, "U1's cases only"
    sol, claim = found["limitation-PI-1@casebot"], found["claim-deadline-PI-1@casebot"]
    assert (sol["start"], sol["end"]) == (D(2028, 8, 31), D(2028, 9, 1)), "an all-day event on the day"
    assert type(sol["start"]) is date
    assert sol["summary"] == "Last day to sue (public entity): PI-1 (J.Q.R.)"
    assert (
        "suit against a public entity: 2 years from the loss, Cal. Gov. Code § 945.6(a)(2)"
        in sol["description"]
    )
    assert "Cal. Civ. Proc. Code § 335.1, ends the same day" in sol["description"]
    assert "A lawyer confirms" in sol["description"] and "2026-08-31" not in sol["description"], "no loss day"
    assert sol["alarms"] == [30, 60, 90, 180]
    assert (
        claim["start"] == D(2027, 2, 28)
        and claim["summary"] == "Claim deadline (public entity): PI-1 (J.Q.R.)"
    )
    assert "Cal. Gov. Code § 911.2(a)" in claim["description"] and claim["alarms"] == [7, 14, 30, 60, 90]
    assert b"Jane" not in feed and b"Roe" not in feed, "the client's initials only"


def test_a_lead_or_no_user_gets_every_open_case_and_an_entered_date_says_so(cfirm):
    two_cases(cfirm)
    for who in ("ULEAD", "UADMIN", None):
        assert set(events(calendar_for(cfirm, who))) == {
            "limitation-PI-1@casebot",
            "claim-deadline-PI-1@casebot",
            "limitation-PI-2@casebot",
        }
    other = events(calendar_for(cfirm, "U2"))["limitation-PI-2@casebot"]
    assert (
        other["summary"] == "Last day to file suit: PI-2 (B.O.)" and "entered by hand" in other["description"]
    )
    assert events(calendar_for(cfirm, "U9")) == {}


def test_uids_are_stable_a_corrected_date_moves_the_event_and_a_closed_case_disappears(cfirm, clock):
    two_cases(cfirm)
    first = events(calendar_for(cfirm, "U1"))
    clock.advance(hours=3)
    again = events(calendar_for(cfirm, "U1"))
    assert again == first, "subscribing twice gives the same events"
    limitation.set_limitation(cfirm, "U1", "PI-1", on=D(2028, 6, 30))
    moved = events(calendar_for(cfirm, "U1"))
    assert set(moved) == set(first) and moved["limitation-PI-1@casebot"]["start"] == D(2028, 6, 30)
    assert "entered by hand" in moved["limitation-PI-1@casebot"]["description"]
    services.close_case(cfirm, "U1", "PI-1", "dropped")
    assert events(calendar_for(cfirm, "U1")) == {}
    assert set(events(calendar_for(cfirm, None))) == {"limitation-PI-2@casebot"}


def test_a_link_is_kept_only_as_a_hash_and_a_revoked_one_opens_nothing(cfirm):
    two_cases(cfirm)
    link = calendars.new_calendar_link(cfirm, "U1").url
    assert link.startswith(f"{BASE}/calendar/") and link.endswith(".ics")
    token = link.removeprefix(f"{BASE}/calendar/").removesuffix(".ics")
    second = (
        calendars.new_calendar_link(cfirm, "U1").url.removeprefix(f"{BASE}/calendar/").removesuffix(".ics")
    )
    assert second != token
    with cfirm.db.uow() as s:
        stored = list(s.scalars(select(CalendarLink.token_hash)))
        audit = [a.action for a in s.scalars(select(AuditEntry))]
    assert hashlib.sha256(token.encode()).hexdigest() in stored and token not in str(stored)
    assert audit.count("calendar_link") == 2
    assert set(events(calendar_for_token(cfirm, token))) == set(events(calendar_for_token(cfirm, second)))
    assert calendars.revoke_calendar_links(cfirm, "U1") == 2
    assert calendar_for_token(cfirm, token) is None and calendar_for_token(cfirm, second) is None
    assert calendars.revoke_calendar_links(cfirm, "U1") == 0
    for bad in ("", "x", token[:-1] + "!", "../../etc/passwd", token.upper()):
        assert calendar_for_token(cfirm, bad) is None


def test_a_link_stops_working_when_its_owner_leaves_slack(cfirm):
    two_cases(cfirm)
    token = calendars.new_calendar_link(cfirm, "U1").url.rsplit("/", 1)[1].removesuffix(".ics")
    assert calendar_for_token(cfirm, token) is not None
    remember_person(cfirm, "U1", deleted=True)
    assert calendar_for_token(cfirm, token) is None


def test_no_public_address_no_link(firm):
    assert firm.settings.public_base_url is None
    with pytest.raises(PreconditionNotMet, match="PUBLIC_BASE_URL"):
        calendars.new_calendar_link(firm, "U1")
    with firm.db.uow() as s:
        assert list(s.scalars(select(CalendarLink))) == []


def test_initials_take_the_first_letter_of_each_word_only():
    assert calendars.initials("Jane Q. Roe") == "J.Q.R."
    assert calendars.initials("mary-ann o'neil") == "M.O."
    assert calendars.initials("José Álvarez") == "J.Á."
    assert calendars.initials("  ") == "?"


# ---------------------------------------------------------------- the real HTTP server


@pytest.fixture
def served(cfirm: Firm) -> Iterator[tuple[str, Slack]]:
    with SlackStandIn() as standin:
        slack = Slack(cfirm, standin)
        server = http_server(slack.app, firm=slack.firm, host="127.0.0.1", port=0, threads=2)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.effective_port}", slack
        stop(server, thread)
        slack.close()


def get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_http_route_serves_the_feed_and_a_revoked_token_gets_404(served):
    url, slack = served
    two_cases(slack.firm)
    link = calendars.new_calendar_link(slack.firm, "U1").url
    path = link.removeprefix(BASE)
    status, headers, body = get(url + path)
    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Cache-Control"].startswith("private")
    assert set(events(body)) == {"limitation-PI-1@casebot", "claim-deadline-PI-1@casebot"}
    status, _, again = get(url + path)
    assert status == 200 and set(events(again)) == set(events(body)), "subscribing twice: the same UIDs"
    status, headers, empty = get(url + path, "HEAD")
    assert status == 200 and empty == b"" and int(headers["Content-Length"]) > 0
    calendars.revoke_calendar_links(slack.firm, "U1")
    assert get(url + path)[0] == 404
    assert get(url + "/calendar/" + "A" * 43 + ".ics")[0] == 404
    assert get(url + "/calendar/")[0] == 404
    # Only GET and HEAD: nothing is ever posted there.
    request = urllib.request.Request(url + path, data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 405


def test_slack_requests_are_still_checked_on_the_same_server(served):
    url, slack = served
    body = slash_body("/case", "help", "U1")

    def post(headers: dict[str, str]) -> int:
        request = urllib.request.Request(
            url + "/slack/events",
            data=body.encode(),
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert post(sign(SECRET, body)) == 200
    assert post(sign("not-the-secret", body)) == 401


# ---------------------------------------------------------------- casebot calendar


def casebot(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "PUBLIC_BASE_URL"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "bot.entrypoints.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_casebot_calendar_writes_a_persons_feed_or_everyones(cfirm, database_url, tmp_path):
    two_cases(cfirm)
    out = tmp_path / "u1.ics"
    done = casebot(["calendar", "--user", "U1", "--out", str(out)], database_url)
    assert done.returncode == 0, done.stderr
    assert "Wrote 2 deadlines of <U1>'s open cases" in done.stderr
    assert set(events(out.read_bytes())) == {"limitation-PI-1@casebot", "claim-deadline-PI-1@casebot"}
    everyone = casebot(["calendar"], database_url)
    assert everyone.returncode == 0, everyone.stderr
    found = events(everyone.stdout.encode())
    assert set(found) == {"limitation-PI-1@casebot", "claim-deadline-PI-1@casebot", "limitation-PI-2@casebot"}
    assert found["limitation-PI-2@casebot"]["start"] == D(2028, 1, 15)
    assert found["limitation-PI-1@casebot"]["alarms"] == sorted(cfirm.numbers.limitation_alert_days)
    assert (found["limitation-PI-2@casebot"]["end"] - found["limitation-PI-2@casebot"]["start"]) == timedelta(
        1
    )
