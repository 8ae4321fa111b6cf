"""Issue 19, "undo and fix cover them": `/case fix <case-no> claim presented|rejected|deemed-rejected <day>|void`
corrects the claim's own events against a public entity, and the last day to sue follows on the reply, the card,
the calendar feed and the alerts (over the real HTTP server, signed like Slack); every refusal changes nothing;
a lawyer's own date survives a correction; `/case undo` takes back each event and each correction."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from icalendar import Calendar

from bot import services
from bot.delivery.calendar_feed import calendar_for
from bot.delivery.outbox import SenderState
from bot.delivery.sending import tick
from bot.services.exports import export_data
from bot.services.firm import Firm
from bot.services.limitation import claim_deadline_alerts_due
from handlers.slack.standin import SlackStandIn
from tests.kit.reminders import at, notifier_for, posts
from tests.kit.served import ServedSlack
from tests.kit.workspace import Slack

D = date
SUE = "Last day to sue a public entity"


@pytest.fixture
def served(served: ServedSlack) -> ServedSlack:
    services.set_role(served.firm, "UADMIN", "ULEAD", "lead")
    return served


def _alerts(standin: SlackStandIn, channel: str) -> list[str]:
    return [
        c.params["text"]
        for c in posts(standin)
        if c.params["channel"] == channel and c.params.get("text", "").startswith(SUE)
    ]


def _feed_event(firm: Firm, number: str) -> Any:
    events = {str(e["UID"]): e for e in Calendar.from_ical(calendar_for(firm, "U1")).walk("VEVENT")}
    return events[f"limitation-{number}@casebot"]


def _case_facts(firm: Firm, number: str) -> dict[str, Any]:
    """The case's own columns as the JSON export has them (its dates, the claim's events), without its lists
    and the row's version counter (every write raises it)."""
    case = next(c for c in export_data(firm)["cases"] if c["number"] == number)
    return {k: v for k, v in case.items() if not isinstance(v, list | dict) and k != "version"}


def _rejected_ca_case(slack: Slack, number: str = "PI-7") -> None:
    """A California loss against a public entity, presented Jan 5 and rejected in writing Jan 10, 2026."""
    slack.case("U1", f"new {number} Cal Ifornia 2025-12-01")
    slack.case("U1", f"sol {number} loss 2025-10-01 CA public")
    slack.case("U1", f"claim {number} presented 2026-01-05")
    slack.case("U1", f"claim {number} rejected 2026-01-10")


# ---------------------------------------------------------------- the correction, end to end


def test_a_rejection_fixed_to_a_later_day_moves_the_deadline_on_reply_card_feed_and_alerts(
    served: ServedSlack, clock
) -> None:
    at(clock, D(2026, 2, 2), 10)  # a Monday
    _rejected_ca_case(served)
    # six months from Jan 10 is Jul 10; 182 days is Jul 11: the earlier is kept
    assert services.show_case(served.firm, "U1", "PI-7").limitation_on == D(2026, 7, 10)
    notifier, _ = notifier_for(served.firm)
    state = SenderState()
    tick(served.firm, notifier, state)  # 158 days before it: the 180-day alert
    [first] = _alerts(served.standin, "DU1")
    assert "PI-7" in first and "Jul 10, 2026" in first
    before = _feed_event(served.firm, "PI-7")
    assert before.decoded("DTSTART") == D(2026, 7, 10)

    fixed = served.case("U1", "fix PI-7 claim rejected 2026-01-20 because the notice was mailed on the 20th")
    text = fixed.all_text
    assert "Fixed PI-7's claim: rejected in writing Tue Jan 20" in text and "(was Sat Jan 10, 2026)" in text
    assert "The last day to sue is now 2026-07-20 (168 days from today; it was 2026-07-10)" in text
    assert "Cal. Gov. Code § 945.6(a)(1), six months from the written notice of 2026-01-20" in text
    assert "six calendar months (2026-07-20) and 182 days (2026-07-21)" in text
    assert "The claim deadline's alerts stay stopped." in text
    # the card
    card = served.case("U1", "show PI-7").all_text
    assert "Statute of limitations: 2026-07-20" in card and "written rejection of 2026-01-20" in card
    # the feed: the same event, moved, with a higher SEQUENCE so calendar clients take it
    after = _feed_event(served.firm, "PI-7")
    assert after.decoded("DTSTART") == D(2026, 7, 20)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    # the alerts: planned again on the new day, to the manager and the lead
    at(clock, D(2026, 2, 2), 11)
    tick(served.firm, notifier, state)
    sent = _alerts(served.standin, "DU1")
    assert len(sent) == 2 and "Jul 20, 2026" in sent[1] and "PI-7" in sent[1]
    assert any("Jul 20, 2026" in t for t in _alerts(served.standin, "DULEAD"))
    # the audit keeps before, after, who and why
    history = served.case("U1", "history PI-7").all_text
    assert "corrected the claim rejected day: Jan 10, 2026 → Jan 20, 2026" in history
    assert "(last day to sue Jul 10, 2026 → Jul 20, 2026)" in history and "mailed on the 20th" in history


