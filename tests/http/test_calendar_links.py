"""Calendar links through the real HTTP server: at most five per person (a sixth revokes the oldest and says
so), `/case calendar list` numbering them oldest first, `/case calendar revoke <n>` revoking one, and every
feed fetched from the same server as a subscribed calendar would."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import replace

import pytest

from bot.services.exports import export_data
from bot.services.firm import Firm
from tests.kit.calendar import BASE, LINK
from tests.kit.clock import Clock
from tests.kit.served import ServedSlack


@pytest.fixture
def firm(firm: Firm) -> Firm:
    firm.settings = replace(firm.settings, public_base_url=BASE)
    return firm


@pytest.fixture
def served(served: ServedSlack) -> ServedSlack:
    served.case("U1", "new PI-1 Jane Roe 2026-11-02 sol 2028-03-02")
    return served


def feed_status(served: ServedSlack, link: str) -> int:
    """What a calendar subscribed to `link` gets from casebot's server: 200 with the feed, or 404."""
    try:
        with urllib.request.urlopen(served.base + link.removeprefix(BASE), timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/calendar")
            assert b"BEGIN:VCALENDAR" in response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def new_link(served: ServedSlack, user: str = "U1") -> tuple[str, str]:
    """`/case calendar` over HTTP: the link it gave, and everything the reply said."""
    answer = served.case(user, "calendar")
    assert answer.status == 200 and answer.body.get("response_type") == "ephemeral"
    [link] = set(LINK.findall(answer.all_text))
    return link, answer.all_text


def listed(served: ServedSlack, user: str = "U1") -> list[str]:
    """The numbered lines of `/case calendar list`."""
    answer = served.case(user, "calendar list")
    assert answer.status == 200 and answer.body.get("response_type") == "ephemeral"
    return re.findall(r"^(\d+\. made .+)$", answer.all_text, re.MULTILINE)


def test_a_sixth_link_revokes_the_oldest_and_says_so(served: ServedSlack, clock: Clock) -> None:
    links = []
    for _ in range(5):
        link, said = new_link(served)
        assert "revoked" not in said.lower().split("revokes")[0], "no link replaced while under five"
        links.append(link)
        clock.advance(hours=1)
    assert all(feed_status(served, link) == 200 for link in links)
    assert listed(served) == [f"{n}. made Thu Nov 26 2026 {9 + n}:00" for n in range(1, 6)]

    sixth, said = new_link(served)
    assert "You already had 5 calendar links" in said
    assert "your oldest, made Thu Nov 26 2026 10:00, is revoked" in said
    assert feed_status(served, links[0]) == 404, "the first link opens nothing now"
    assert [feed_status(served, link) for link in [*links[1:], sixth]] == [200] * 5
    assert listed(served) == [f"{n}. made Thu Nov 26 2026 {10 + n}:00" for n in range(1, 6)]
    assert listed(served, "U2") == [], "another person's links are their own"
    assert "You have no calendar link" in served.case("U2", "calendar list").all_text


def test_revoke_one_by_its_number_and_the_others_keep_working(served: ServedSlack, clock: Clock) -> None:
    links = []
    for _ in range(3):
        links.append(new_link(served)[0])
        clock.advance(minutes=30)
    answer = served.case("U1", "calendar revoke 2")
    assert answer.status == 200
    assert "Revoked your calendar link 2, made Thu Nov 26 2026 10:30" in answer.all_text
    assert [feed_status(served, link) for link in links] == [200, 404, 200]
    assert listed(served) == ["1. made Thu Nov 26 2026 10:00", "2. made Thu Nov 26 2026 11:00"]
    assert "Revoked your calendar link 1" in served.case("U1", "calendar REVOKE 1").all_text
    assert [feed_status(served, link) for link in links] == [404, 404, 200]
    assert "Revoked your 1 calendar link" in served.case("U1", "calendar revoke all").all_text
    assert feed_status(served, links[2]) == 404 and listed(served) == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("calendar revoke", "Which link?"),
        ("calendar revoke 4", "You have 2 calendar links, numbered 1 to 2"),
        ("calendar revoke 0", "is not a link's number"),
        ("calendar revoke two", "“two” is not a link's number"),
        ("calendar revoke ²", "“²” is not a link's number"),
        ("calendar revoke 99999999999999999999", "is not a link's number"),
        ("calendar revoke 1 2", "I don't know what to do with “2”"),
        ("calendar revoek 1", "did you mean `revoke`?"),
        ("calendar lsit", "did you mean `list`?"),
        ("calendar list please", "I don't know what to do with “please”"),
    ],
)
def test_a_mistyped_calendar_command_explains_and_changes_nothing(
    served: ServedSlack, text: str, says: str
) -> None:
    links = [new_link(served)[0], new_link(served)[0]]
    before = (served.audit_count(), export_data(served.firm), listed(served))
    answer = served.case("U1", text)
    assert answer.status == 200 and answer.body.get("response_type") == "ephemeral"
    assert ":warning:" in answer.all_text and says in answer.all_text, answer.all_text
    assert "`/case calendar" in answer.all_text, "how it is written, with an example to copy"
    assert (served.audit_count(), export_data(served.firm), listed(served)) == before
    assert [feed_status(served, link) for link in links] == [200, 200]


def test_a_guest_has_no_links_to_list_or_revoke_and_cannot_touch_anothers(served: ServedSlack) -> None:
    link = new_link(served)[0]
    served.case("UGUEST", "help")  # casebot remembers who each person is on their first request
    served.case("U2", "calendar list")
    before = (served.audit_count(), export_data(served.firm))
    for text in ("calendar", "calendar list", "calendar revoke 1", "calendar reset"):
        answer = served.case("UGUEST", text)
        assert answer.status == 200 and ":warning:" in answer.all_text, (text, answer.all_text)
        assert not LINK.search(answer.all_text)
    assert "You have no calendar link to revoke" in served.case("U2", "calendar revoke 1").all_text
    assert (served.audit_count(), export_data(served.firm)) == before
    assert feed_status(served, link) == 200, "U1's link still opens U1's calendar"
