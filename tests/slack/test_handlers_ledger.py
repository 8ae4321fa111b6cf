"""`/case bill`, `/case lien`, `/case cost`, `/case accounting` from the ledger and `/case statement` through the
real Bolt app and the stand-in Slack: what the asker sees, that the PDF goes only to the asker's DM, and that
nothing of the ledger appears where anyone else can read it."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.kit.workspace import SENSITIVE, Slack


def _ledger(workspace: Slack) -> None:
    """Jane Roe's case as of Thu Nov 26: two bills, two liens (one reduced), two costs."""
    workspace.case("U1", "new PI-1 Jane Roe 2026-09-01")
    workspace.case("U1", "provider PI-1 add Valley Orthopedics 2026-09-01")
    workspace.case("U1", "provider PI-1 add City Imaging 2026-09-01")
    assert workspace.case("U1", "bill PI-1 1 12,400 paid 6,200 adjusted 3,100").text == (
        "Recorded the bill of Valley Orthopedics (provider 1) on PI-1 (Nov 26): billed $12,400.00, "
        "paid $6,200.00, adjusted $3,100.00, balance $3,100.00."
    )
    assert "balance $0.00" in workspace.case("U1", 'bill PI-1 "City" 2850 adjusted 950 paid 1.9k').text
    added = workspace.case(
        "U1", "lien PI-1 add Blue Shield of California 8,100 type health-plan 2026-10-01"
    ).text
    assert (
        added == "Recorded lien 1 on PI-1: Blue Shield of California (Health plan), $8,100.00 asserted Oct 1."
    )
    assert (
        "lien 2 on PI-1: Medicare, $1,275.50"
        in workspace.case("U1", "lien PI-1 add Medicare 1275.50 type medicare 2026-10-01").text
    )
    reduced = workspace.case("U1", "lien PI-1 1 reduced 5,400 2026-11-20").text
    assert reduced == (
        "Lien 1 on PI-1, Blue Shield of California: reduced from $8,100.00 to $5,400.00 on Nov 20 "
        "(the client keeps $2,700.00 more)."
    )
    assert workspace.case("U1", "cost PI-1 435 Superior Court filing fee").text == (
        "Recorded cost 1 on PI-1 (Nov 26): $435.00, Superior Court filing fee. Costs so far: $435.00."
    )
    assert (
        "Costs so far: $1,645.25" in workspace.case("U1", "cost PI-1 1,210.25 Records and expert review").text
    )


def test_the_card_shows_each_bill_the_specials_each_lien_with_its_days_and_the_costs(
    workspace: Slack,
) -> None:
    _ledger(workspace)
    card = workspace.case("U1", "show PI-1")
    assert card.body["response_type"] == "ephemeral"
    text = card.all_text
    for expected in (
        "*Bills* · medical specials $15,250.00",
        "1. Valley Orthopedics — billed $12,400.00 · paid $6,200.00 · adjusted $3,100.00 · balance $3,100.00",
        "2. City Imaging — billed $2,850.00 · paid $1,900.00 · adjusted $950.00 · balance $0.00",
        "*Liens* · $6,675.50 owed",
        "1. Blue Shield of California (health plan) — $8,100.00 asserted Oct 1 → reduced to $5,400.00 Nov 20",
        "2. Medicare — $1,275.50 asserted Oct 1",
        "*Case costs* · $1,645.25",
        "1. Superior Court filing fee — $435.00 (Nov 26)",
    ):
        assert expected in text, expected


def test_accounting_takes_the_ledger_itemises_it_and_typed_values_still_win(workspace: Slack) -> None:
    _ledger(workspace)
    answer = workspace.case("U1", "accounting PI-1 47,500")
    assert answer.body["response_type"] == "ephemeral"
    text = answer.all_text
    for expected in (
        "Fee (33⅓%): −$15,833.33",
        "Fee (40%): −$19,000.00",
        "Case costs: −$1,645.25",
        "Liens and medical bills: −$9,775.50",
        "*Net to client: $20,245.92*",
        "*Net to client: $17,079.25*",
        "*Case costs*, from the ledger:",
        "• Superior Court filing fee — $435.00",
        "• Blue Shield of California, lien 1 — $5,400.00 (Health plan lien, asserted $8,100.00, reduced to $5,400.00)",
        "• Valley Orthopedics, balance of its bill — $3,100.00",
    ):
        assert expected in text, expected
    what_if = workspace.case("U1", "accounting PI-1 47,500 costs 2,000 litigation-costs 5k").all_text
    assert "*Case costs*: as typed (the ledger has $1,645.25)" in what_if
    assert "• Further litigation costs (estimate) — $3,000.00 (litigate only)" in what_if
    assert "*Net to client: $19,891.17*" in what_if


def test_the_final_offer_asks_for_a_reduction_of_each_lien_until_one_is_recorded(workspace: Slack) -> None:
    _ledger(workspace)
    workspace.offer("U1", "received PI-1 47,500 final")
    card = workspace.case("U1", "show PI-1").all_text
    # Due five days after the final offer (Thu Nov 26): Tue Dec 1. Lien 1 was reduced before the final offer
    # and not accepted, so it is asked again.
    assert "R14 task · due Tue Dec 1 · Ask Blue Shield of California for a reduction of its lien" in card
    assert "R14 task · due Tue Dec 1 · Ask Medicare for a reduction of its lien" in card
    workspace.case("U1", "lien PI-1 1 reduced 5,000")
    workspace.case("U1", "lien PI-1 2 accepted")
    assert "for a reduction" not in workspace.case("U1", "show PI-1").all_text