def test_voiding_a_rejection_puts_back_the_deadline_it_replaced_and_voiding_the_presentation_its_alerts(
    served: ServedSlack, clock
) -> None:
    at(clock, D(2026, 2, 2), 10)
    _rejected_ca_case(served)
    assert claim_deadline_alerts_due(served.firm) == []  # presented: the claim deadline's alerts stopped
    voided = served.case("U1", "fix PI-7 claim rejected void").all_text
    assert "Voided the claim's written rejection of Sat Jan 10, 2026 on PI-7; it no longer counts." in voided
    assert "The last day to sue is now 2027-10-01 (suit against a public entity" in voided
    assert "(it was 2026-07-10)" in voided
    card = served.case("U1", "show PI-7").all_text
    assert "Statute of limitations: 2027-10-01" in card and "presented on 2026-01-05" in card
    assert claim_deadline_alerts_due(served.firm) == []  # still presented

    unpresented = served.case("U1", "fix PI-7 claim presented void").all_text
    assert "Voided the claim's presentation of Mon Jan 5, 2026 on PI-7" in unpresented
    assert "present it by 2026-04-01" in unpresented  # six months from the loss: its alerts are back
    assert [a.case for a in claim_deadline_alerts_due(served.firm)] == ["PI-7"]
    assert "Claim deadline (public entity): 2026-04-01" in served.case("U1", "show PI-7").all_text


def test_a_lawyers_own_date_survives_a_rejection_moved_later_and_voided(served: ServedSlack, clock) -> None:
    at(clock, D(2026, 12, 5), 10)
    served.case("U1", "new PI-8 Lou Yer 2026-11-02")
    served.case("U1", "sol PI-8 2027-06-01 loss 2026-06-01 CA public")  # tolling the lawyer knows of
    served.case("U1", "claim PI-8 rejected 2026-11-16")
    assert services.show_case(served.firm, "U1", "PI-8").limitation_on == D(2027, 5, 16)
    later = served.case("U1", "fix PI-8 claim rejected 2026-12-04").all_text
    # the notice now gives Jun 4, but the lawyer's Jun 1 is earlier: it holds (never the table's 2028-06-01)
    assert "The last day to sue is now 2027-06-01" in later
    assert "an earlier deadline holds: the notice gives 2027-06-04" in later
    served.case("U1", "fix PI-8 claim rejected 2026-11-10")
    assert services.show_case(served.firm, "U1", "PI-8").limitation_on == D(2027, 5, 10)
    served.case("U1", "fix PI-8 claim rejected void")
    assert services.show_case(served.firm, "U1", "PI-8").limitation_on == D(2027, 6, 1)


def test_a_written_rejection_corrected_to_a_deemed_one_by_recording_it_gives_back_the_two_years(
    served: ServedSlack, clock
) -> None:
    at(clock, D(2026, 2, 2), 10)
    _rejected_ca_case(served)
    deemed = served.case("U1", "claim PI-7 deemed-rejected 2026-01-10").all_text
    assert "rejected by operation of law on 2026-01-10" in deemed
    assert (
        "The last day to sue is now 2027-10-01" in deemed and "keeps the two years of § 945.6(a)(2)" in deemed
    )
    fixed = served.case("U1", "fix PI-7 claim deemed rejected 2026-01-12").all_text  # two words, as typed
    assert "Fixed PI-7's claim: rejected by operation of law Mon Jan 12" in fixed
    assert "The last day to sue stays 2027-10-01" in fixed


def test_in_arizona_a_corrected_rejection_moves_nothing_and_says_why(served: ServedSlack, clock) -> None:
    at(clock, D(2026, 2, 2), 10)
    served.case("U1", "new PI-9 Ari Zona 2025-12-01")
    served.case("U1", "sol PI-9 loss 2025-06-14 AZ public")
    served.case("U1", "claim PI-9 rejected 2026-01-10")
    fixed = served.case("U1", "fix PI-9 claim rejected 2026-01-12").all_text
    assert "The last day to sue stays 2026-06-14" in fixed
    assert "In Arizona a rejection starts no new period" in fixed


