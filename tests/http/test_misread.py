"""Issue 18, "Misread input", through the real HTTP server (waitress + Bolt, signed requests) against the Slack
stand-in, typed the way the issue's month typed them: a refusal changes nothing (the export before and after
is identical), an accepted line records exactly what its reply says."""

from __future__ import annotations

from datetime import date

import pytest

from bot import services
from bot.services.firm import Firm
from tests.kit.clock import Clock
from tests.kit.replies import case_of, ok, refused, snapshot
from tests.kit.served import Server

D = date
FRI_DEC_11 = D(2026, 12, 11)


@pytest.fixture(autouse=True)
def _friday(clock: Clock) -> None:
    clock.set(FRI_DEC_11)


def open_rules(firm: Firm, number: str) -> list[str]:
    return sorted(o.rule for o in services.show_case(firm, "U1", number).obligations)


# ---------------------------------------------------------------- item 1: days without a year


def test_the_issues_new_case_dated_12_14_on_dec_11_is_refused_naming_both_readings(http: Server) -> None:
    ok(http, "mine")  # casebot has met the caller
    said = refused(http, "new PI-2070 Amélie Poulain 12/14")
    assert (
        "Dec 14 is in 3 days; record events on the day they happened. For last year's, type 2025-12-14."
        in said
    )
    assert "Example: `/case new" in said
    reply = ok(http, "new PI-2070 Amélie Poulain 2025-12-14")
    assert "treatment complete Sun Dec 14 2025 — 362 days ago" in reply
    assert case_of(http.slack.firm, "PI-2070")["treatment_completed_on"] == "2025-12-14"


def test_the_issues_contact_of_11_19_typed_on_nov_18_is_refused(http: Server, clock: Clock) -> None:
    clock.set(D(2026, 11, 18))
    ok(http, "new PI-2043 Jane Roe 11/2")
    said = refused(http, "contacted PI-2043 client 11/19 called about PT")
    assert "Nov 19 is tomorrow" in said and "2025-11-19" in said


def test_on_jan_2_12_30_is_still_three_days_ago(http: Server, clock: Clock) -> None:
    clock.set(D(2027, 1, 2))
    assert "treatment complete Wed Dec 30 2026 — 3 days ago" in ok(http, "new PI-1 Jane Roe 12/30")


def test_days_that_may_lie_ahead_keep_their_rule(http: Server) -> None:
    assert "Nothing due by Mon Dec 14" in ok(http, "due 12/14")


# ---------------------------------------------------------------- item 2: a word in the kind's place


def test_adjustor_is_the_adjuster_and_closes_only_what_the_adjuster_answers(http: Server) -> None:
    ok(http, "new PI-2045 Renée Roe 9/1")
    reply = ok(http, "contacted PI-2045 adjustor Karen Wu confirmed receipt")
    assert "Logged an adjuster contact on PI-2045 for Fri Dec 11 (today)." in reply
    contacts = case_of(http.slack.firm, "PI-2045")["contacts"]
    assert [(c["kind"], c["on"], c["note"]) for c in contacts] == [
        ("adjuster", "2026-12-11", "Karen Wu confirmed receipt")
    ]
    assert "R1" in open_rules(http.slack.firm, "PI-2045")  # the client was never told anything


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("contacted PI-2042 cleint talked to Zoë", "/case contacted PI-2042 client talked to Zoë"),
        ("contacted PI-2042 ajuster 12/1 confirmed", "/case contacted PI-2042 adjuster 12/1 confirmed"),
        ("contacted PI-2042 client 12/1 voicemial", "/case contacted PI-2042 client 12/1 voicemail"),
    ],
)
def test_a_typo_of_a_kind_is_asked_about_and_nothing_is_recorded(
    http: Server, typed: str, meant: str
) -> None:
    ok(http, "new PI-2042 Zoë Park 9/1")
    said = refused(http, typed)
    assert "did you mean `" in said and "Nothing was recorded." in said
    assert f"Example: `{meant}`" in said


# ---------------------------------------------------------------- item 3: an attempt is not a contact


def test_renee_left_voicemail_is_refused_with_both_commands(http: Server) -> None:
    ok(http, "new PI-2045 Renée Roe 9/1")
    said = refused(http, "contacted PI-2045 Renée left voicemail")
    assert "The note says “left voicemail”: the client was not reached." in said
    assert "`/case contacted PI-2045 client voicemail Renée left voicemail`" in said
    assert '`/case contacted PI-2045 client "Renée left voicemail"`' in said