def test_the_statement_goes_as_a_pdf_to_the_askers_dm_only(workspace: Slack) -> None:
    _ledger(workspace)
    answer = workspace.case("U1", "statement pi-1 47,500")
    assert answer.body["response_type"] == "ephemeral"
    assert answer.text == (
        "The settlement statement of PI-1 is on its way to your DM with casebot, as "
        "settlement-statement-PI-1-2026-11-26.pdf. FIRM_NAME is not set, so the statement is headed "
        "“Law Office”: set FIRM_NAME in casebot's settings."
    )
    completed = workspace.standin.calls_to("files.completeUploadExternal")
    assert len(completed) == 1
    params = completed[0].params
    assert params["channel_id"] == "DU1" and not params.get("channels")
    assert [f["title"] for f in params["files"]] == ["Settlement statement PI-1"]
    pdf = workspace.standin.file_content(params["files"][0]["id"])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "Jane Roe",
        "PI-1",
        "Total specials $15,250.00 $8,100.00 $4,050.00 $3,100.00",
        "Less liens and medical bills $9,775.50 $9,775.50",
        "Net to the client $20,245.92 $17,079.25",
    ):
        assert expected in text, expected
    # Nothing of it anywhere else: no other upload, no post outside the asker's DM and ephemeral replies.
    assert [c.params.get("users") for c in workspace.standin.calls_to("conversations.open")] == ["U1"]
    assert workspace.public_posts() == []


def test_only_the_people_on_the_case_get_its_statement_or_its_figures(workspace: Slack) -> None:
    _ledger(workspace)
    for text in ("statement PI-1 47,500", "accounting PI-1 47,500", "bill PI-1 1 100", "lien PI-1 1 paid"):
        refused = workspace.case("U2", text)
        assert refused.body["response_type"] == "ephemeral"
        assert ":warning:" in refused.all_text, text
        assert not THIS_CASE.search(refused.all_text), (text, refused.all_text)
    assert workspace.standin.calls_to("files.completeUploadExternal") == []
    lead = workspace.case("UADMIN", "statement PI-1 47,500")
    assert "on its way to your DM" in lead.text
    assert workspace.standin.calls_to("files.completeUploadExternal")[0].params["channel_id"] == "DUADMIN"
    # Someone on the case's team sees the case, so they may ask; it goes to their own DM.
    workspace.case("U1", "team PI-1 add <@U2>")
    assert "on its way to your DM" in workspace.case("U2", "statement PI-1 47,500").text
    assert [c.params["channel_id"] for c in workspace.standin.calls_to("files.completeUploadExternal")] == [
        "DUADMIN",
        "DU2",
    ]
    for where, text in workspace.public_posts():
        assert not SENSITIVE.search(text), (where, text)


def test_a_failed_upload_is_said_in_the_askers_dm_without_a_figure(workspace: Slack) -> None:
    _ledger(workspace)
    workspace.standin.fail("files.completeUploadExternal", status=200, error="internal_error")
    workspace.case("U1", "statement PI-1 47,500")
    told = [c for c in workspace.standin.calls_to("chat.postMessage") if c.params.get("channel") == "U1"]
    assert [c.params["text"] for c in told] == [
        "The settlement statement of PI-1 could not be delivered just now; please ask again."
    ]


# The figures and names of this case's ledger (usage examples have figures of their own).
THIS_CASE = re.compile(
    r"\$|Jane Roe|Valley|City Imaging|Blue Shield|Medicare|12,400|8,100|5,400|1,645|Superior"
)


BAD_INPUT = [
    ("bill PI-1 1", "Name the provider", "/case bill <case-no> <provider> <billed>"),
    ("bill PI-1 1 lots", "is not an amount", "/case bill"),
    ("bill PI-1 1 100 paid 50 paid 40", "Give paid once", "/case bill"),
    ("bill PI-1 Kaiser 100", "has no provider “Kaiser”", "/case bill"),
    (
        "bill PI-1 1 100 paid 80 adjusted 30",
        "come to more than",
        "/case bill PI-1 1 100.00 paid 80.00 adjusted 20.00",
    ),
    ("lien PI-1", "Say add, or the lien's number", "/case lien"),
    (
        "lien PI-1 add Medicare 100 type insurer",
        "“insurer” is not a type of lien",
        "/case lien <case-no> add",
    ),
    ("lien PI-1 add 100", "Name who holds the lien", "/case lien <case-no> add"),
    (
        "lien PI-1 1 forgiven",
        "“forgiven” is not reduced, accepted or paid",
        "/case lien <case-no> <n> reduced",
    ),
    ("lien PI-1 1 reduced", "Give the amount", "/case lien <case-no> <n> reduced"),
    ("lien PI-1 7 paid", "there is no lien 7", "/case lien"),
    ("cost PI-1 435", "Say what the cost was for", "/case cost"),
    ("cost PI-1 filing fee", "is not an amount", "/case cost"),
    ("statement PI-1", "Give the gross settlement", "/case statement"),
    ("statement PI-1 47,500 costs 100", "is not litigation-costs", "/case statement"),
]


@pytest.mark.parametrize("text, says, usage", BAD_INPUT)
def test_bad_ledger_commands_are_refused_with_their_usage_and_change_nothing(
    workspace: Slack, text: str, says: str, usage: str
) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-09-01")
    workspace.case("U1", "provider PI-1 add Valley Orthopedics 2026-09-01")
    workspace.case("U1", "lien PI-1 add Blue Shield 8,100 type health-plan")
    before = workspace.audit_count()
    answer = workspace.case("U1", text)
    assert ":warning:" in answer.all_text and says in answer.all_text, answer.all_text
    assert usage in answer.all_text, answer.all_text
    assert workspace.audit_count() == before
    assert workspace.standin.calls_to("files.completeUploadExternal") == []
