"""Days as people type them, undo and corrections, through the real Bolt app (signed requests, the stand-in
Slack): what lands is the day that was meant, or nothing at all; undo puts back exactly what was there."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import services
from bot.entrypoints.cli import _due
from bot.services.exports import export_data
from bot.services.firm import Firm
from tests.kit.clock import Clock
from tests.kit.workspace import Slack

D = date
SAT = D(2026, 11, 28)  # the day of the transcript


def contacts(firm: Firm, number: str) -> list[tuple[str, str]]:
    case = next(c for c in export_data(firm)["cases"] if c["number"] == number)
    return [(c["kind"], c["on"]) for c in case["contacts"] if not c["voided"]]


def open_obligations(firm: Firm, number: str) -> list[tuple[str, date]]:
    return sorted((o.rule, o.due_on) for o in services.show_case(firm, "U1", number).obligations)


def due_json(firm: Firm, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    """`casebot due --format json`, for everyone."""
    capsys.readouterr()
    assert _due(firm, None, None, "json") == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(autouse=True)
def _saturday(clock: Clock) -> None:
    clock.set(SAT)


def test_contacts_typed_9_8_yesterday_and_nov_21_land_on_those_days_and_the_clocks_follow(
    workspace: Slack,
) -> None:
    assert (
        "treatment complete Sat Aug 1 — 119 days ago" in workspace.case("U1", "new PI-2041 Jane Roe 8/1").text
    )
    replies = [
        workspace.case("U1", "contacted PI-2041 client 9/8 status update").text,
        workspace.case("U1", "contacted PI-2041 client yesterday called back").text,
        workspace.case("U1", "contacted PI-2041 client Nov 21 talked about PT").text,
    ]
    assert replies == [
        "Logged a client contact on PI-2041 for Tue Sep 8 — 81 days ago.",
        "Logged a client contact on PI-2041 for Fri Nov 27 — yesterday.",
        "Logged a client contact on PI-2041 for Sat Nov 21 — 7 days ago.",
    ]
    assert contacts(workspace.firm, "PI-2041") == [
        ("client", "2026-09-08"),
        ("client", "2026-11-27"),
        ("client", "2026-11-21"),
    ]
    card = services.show_case(workspace.firm, "U1", "PI-2041")
    assert card.last_client_contact_on == D(2026, 11, 27)
    # The first contact (Sep 8) answered the treatment-complete call; the twice-monthly update counts from the
    # last contact (Nov 27), the monthly check-in waits behind it. Nothing is dated from today, Nov 28.
    assert open_obligations(workspace.firm, "PI-2041") == [("R2", D(2026, 12, 11))]


def test_new_with_a_day_opens_the_client_and_never_swallows_the_day(workspace: Slack) -> None:
    reply = workspace.case("U1", "new PI-1 John Doe 11/3").text
    assert reply == "Opened PI-1 for John Doe, treatment complete Tue Nov 3 — 25 days ago."
    card = services.show_case(workspace.firm, "U1", "PI-1")
    assert (card.client, card.stage_entered_on) == ("John Doe", D(2026, 11, 3))
    assert "Opened PI-2 for Ann Lee" in workspace.case("U1", "new PI-2 Ann Lee Nov 3 2026").text
    assert (
        "Opened PI-3 for Sun Li, treatment complete Fri Nov 27"
        in workspace.case("U1", 'new PI-3 "Sun Li" yesterday').text
    )
    refused = workspace.case("U1", "new PI-4 Sun Li 11/3")
    assert "“Sun” could be a day or part of the client's name" in refused.text
    assert (
        "Opened PI-5 for Jo May, treatment complete Mon Nov 23"
        in workspace.case("U1", "new PI-5 Jo May monday").text
    )


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2026-11-31", "“2026-11-31” is not a day (November has 30)."),
        ("13/45", "“13/45” is not a day: there is no month 13"),
        ("Feb 30", "“Feb 30” is not a day (February has 28, or 29 in a leap year)."),
        ("11/3/", "“11/3/” is not a day: write it like 11/3 or 11/3/2026."),
        ("tomorrow", "2026-11-29 is in the future"),
    ],
)
def test_a_day_that_is_not_one_is_refused_with_the_reason_and_nothing_changes(
    workspace: Slack, typed: str, reason: str
) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 11/2")
    before = workspace.audit_count()
    answer = workspace.case("U1", f"contacted PI-1 client {typed} called about PT")
    assert reason in answer.text
    assert "Usage: `/case contacted" in answer.all_text and "Example: `" in answer.all_text
    assert workspace.audit_count() == before
    refused = workspace.case("U1", f"new PI-2 John Doe {typed}")
    assert reason in refused.text and "PI-2" not in [
        c["number"] for c in export_data(workspace.firm)["cases"]
    ]


def test_a_day_inside_a_note_is_refused_instead_of_recording_today(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 11/2")
    before = workspace.audit_count()
    answer = workspace.case("U1", "contacted PI-1 client called re 11/3 appt")
    assert "“11/3” in the note looks like a day" in answer.text
    assert workspace.audit_count() == before
    quoted = workspace.case("U1", 'contacted PI-1 client "called re 11/3 appt"')
    assert quoted.text == "Logged a client contact on PI-1 for Sat Nov 28 (today)."


def test_a_holdup_takes_its_since_day(workspace: Slack) -> None:
    workspace.case("U1", "new PI-3001 Jane Roe 9/1")
    answer = workspace.case("U1", "holdup PI-3001 billing 2026-10-05 itemized bill")
    assert answer.text == "Hold-up on PI-3001: billing (itemized bill), since Mon Oct 5 — 54 days ago."
    assert "(since Oct 5)" in workspace.case("U1", "show PI-3001").all_text


def _buttons(blocks: list[dict]) -> dict[str, str]:
    return {
        e["action_id"]: e["value"]
        for b in blocks
        for e in [*(b.get("elements") or []), b.get("accessory") or {}]
        if isinstance(e, dict) and e.get("type") == "button"
    }


# (what the case is first, the change) as people type them; undo must put `casebot due` back exactly.
SETUP = [
    "new PI-1 Jane Roe 9/1",
    "provider PI-1 add Valley Orthopedics 9/2",
    "provider PI-1 received 1 both 9/20",
    "advance PI-1 10/5",
]
CHANGES = [
    ("/case", "contacted PI-1 client Nov 21 voicemail"),
    ("/case", "contacted PI-1 client Nov 21 talked about PT"),
    ("/case", "contacted PI-1 adjuster yesterday"),
    ("/case", "provider PI-1 add Bayside Imaging 11/9"),
    ("/case", "provider PI-1 followed-up 1 11/20"),
    ("/case", "holdup PI-1 billing 10/9 itemized bill"),
    ("/case", "advance PI-1 demand_drafting last friday"),
    ("/case", "demand PI-1 sent 10/20 adjuster Chris Nolan"),
    ("/case", "fix PI-1 treatment 8/28"),
    ("/case", "assign PI-1 <@U2>"),
    ("/case", "close PI-1 dropped"),
]


@pytest.mark.parametrize(("command", "text"), CHANGES, ids=[t for _, t in CHANGES])
def test_undo_after_each_kind_of_change_restores_casebot_due_exactly(
    workspace: Slack, capsys: pytest.CaptureFixture[str], command: str, text: str
) -> None:
    workspace.case("UADMIN", "role <@ULEAD> lead")
    for step in SETUP:
        assert ":warning:" not in workspace.case("U1", step).all_text, step
    before, audited = due_json(workspace.firm, capsys), workspace.audit_count()
    actor = "ULEAD" if text.startswith("assign") else "U1"
    answer = workspace.command(actor, text, command)
    assert ":warning:" not in answer.all_text, answer.all_text
    assert "Undo" in answer.all_text
    assert workspace.audit_count() > audited
    undone = workspace.case(actor, "undo PI-1")
    assert undone.text.startswith("Undid your "), undone.text
    assert due_json(workspace.firm, capsys) == before


def test_undo_walks_back_and_the_undo_button_undoes_its_own_change_once(
    workspace: Slack, capsys: pytest.CaptureFixture[str]
) -> None:
    def state() -> tuple[list[dict], list[tuple[str, str]]]:
        return due_json(workspace.firm, capsys), contacts(workspace.firm, "PI-1")

    def last_reply() -> str:
        return str(workspace.standin.calls_to("response_url")[-1].params["text"])

    workspace.case("U1", "new PI-1 Jane Roe 9/1")
    start = state()
    first = workspace.case("U1", "contacted PI-1 client 11/2")
    middle = state()
    second = workspace.case("U1", "contacted PI-1 client 11/20")
    end = state()
    assert start != middle != end
    stale = _buttons(first.body["blocks"])["undo_change"]
    fresh = _buttons(second.body["blocks"])["undo_change"]

    workspace.click("U1", "undo_change", stale)  # an old button: the case changed since
    assert "has changed since" in last_reply() and state() == end
    workspace.click("U1", "undo_change", fresh)
    assert "Undid your client contact of Fri Nov 20" in last_reply() and state() == middle
    workspace.click("U1", "undo_change", fresh)  # the same button again
    assert "already undone" in last_reply() and state() == middle
    assert "Undid your client contact of Mon Nov 2" in workspace.case("U1", "undo PI-1").text
    assert state() == start


def test_a_fix_replans_and_a_colleague_may_not_fix(
    workspace: Slack, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace.case("U1", "new PI-4000 John Doe")  # meant Nov 3
    assert not [r for r in due_json(workspace.firm, capsys) if r["case"] == "PI-4000" and r["overdue_days"]]
    assert (
        "There is no case PI-4000 that you can see."
        in workspace.case("U2", "fix PI-4000 treatment 11/3").text
    )
    answer = workspace.case("U1", "fix PI-4000 treatment 11/3 because typed the wrong day")
    assert answer.text.startswith("Fixed PI-4000's treatment-complete day: Tue Nov 3 — 25 days ago")
    rows = {r["rule"]: r for r in due_json(workspace.firm, capsys) if r["case"] == "PI-4000"}
    assert rows["R1"]["due"] == "2026-11-03" and rows["R1"]["overdue_days"] == 25
    assert rows["R2"]["due"] == "2026-11-17"
    workspace.case("U1", "contacted PI-4000 client 11/25")
    assert "Voided the client contact of Wed Nov 25" in workspace.case("U1", "fix PI-4000 contact void").text
    assert (
        "Fixed PI-4000's client name: John Q. Doe"
        in workspace.case("U1", "fix PI-4000 client John Q. Doe").text
    )
    assert "is not something casebot corrects" in workspace.case("U1", "fix PI-4000 weather").text


def test_every_demand_round_is_on_the_card(workspace: Slack) -> None:
    for step in SETUP:
        workspace.case("U1", step)
    workspace.case("U1", "advance PI-1 demand_drafting 10/20")
    workspace.case("U1", "demand PI-1 sent Oct 24 adjuster Chris Nolan")
    workspace.case("U1", "demand PI-1 resent Nov 20 adjuster Pat Lee")
    text = workspace.case("U1", "show PI-1").all_text
    assert "Sent Oct 24 to Chris Nolan" in text and "Resent (round 2) Nov 20 to Pat Lee" in text


# ---------------------------------------------------------------- a property: the day meant, or nothing

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NOTE = st.lists(st.sampled_from(["left", "called", "status", "update", "re", "appt", "bill", "Nov", "may"]))


def spellings(day: date, today: date) -> list[str]:
    """Every way a person may write `day`, as of `today`."""
    out = [
        day.isoformat(),
        f"{day:%-m/%-d/%Y}",
        f"{day:%-m/%-d/%y}",
        f"{MONTHS[day.month - 1]} {day.day} {day.year}",
    ]
    out.append(f"{MONTHS[day.month - 1]} {day.day}, {day.year}")
    if (today - day).days < 365 and not (day.month == 2 and day.day == 29):
        out += [
            f"{day:%-m/%-d}",
            f"{MONTHS[day.month - 1]} {day.day}",
            f"{day:%B} {day.day}",
            f"{day.day} {day:%b}",
        ]
    gap = (today - day).days
    if gap == 0:
        out.append("today")
    if gap == 1:
        out.append("yesterday")
    if 0 <= gap < 7:
        out.append(WEEKDAYS[day.weekday()])
    if 1 <= gap <= 7:
        out.append(f"last {WEEKDAYS[day.weekday()]}")
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    back=st.integers(0, 500),
    pick=st.integers(0, 20),
    kind=st.sampled_from(["client", "adjuster"]),
    before=NOTE,
    after=NOTE,
)
def test_a_contact_records_the_day_its_text_means_or_nothing(
    workspace: Slack, back: int, pick: int, kind: str, before: list[str], after: list[str]
) -> None:
    """Wherever a day sits in `/case contacted`, the contact lands on that day, or nothing is recorded: never
    another day, never today instead."""
    firm = workspace.firm
    number = f"PI-H{workspace.audit_count()}"
    services.create_case(firm, "U1", number, "Jane Roe", on=SAT - timedelta(days=600))
    day = SAT - timedelta(days=back)
    forms = spellings(day, SAT)
    typed = forms[pick % len(forms)]
    text = " ".join(["contacted", number, kind, *before, typed, *after])
    before_contacts = contacts(firm, number)
    answer = workspace.case("U1", text)
    now = contacts(firm, number)
    if ":warning:" in answer.all_text:
        assert now == before_contacts, (text, answer.text)
    else:
        assert now == [*before_contacts, (kind, day.isoformat())], (text, answer.text)
        # A day after note words is refused, never passed over, unless it is the day recorded (today).
        assert not before or day == SAT, text


NAME = st.lists(
    st.sampled_from(["Jane", "Roe", "Ann", "O'Brien", "Lee", "May", "Sun", "Li", "de"]), min_size=1
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    back=st.integers(0, 500), pick=st.integers(0, 20), before=NAME, after=st.lists(st.just("Roe"), max_size=1)
)
def test_a_new_case_opens_on_the_day_its_text_means_or_not_at_all(
    workspace: Slack, back: int, pick: int, before: list[str], after: list[str]
) -> None:
    """Wherever the day sits among the client's name, the case opens on that day with the name alone, or
    nothing is opened: the name never takes in the day, and today is never recorded instead."""
    number = f"PI-N{workspace.audit_count()}"
    day = SAT - timedelta(days=back)
    forms = spellings(day, SAT)
    typed = forms[pick % len(forms)]
    answer = workspace.case("U1", " ".join(["new", number, *before, typed, *after]))
    opened = [c for c in export_data(workspace.firm)["cases"] if c["number"] == number]
    if ":warning:" in answer.all_text:
        assert not opened, answer.text
    else:
        assert opened[0]["treatment_completed_on"] == day.isoformat(), answer.text
        assert opened[0]["client_name"] == " ".join([*before, *after]), answer.text