def test_an_attempt_is_recorded_shown_and_closes_nothing(http: Server) -> None:
    ok(http, "new PI-2045 Renée Roe 9/1")
    before = open_rules(http.slack.firm, "PI-2045")
    card_before = services.show_case(http.slack.firm, "U1", "PI-2045")
    reply = ok(http, "contacted PI-2045 client 12/10 voicemail Renée left voicemail")
    assert (
        "Recorded an attempt on PI-2045 (Renée Roe): tried the client Thu Dec 10 — yesterday, voicemail. "
        "Not a contact: it closes nothing and moves no clock" in reply
    )
    data = case_of(http.slack.firm, "PI-2045")
    assert data["contacts"] == [] and data["last_client_contact_on"] is None
    assert [(a["kind"], a["how"], a["on"], a["note"]) for a in data["attempts"]] == [
        ("client", "voicemail", "2026-12-10", "Renée left voicemail")
    ]
    assert open_rules(http.slack.firm, "PI-2045") == before
    card_after = services.show_case(http.slack.firm, "U1", "PI-2045")
    assert [o.due_on for o in card_after.obligations] == [o.due_on for o in card_before.obligations]
    card = ok(http, "show PI-2045")
    assert "Not reached: tried the client Dec 10, voicemail (Renée left voicemail)" in card
    assert "R1 client · *due Sep 1 — 101 days overdue (69 business days)* · tried Dec 10, voicemail" in card
    due = ok(http, "due")
    assert "tried Dec 10, voicemail" in due
    # Reaching her closes R1, and the card no longer says she was not reached.
    ok(http, "contacted PI-2045 client talked about PT")
    assert "Not reached" not in ok(http, "show PI-2045")
    assert "R1" not in open_rules(http.slack.firm, "PI-2045")


@pytest.mark.parametrize("how", ["attempt", "no-answer", "no answer", "vm"])
def test_every_way_of_typing_an_attempt(http: Server, how: str) -> None:
    ok(http, "new PI-1 Jane Roe 9/1")
    ok(http, f"contacted PI-1 adjuster {how}")
    data = case_of(http.slack.firm, "PI-1")
    assert data["contacts"] == [] and [a["kind"] for a in data["attempts"]] == ["adjuster"]


def test_an_attempt_is_undone_like_any_change(http: Server) -> None:
    ok(http, "new PI-1 Jane Roe 9/1")
    before = snapshot(http.slack.firm)["cases"][0]["attempts"]
    ok(http, "contacted PI-1 client no-answer")
    assert "Undid your client attempt (no-answer) of Fri Dec 11 (today) on PI-1" in ok(http, "undo PI-1")
    assert snapshot(http.slack.firm)["cases"][0]["attempts"] == before == []


def test_a_note_in_quotes_that_mentions_a_voicemail_is_a_contact(http: Server) -> None:
    ok(http, "new PI-1 Jane Roe 9/1")
    ok(http, 'contacted PI-1 client "returned my voicemail, doing PT at home"')
    assert [c["note"] for c in case_of(http.slack.firm, "PI-1")["contacts"]] == [
        "returned my voicemail, doing PT at home"
    ]


# ---------------------------------------------------------------- item 6: notes and days


def test_today_in_a_note_about_today_and_a_claim_number_are_kept(http: Server) -> None:
    ok(http, "new PI-1 Jane Roe 9/1")
    ok(http, "contacted PI-1 client called today re claim 0457-22")
    assert [(c["on"], c["note"]) for c in case_of(http.slack.firm, "PI-1")["contacts"]] == [
        ("2026-12-11", "called today re claim 0457-22")
    ]


def test_a_day_in_a_note_that_is_not_the_day_recorded_is_refused(http: Server) -> None:
    ok(http, "new PI-1 Jane Roe 9/1")
    said = refused(http, "contacted PI-1 client 12/9 called today")
    assert "“today” in the note looks like a day" in said
    refused(http, "contacted PI-1 client called re 12/3 appt")


# ---------------------------------------------------------------- item 13: small truths


def test_a_case_opened_today_never_shows_for_0_days(http: Server) -> None:
    reply = ok(http, "new PI-1 Jane Roe")
    card = ok(http, "show PI-1")
    for text in (reply, card, ok(http, "mine")):
        assert "0 days" not in text, text
    assert "Collecting records* since today" in card or "Collecting records since today" in card


# ---------------------------------------------------------------- item 4: ambiguous corrections ask


