"""Issue 18 item 10, notes are readable, through the real HTTP server (waitress + Bolt) against the stand-in
Slack: the card shows the last client and adjuster contact with its note; `/case history <case-no> [page]`
lists what was recorded (contacts, changes, corrections, undos) with who, when and note, newest first, a
page at a time, only to who may see the case; a digest's client item shows the last note."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from bot.entrypoints.operator import digest_command
from bot.services.exports import export_data
from handlers.blocks import all_text
from tests.kit.clock import Clock
from tests.kit.served import Server


def said(data: dict[str, Any]) -> str:
    return str(data.get("text", "")) + "\n" + all_text(data.get("blocks") or [])


def run(http: Server, text: str, user: str = "U1") -> str:
    data = http.command(user, text)
    assert data["response_type"] == "ephemeral"
    return said(data)


def snapshot(http: Server) -> str:
    return json.dumps(export_data(http.slack.firm), sort_keys=True, default=str)


def test_the_card_shows_the_last_client_and_adjuster_contact_with_its_note(http: Server) -> None:
    run(http, "new PI-2043 Jane Roe 2026-10-01")
    assert "Last client contact: none logged yet" in run(http, "show PI-2043")
    run(http, "contacted PI-2043 client 2026-11-19 she is doing PT at home")
    run(http, "contacted PI-2043 adjuster Karen Wu confirmed receipt")
    card = run(http, "show PI-2043")
    assert "Last client contact: Nov 19 — “she is doing PT at home”" in card
    assert "Last adjuster contact: Nov 26 — “Karen Wu confirmed receipt”" in card
    run(http, "contacted PI-2043 client 2026-11-24")  # a later contact with no note: no stale note shown
    card = run(http, "show PI-2043")
    assert "Last client contact: Nov 24" in card.splitlines()
    assert "she is doing PT at home" not in card


def test_history_lists_contacts_changes_and_corrections_newest_first_with_who_and_notes(
    http: Server, clock: Clock
) -> None:
    clock.set(date(2026, 11, 20))
    run(http, "new PI-2043 Jane Roe 2026-10-01")
    run(http, "contacted PI-2043 client 2026-11-19 she is doing PT at home")
    run(http, "team PI-2043 add <@U2>")
    clock.set(date(2026, 11, 23))
    run(http, "provider PI-2043 add St. Mary's Hospital 2026-10-02", user="U2")
    run(http, "contacted PI-2043 adjuster Karen Wu <b>confirmed</b> receipt", user="U2")
    run(http, "fix PI-2043 contact client 11/19 11/18 because I typed the wrong day")
    page = run(http, "history PI-2043")
    lines = [line for line in page.splitlines() if line.startswith("*")]
    assert lines[0].startswith("*History of PI-2043 · Jane Roe* — 6 entries, newest first")
    entries = lines[1:]
    assert entries[0] == (
        "*Mon Nov 23 10:00* · <@U1> · corrected the client contact day: Nov 19, 2026 → Nov 18, 2026 "
        "— “I typed the wrong day”"
    )
    assert entries[1] == (
        "*Mon Nov 23 10:00* · <@U2> · adjuster contact — “Karen Wu &lt;b&gt;confirmed&lt;/b&gt; receipt”"
    )
    assert entries[2] == "*Mon Nov 23 10:00* · <@U2> · added provider St. Mary's Hospital, of Fri Oct 2"
    assert entries[3] == "*Fri Nov 20 10:00* · <@U1> · added <@U2> to the team"
    assert entries[4] == (
        "*Fri Nov 20 10:00* · <@U1> · client contact, of Thu Nov 19 — “she is doing PT at home”"
    )
    assert entries[5] == "*Fri Nov 20 10:00* · <@U1> · opened the case for Jane Roe, of Thu Oct 1"

    run(http, "undo PI-2043")  # the fix, taken back: still listed, struck through
    again = run(http, "history PI-2043")
    assert "undid a change (fix)" in again
    assert "~*Mon Nov 23 10:00* · <@U1> · corrected the client contact day" in again and "(undone)" in again


def test_history_pages_and_its_refusals_change_nothing(http: Server) -> None:
    run(http, "new PI-2043 Jane Roe 2026-10-01")
    for n in range(1, 13):
        run(http, f"contacted PI-2043 client 2026-11-{n:02d} call {n}")
    first = run(http, "history PI-2043")
    assert "— page 1 of 2, 13 entries, newest first" in first
    assert "“call 12”" in first and "“call 3”" in first and "“call 2”" not in first
    assert "Older: `/case history PI-2043 2`" in first
    second = run(http, "history pi-2043 2")
    assert "page 2 of 2" in second and "“call 2”" in second and "“call 1”" in second
    assert "opened the case for Jane Roe" in second and "Newer: `/case history PI-2043 1`" in second

    run(http, "mine", user="U2")  # U2 is known to casebot (a member not on this case)
    for user, text, says in (
        ("U1", "history PI-2043 3", "PI-2043's history has 2 pages; there is no page 3."),
        ("U1", "history PI-2043 two", "“two” is not a page number"),
        ("U1", "history PI-2043 0", "“0” is not a page number"),
        ("U1", "history", "Which case?"),
        ("U1", "history PI-2043 1 more", "/case history <case-no> [page]"),
        ("U2", "history PI-2043", "PI-2043"),
    ):
        before = snapshot(http)
        shown = run(http, text, user=user)
        assert ":warning:" in shown, shown
        assert says in shown, shown
        assert snapshot(http) == before
    outsider = run(http, "history PI-2043", user="U2")
    assert "Jane Roe" not in outsider and "call" not in outsider


def test_a_digest_item_for_the_client_shows_the_last_note(http: Server, clock: Clock) -> None:
    run(http, "new PI-2043 Jane Roe 2026-10-01")
    run(http, "contacted PI-2043 client 2026-11-02 she is doing PT at home")
    run(http, "contacted PI-2043 client 2026-11-03")  # no note: the last note is still Nov 2's
    clock.set(date(2026, 11, 30))  # a Monday; the twice-monthly update is overdue
    out = io.StringIO()
    assert digest_command(http.slack.firm, dry_run=True, out=out) == 0
    assert "Last note (Nov 2): “she is doing PT at home”" in out.getvalue()
    assert digest_command(http.slack.firm, out=io.StringIO()) == 0
    (digest,) = [c for c in http.slack.standin.calls_to("chat.postMessage") if "digest" in c.params["text"]]
    assert "Last note (Nov 2): “she is doing PT at home”" in all_text(digest.params["blocks"])


def test_history_lists_attempts_with_their_day_and_note_beside_the_contacts(
    http: Server, clock: Clock
) -> None:
    clock.set(date(2026, 12, 1))
    run(http, "new PI-2045 Renée Roe 2026-09-01")
    run(http, "contacted PI-2045 client 11/30 voicemail Renée left voicemail")
    run(http, "contacted PI-2045 adjuster no answer")
    assert "tried Nov 30, voicemail" in run(http, "show PI-2045")  # the card, as the issue asked
    run(http, "contacted PI-2045 client 12/1 talked about PT")
    entries = [line for line in run(http, "history PI-2045").splitlines() if line.startswith("*")][1:]
    assert entries == [
        "*Tue Dec 1 10:00* · <@U1> · client contact — “talked about PT”",
        "*Tue Dec 1 10:00* · <@U1> · tried the adjuster: no answer",
        "*Tue Dec 1 10:00* · <@U1> · tried the client: voicemail, of Mon Nov 30 — “Renée left voicemail”",
        "*Tue Dec 1 10:00* · <@U1> · opened the case for Renée Roe, of Tue Sep 1",
    ]