# ---------------------------------------------------------------- refusals change nothing


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (
            "fix PI-7 claim deemed-rejected 2026-01-12",
            "PI-7 has no claim rejected by operation of law on record to correct. It was rejected in writing on "
            "2026-01-10: correct that with `/case fix PI-7 claim rejected &lt;YYYY-MM-DD&gt;`.",
        ),
        (
            "fix PI-7 claim presented 2026-01-11",
            "The claim was rejected in writing on 2026-01-10: it was presented before that. Nothing was changed.",
        ),
        (
            "fix PI-7 claim rejected 2026-01-04",
            "The claim was presented on 2026-01-05: it cannot be rejected in writing before that.",
        ),
        (
            "fix PI-7 claim rejected 2026-01-10",
            "PI-7's claim is already rejected in writing Sat Jan 10, 2026",
        ),
        ("fix PI-7 claim rejected 2026-03-01", "2026-03-01 is in the future"),
        ("fix PI-7 claim rejectd 2026-01-12", "“rejectd” is not which of the claim's events to correct"),
        ("fix PI-7 claim rejected", "Give the right day: the day the claim was rejected (2026-01-20)"),
        ("fix PI-7 claim rejected jan 12th-ish", "is not a day"),
        ("fix PI-7 claim rejected 2026-01-12 void", "I don't know what to do with “void”."),
    ],
)
def test_a_correction_that_cannot_be_made_is_refused_and_changes_nothing(
    served: ServedSlack, clock, words: str, said: str
) -> None:
    at(clock, D(2026, 2, 2), 10)
    _rejected_ca_case(served)
    before = export_data(served.firm)
    answer = served.case("U1", words).all_text
    assert said in answer, answer
    assert "/case fix" in answer  # the usage line or the command that works
    assert export_data(served.firm) == before


def test_no_such_event_on_record_is_refused_with_the_command_that_records_it(
    served: ServedSlack, clock
) -> None:
    at(clock, D(2026, 2, 2), 10)
    served.case("U1", "new PI-7 Cal Ifornia 2025-12-01")
    served.case("U1", "new PI-1 Not Public 2025-12-01")
    served.case("U1", "sol PI-7 loss 2025-10-01 CA public")
    before = export_data(served.firm)
    none = served.case("U1", "fix PI-7 claim rejected 2026-01-20").all_text
    assert "PI-7 has no claim rejected in writing on record to correct." in none
    assert "To record it: `/case claim PI-7 rejected &lt;YYYY-MM-DD&gt;`" in none
    presented = served.case("U1", "fix PI-7 claim presented void").all_text
    assert "PI-7 has no claim presented on record to correct." in presented
    private = served.case("U1", "fix PI-1 claim presented 2026-01-20").all_text
    assert "PI-1 is not a claim against a public entity" in private
    assert export_data(served.firm) == before


# ---------------------------------------------------------------- undo covers each event and each correction


@pytest.mark.parametrize(
    ("event", "undid"),
    [
        ("claim PI-7 presented 2026-01-05", "recording of the claim presented of Mon Jan 5"),
        ("claim PI-7 rejected 2026-01-10", "recording of the claim rejected in writing of Sat Jan 10"),
        (
            "claim PI-7 deemed-rejected 2026-01-10",
            "recording of the claim rejected by operation of law of Sat Jan 10",
        ),
    ],
)
def test_undo_takes_back_each_claim_event_exactly(served: ServedSlack, clock, event: str, undid: str) -> None:
    at(clock, D(2026, 2, 2), 10)
    served.case("U1", "new PI-7 Cal Ifornia 2025-12-01")
    served.case("U1", "sol PI-7 loss 2025-10-01 CA public")
    facts = _case_facts(served.firm, "PI-7")
    assert [a.case for a in claim_deadline_alerts_due(served.firm)] == ["PI-7"]
    served.case("U1", event)
    assert _case_facts(served.firm, "PI-7") != facts
    assert claim_deadline_alerts_due(served.firm) == []  # presented or rejected: its alerts stop
    assert f"Undid your {undid} on PI-7" in served.case("U1", "undo PI-7").all_text
    assert _case_facts(served.firm, "PI-7") == facts
    assert [a.case for a in claim_deadline_alerts_due(served.firm)] == ["PI-7"]


def test_undo_takes_back_a_correction_and_the_deadline_it_moved(served: ServedSlack, clock) -> None:
    at(clock, D(2026, 2, 2), 10)
    _rejected_ca_case(served)
    facts = _case_facts(served.firm, "PI-7")
    served.case("U1", "fix PI-7 claim rejected 2026-01-20")
    assert _case_facts(served.firm, "PI-7")["limitation_on"] == "2026-07-20"
    undone = served.case("U1", "undo PI-7").all_text
    assert "Undid your correction of the claim rejected day on PI-7" in undone
    assert _case_facts(served.firm, "PI-7") == facts