def test_fix_contact_on_a_day_with_a_client_call_and_a_provider_follow_up_asks_which(http: Server) -> None:
    ok(http, "new PI-2042 Zoë Park 9/1")
    ok(http, "provider PI-2042 add Valley Orthopedics 9/2")
    ok(http, "provider PI-2042 followed-up 1 11/30")
    ok(http, "contacted PI-2042 client 11/30 called about PT")
    said = refused(http, "fix PI-2042 contact 11/30 11/27")
    assert "PI-2042 has 2 kinds of contact on Mon Nov 30; say which" in said
    assert "the client contact: /case fix PI-2042 contact client 11/30 11/27" in said
    assert (
        "the provider follow-up (Valley Orthopedics): /case fix PI-2042 contact provider 11/30 11/27" in said
    )
    ok(http, "fix PI-2042 contact client 11/30 11/27")
    days = sorted((c["kind"], c["on"]) for c in case_of(http.slack.firm, "PI-2042")["contacts"])
    assert days == [("client", "2026-11-27"), ("provider", "2026-11-30")]


def test_fix_contact_without_a_kind_never_picks_a_provider_follow_up(http: Server) -> None:
    ok(http, "new PI-1 Jane Roe 9/1")
    ok(http, "provider PI-1 add Valley Orthopedics 9/2")
    ok(http, "provider PI-1 followed-up 1 11/30")
    said = refused(http, "fix PI-1 contact 11/30 11/27")
    assert "PI-1 has no client or adjuster contact on Mon Nov 30 to correct" in said
    assert "contact provider" in said


# ---------------------------------------------------------------- item 6: a cost on its day


def test_a_cost_takes_its_day_and_the_day_is_not_in_the_description(http: Server) -> None:
    ok(http, "new PI-1 Jane Roe 9/1")
    reply = ok(http, "cost PI-1 350 10/2 records fee")
    assert "Recorded cost 1 on PI-1 (Oct 2): $350.00, records fee." in reply
    cost = case_of(http.slack.firm, "PI-1")["costs"][0]
    assert (cost["on"], cost["description"]) == ("2026-10-02", "records fee")
    refused(http, "cost PI-1 350 records fee 10/2")  # a day among the words is refused, not printed


# ---------------------------------------------------------------- item 7: names as people type them


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("st mary's", "St. Mary's Hospital"),
        ("chen", "Dr. Chen Chiropractic"),
        ("dr chen", "Dr. Chen Chiropractic"),
        ("ST MARYS", "St. Mary's Hospital"),
        ("Hospital", "St. Mary's Hospital"),
    ],
)
def test_providers_are_found_as_people_type_them(http: Server, typed: str, meant: str) -> None:
    ok(http, "new PI-1 Jane Roe 9/1")
    ok(http, "provider PI-1 add St. Mary's Hospital 9/2")
    ok(http, "provider PI-1 add Dr. Chen Chiropractic 9/2")
    ok(http, f"provider PI-1 received {typed} both 11/2")
    got = {p["name"]: p["records_on"] for p in case_of(http.slack.firm, "PI-1")["providers"]}
    assert got[meant] == "2026-11-02" and sum(v is not None for v in got.values()) == 1


def test_two_providers_matching_are_refused_listing_both(http: Server) -> None:
    ok(http, "new PI-1 Jane Roe 9/1")
    ok(http, "provider PI-1 add Chen Imaging 9/2")
    ok(http, "provider PI-1 add Dr. Chen Chiropractic 9/2")
    said = refused(http, "provider PI-1 received chen both")
    assert "“chen” matches more than one provider on PI-1: 1. Chen Imaging, 2. Dr. Chen Chiropractic" in said


def test_a_transposed_case_number_suggests_the_right_one_first(http: Server) -> None:
    for n in [2010, 2011, 2012, 2013, 2015, 2016, 2024, 2041]:
        ok(http, f"new PI-{n} Jane Roe 9/1")
    said = refused(http, "show PI-2014")
    assert "There is no case PI-2014 that you can see. Did you mean PI-2041, PI-2010, PI-2011?" in said
    said = refused(http, "show pi-2401")
    assert "Did you mean PI-2041" in said


# ---------------------------------------------------------------- item 2: every vocabulary


def test_two_words_that_are_one_and_near_misses_in_every_vocabulary(http: Server) -> None:
    ok(http, "new PI-1 Jane Roe 9/1")
    ok(http, "provider PI-1 add Valley Orthopedics 9/2")
    assert "follow-up" in ok(http, "provider PI-1 followed up 1 11/2").lower()
    assert "wage-loss" in ok(http, "holdup PI-1 wage loss 11/3 employer slow").lower().replace(" ", "-")
    said = refused(http, "provider PI-1 recieved 1 both")
    assert "did you mean `received`?" in said and "Example: `/case provider PI-1 received 1 both`" in said
    said = refused(http, "holdup PI-1 biling itemized bill")
    assert "did you mean `billing`?" in said and "Example: `/case holdup PI-1 billing itemized bill`" in said
