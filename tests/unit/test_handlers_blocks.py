"""The pure pieces of the Slack interface: reading words, and the Block Kit builders at Slack's limits."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.errors import BadAmount, BadDate, InputError
from bot.rules.playbook import OPEN_STAGES, Numbers
from bot.services.cards import CaseCard, DemandLine, DueItem, OfferLine, ProviderLine
from bot.services.caseload import LeadOverview, LimitationLine, ManagerOverdue, OfferNotTold, StageLine
from handlers import parse
from handlers.blocks import (
    all_text,
    build_case_card,
    build_due,
    build_home,
    build_log_contact_modal,
    build_mine,
    build_new_case_modal,
    build_overdue,
)
from handlers.commands import build_help, cases, contacts, demand, offers
from handlers.commands.cases import Advance, NewCase
from handlers.commands.demand import DemandEvent
from handlers.commands.offers import OfferInformed
from handlers.render import render_blocks
from tests.kit.slack_bodies import assert_valid_blocks, assert_valid_view

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('received "Valley Ortho" both', ["received", "Valley Ortho", "both"]),
        ("received “Valley Ortho” both", ["received", "Valley Ortho", "both"]),
        ("received ‘Valley Ortho’ both", ["received", "Valley Ortho", "both"]),
        ("new PI-1 Ann O'Brien", ["new", "PI-1", "Ann", "O'Brien"]),
        ("new PI-1 Ann O’Brien", ["new", "PI-1", "Ann", "O'Brien"]),
        ("  show\u00a0PI-1  ", ["show", "PI-1"]),
        ('add "unclosed quote', ["add", '"unclosed', "quote"]),
    ],
)
def test_words_quotes_and_apostrophes(text: str, words: list[str]) -> None:
    assert parse.tokenize(text) == words


@pytest.mark.parametrize(
    ("word", "user"),
    [
        ("<@U123ABC>", "U123ABC"),
        ("<@U123ABC|dana>", "U123ABC"),
        ("<@W0ENT1|x y>", "W0ENT1"),
        ("@U77", "U77"),
        ("dana", None),
        ("<#C123|general>", None),
        ("<!here>", None),
        ("U123", None),
    ],
)
def test_mentions_as_slack_escapes_them(word: str, user: str | None) -> None:
    assert parse.mention(word) == user


def test_new_reads_manager_date_and_limitation_in_any_order() -> None:
    args = cases.parse_new(parse.words_of("PI-9 Sol Martinez sol 2028-01-02 <@U2|x> 2026-11-02", TODAY))
    assert args == NewCase(
        number="PI-9",
        client="Sol Martinez",
        manager="U2",
        on=date(2026, 11, 2),
        limitation_on=date(2028, 1, 2),
    )


def test_parse_errors_carry_the_usage_and_an_example() -> None:
    with pytest.raises(BadDate) as bad_date:
        contacts.parse_contacted(parse.Words(["PI-1", "client", "2026-02-30"], TODAY))
    assert bad_date.value.usage.startswith("/case contacted") and bad_date.value.example
    with pytest.raises(BadAmount) as bad_amount:
        offers.parse_received(parse.Words(["PI-1", "12,50"], TODAY))
    assert bad_amount.value.usage.startswith("/offer received")
    with pytest.raises(InputError) as extra:
        cases.parse_advance(parse.Words(["PI-1", "demand_queue", "2026-11-02", "now"], TODAY))
    assert "now" in extra.value.message


def test_advance_and_demand_words() -> None:
    assert cases.parse_advance(
        parse.words_of("PI-1 demand_queue 2026-11-02 because the last bill is late", TODAY)
    ) == Advance(number="PI-1", to="demand_queue", on=date(2026, 11, 2), because="the last bill is late")
    assert demand.parse_demand(
        parse.words_of("PI-1 resent adjuster Kim Wu 2026-11-20", TODAY)
    ) == DemandEvent(number="PI-1", event="resent", on=date(2026, 11, 20), adjuster="Kim Wu")
    assert offers.parse_informed(parse.Words(["PI-1", "2nd"], TODAY)) == OfferInformed(
        number="PI-1", n=2, on=None
    )


def _item(i: int, manager: str, late: int) -> DueItem:
    return DueItem(
        obligation_id=i,
        case=f"PI-{i}",
        client=f"Client Number {i}",
        manager=manager,
        kind="client",
        rule="R2",
        due_on=TODAY - timedelta(days=late),
        overdue_days=late,
        overdue_business_days=late,
        reason="Twice-monthly status update while records are collected " * 2,
        talking_points=(),
        state="open",
        snoozed_until=None,
    )


def _pages(items: list[DueItem], **kw: object) -> list[list[dict]]:
    first = build_overdue(items, TODAY, **kw)  # type: ignore[arg-type]
    pages = [first.blocks]
    while "overdue_page_next" in all_text(pages[-1]):
        pages.append(build_overdue(items, TODAY, page=len(pages) + 1, **kw).blocks)  # type: ignore[arg-type]
    return pages


def test_overdue_for_a_lead_is_paged_inside_50_blocks_most_overdue_first() -> None:
    items = [_item(i, f"U{i % 70:03d}", 1 + i % 40) for i in range(700)]
    reply = build_overdue(items, TODAY, everyone=True)
    assert reply.text == "700 overdue across 70 manager(s). Page 1 of 18."
    text = all_text(reply.blocks)
    worst: dict[str, int] = {}
    for i in items:
        worst[i.manager] = max(worst.get(i.manager, 0), i.overdue_business_days)
    oldest = min(worst, key=lambda m: (-worst[m], m))
    assert text[text.index("<@U") :].startswith(f"<@{oldest}>"), "most overdue first"

    pages = _pages(items, everyone=True)
    assert len(pages) == 18
    shown = []
    for blocks in pages:
        assert_valid_blocks(blocks)
        assert len(blocks) <= 45
        shown += [line for line in all_text(blocks).split("\n") if line.startswith("• *PI-")]
    assert len(shown) == len(set(shown)) == 700


def test_a_manager_split_across_pages_is_marked_continued() -> None:
    items = [_item(i, f"U{i % 12:03d}", 1 + i % 12) for i in range(84)]  # 7 each: page 1 ends mid-manager
    pages = _pages(items, everyone=True)
    assert len(pages) == 3
    assert "(continued)" not in all_text(pages[0])
    assert "(continued)" in all_text(pages[1])
    assert "Page 3 of 3 · 81–84 of 84" in all_text(pages[2])


def test_one_persons_overdue_list_carries_the_filter_and_keeps_long_lines_in_bounds() -> None:
    items = [
        _item(i, "U7", 1 + i % 9)._replace(reason="A very long reason " * 60, client="Client " * 30)
        for i in range(95)
    ]
    pages = _pages(items, everyone=False, user="U7")
    assert len(pages) == 3
    for blocks in pages:
        assert_valid_blocks(blocks)
        assert len(blocks) <= 50
    assert '{"page":2,"user":"U7"}' in all_text(pages[0])
    assert build_overdue([], TODAY, everyone=False, user="U7").text == "<@U7> has nothing overdue. :tada:"


def test_due_mine_and_home_at_scale_stay_within_limits() -> None:
    items = [_item(i, "U1", i % 5) for i in range(400)]
    due = build_due(items, TODAY, TODAY)
    assert_valid_blocks(due.blocks)
    cases = [
        (f"PI-{i}", f"Client {i}", ("records", "demand_queue", "negotiation")[i % 3], i) for i in range(500)
    ]
    mine = build_mine(cases)
    assert_valid_blocks(mine.blocks)
    overview = LeadOverview(
        day=TODAY,
        stages=tuple(StageLine(s.value, s.value, 50, 12.5, 80) for s in OPEN_STAGES),
        overdue=tuple(ManagerOverdue(f"U{i}", 3, TODAY - timedelta(9), 9) for i in range(300)),
        escalations_open=7,
        inside_limitation=tuple(
            LimitationLine(f"PI-{i}", "U1", TODAY + timedelta(30), 30) for i in range(300)
        ),
        offers_not_told=tuple(OfferNotTold(f"PI-{i}", "U1", 2, TODAY, False, 5) for i in range(300)),
    )
    numbers = Numbers()
    home = build_home(
        "U1",
        today=TODAY,
        due=items,
        cases=cases,
        overview=overview,
        role="lead",
        red_days=numbers.limitation_red_days,
        inform_days=numbers.offer_inform_business_days,
    )
    assert_valid_view(home)
    text = all_text(home["blocks"])
    for part in ("Overdue by manager* (900)", "Escalations open*: 7", "limitation date* (300)", "(300)"):
        assert part in text, part
    assert "…and" in text, "long lists say how many more"


def _card(providers: int = 2, offers: int = 1, closed: bool = False) -> CaseCard:
    return CaseCard(
        number="PI-1",
        client="Jane Roe",
        manager="U1",
        stage="records",
        stage_label="Collecting records",
        stage_entered_on=TODAY - timedelta(days=34),
        days_in_stage=34,
        closed=closed,
        next_stage="demand_queue",
        providers=tuple(
            ProviderLine(
                seq=i + 1,
                name=f"Provider {i + 1} Medical Group",
                requested_on=TODAY - timedelta(40),
                records_on=None,
                bills_on=TODAY if i % 2 else None,
                owed="records" if i % 2 else "records and bills",
                days_open=40,
                slow=True,
            )
            for i in range(providers)
        ),
        holdups=(),
        demand=DemandLine(None, None, None, (), None, None),
        offers=tuple(
            OfferLine(
                n=i + 1,
                nth=f"{i + 1}th",
                amount=Decimal("12500.00"),
                received_on=TODAY,
                final=False,
                informed_on=None,
                inform_late=True,
            )
            for i in range(offers)
        ),
        obligations=tuple(_item(i, "U1", 2) for i in range(80)),
        last_client_contact_on=None,
        limitation_on=TODAY + timedelta(days=60),
        limitation_days_left=60,
        limitation_red=True,
    )


def test_the_card_keeps_to_slack_limits_with_many_providers_and_obligations() -> None:
    reply = build_case_card(_card(providers=40, offers=9), TODAY)
    assert_valid_blocks(reply.blocks)
    text = all_text(reply.blocks)
    assert "slow" in text and "client not told yet" in text and ":red_circle:" in text
    received = [
        b
        for b in reply.blocks
        if (b.get("accessory") or {}).get("action_id", "").startswith("provider_received")
    ]
    assert (
        received[0]["accessory"]["value"] == "PI-1|1|both"
        and received[1]["accessory"]["value"] == "PI-1|2|records"
    )
    assert reply.text.startswith("PI-1 · Jane Roe")


def test_a_closed_card_has_no_buttons() -> None:
    reply = build_case_card(_card(closed=True), TODAY)
    assert not [b for b in reply.blocks if b["type"] == "actions" and b.get("block_id") == "case"]
    assert "closed" in all_text(reply.blocks)


def test_forms_help_and_the_text_renderer() -> None:
    assert_valid_view(build_new_case_modal("U1", TODAY, channel="C1"))
    assert_valid_view(build_log_contact_modal("PI-1", TODAY, channel="C1"))
    for command in ("/case", "/offer"):
        assert_valid_blocks(build_help(command).blocks)
    shown = render_blocks(build_case_card(_card(), TODAY).blocks)
    assert "PI-1 · Jane Roe" in shown and "[Log contact]" in shown and "@U1" in shown
    assert "*" not in shown and "<@" not in shown


def test_talking_points_read_the_same_however_often_they_are_set_out() -> None:
    """A talking point's line is kept once set out (the playbook's words recur on every list): the second
    list reads as the first, a provider's name typed with mrkdwn in it stays literal, and what is kept stays
    bounded however many providers the firm's cases name."""
    from handlers.blocks import lists

    points = ("Ask how they are doing.", "Still outstanding: *Valley* <Ortho> (bills, requested Aug 5).")
    item = _item(1, "U1", 0)._replace(talking_points=points)
    first, again = (all_text(build_due([item], TODAY, TODAY).blocks) for _ in range(2))
    assert first == again
    assert "◦ Ask how they are doing." in first
    assert "&lt;Ortho&gt;" in first and "*Valley*" not in first, "typed text is escaped, kept or not"
    for n in range(lists._POINT_LINES_KEPT + 10):
        lists.points(item._replace(talking_points=(f"Still outstanding: Provider {n}",)))
    assert lists._point_line.cache_info().currsize <= lists._POINT_LINES_KEPT
    assert all_text(build_due([item], TODAY, TODAY).blocks) == first
