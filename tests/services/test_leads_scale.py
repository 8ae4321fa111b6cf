"""Issue 15, the leads' views at a large firm's size: the overdue list read a page at a time in SQL shows exactly
the pages the whole list read at once showed; the stage counts kept beside the cases always equal a count of
the cases themselves; the Home tab built from the first rows of each list shows what it showed from all."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot import services as sv
from bot.rules.playbook import LEAD_ROLES, OPEN_STAGES
from bot.services.caseload import (
    LeadOverview,
    LimitationLine,
    ManagerOverdue,
    OfferNotTold,
    StageLine,
    lead_overview,
    offers_late_before,
)
from bot.services.firm import Firm
from bot.services.people import role
from handlers.blocks import OVERDUE_PAGE_ITEMS, build_home, build_overdue, build_overdue_page, overdue_page_of
from handlers.home import HOME_LIST_ROWS
from storage import queries as q
from storage import stage_counts
from storage.models import Case, Obligation
from tests.kit.clock import Clock

LEAD = "ULEAD"
TODAY = date(2026, 11, 26)


@pytest.fixture
def lead(firm: Firm) -> str:
    sv.set_role(firm, "UADMIN", LEAD, "lead")
    return LEAD


def _firm_with_ties(firm: Firm) -> None:
    """Five managers. UA and UB have 110 and 90 overdue (several pages each); many cases opened on the same
    day (ties in age), two overdue rules a case (ties within a case), numbers whose letter case sorts them
    differently by code point than by a locale; UC and UD a few each, UE one; some items snoozed (still
    overdue: the snooze moves the reminder, not the due date)."""
    spec = {"UA": 55, "UB": 45, "UC": 3, "UD": 4, "UE": 1}
    n = 0
    for manager, cases in spec.items():
        for j in range(cases):
            n += 1
            # Five opening days only: ties in age everywhere; "Pi-7" sorts after "PI-70" by code point.
            number = f"Pi-{n}" if n % 3 == 0 else f"PI-{n}"
            on = date(2026, 9, 1) + timedelta(days=7 * (j % 5))
            sv.create_case(firm, "UADMIN", number, f"Client {n}", manager=manager, on=on)
    with firm.db.uow(write=False) as s:
        ids = list(
            s.scalars(
                select(Obligation.id)
                .where(Obligation.state == "open", Obligation.due_on < TODAY)
                .order_by(Obligation.id)
            )
        )
    for ob_id in ids[::17]:
        with firm.db.uow(write=False) as s:
            case_id = s.get(Obligation, ob_id).case_id
            manager = s.get(Case, case_id).manager_id
        sv.snooze(firm, manager, ob_id, TODAY + timedelta(days=5))


def _same_pages(firm: Firm, actor: str, user: str | None) -> int:
    """Every page (and one past the end) both ways; answers how many pages there were."""
    whole = sv.overdue(firm, actor, user)  # the whole list, as it was read before
    everyone = user is None and role(firm, actor) in LEAD_ROLES
    pages = max(1, -(-len(whole) // OVERDUE_PAGE_ITEMS))
    for page in range(1, pages + 2):
        old = overdue_page_of(whole, everyone=everyone, page=page)
        new = sv.overdue_page(firm, actor, user, page, per_page=OVERDUE_PAGE_ITEMS)
        assert new == old, (actor, user, page)
        old_reply = build_overdue(whole, TODAY, everyone=everyone, page=page, user=user)
        new_reply = build_overdue_page(new, user=user)
        assert (new_reply.text, new_reply.blocks) == (old_reply.text, old_reply.blocks)
    return pages


def test_the_paged_overdue_list_read_in_sql_gives_the_pages_the_whole_list_gave(
    firm: Firm, lead: str
) -> None:
    _firm_with_ties(firm)
    whole = sv.overdue(firm, lead)
    assert len(whole) == 216 and len({(i.due_on, i.manager) for i in whole}) < 30, "ties in age"
    assert any(i.state == "snoozed" for i in whole)

    assert _same_pages(firm, lead, None) == 6  # everyone's, by manager: pages that split managers
    assert _same_pages(firm, lead, "UA") == 3  # one manager's, several pages
    assert _same_pages(firm, lead, "UE") == 1
    assert _same_pages(firm, "UB", None) == 3  # a manager's own
    assert _same_pages(firm, lead, "UNOBODY") == 1  # nothing overdue


def test_a_page_as_it_stands_when_the_list_changes_between_clicks(
    firm: Firm, clock: Clock, lead: str
) -> None:
    _firm_with_ties(firm)
    _same_pages(firm, lead, None)
    sv.log_contact(firm, "UA", "PI-1", kind="client")  # an R-item done: every later page shifts by one
    clock.advance(days=4)  # and the day moves on (Monday): ages grow, snoozes near their day
    _same_pages(firm, lead, None)


def _recounted(firm: Firm) -> dict[str, tuple[int, int]]:
    with firm.db.engine.connect() as conn:
        kept = stage_counts.counted(conn)
    with firm.db.engine.begin() as conn:
        stage_counts.recount(conn)
        counted = stage_counts.counted(conn)
    assert kept == counted
    return counted


def test_stage_counts_follow_every_change_of_stage(firm: Firm, clock: Clock, lead: str) -> None:
    sv.create_case(firm, "U1", "PI-1", "A", on=date(2026, 10, 27))
    sv.create_case(firm, "U1", "PI-2", "B", on=date(2026, 11, 16))
    sv.create_case(firm, "U2", "PI-3", "C", on=date(2026, 9, 1))
    assert _recounted(firm) == {"records": (3, sum(stage_counts.day_number(d) for d in _entered(firm)))}
    sv.add_provider(firm, "U2", "PI-3", "Valley Ortho", on=date(2026, 9, 2))
    sv.provider_received(firm, "U2", "PI-3", "1", "both", on=date(2026, 9, 20))
    sv.advance(firm, "U2", "PI-3", on=date(2026, 10, 5))  # records → waiting for a legal assistant
    _recounted(firm)
    sv.close_case(firm, "U1", "PI-2", "dropped")
    assert _recounted(firm)["records"][0] == 1
    sv.assign(firm, lead, "PI-1", "U2")  # not a change of stage: nothing moves
    _recounted(firm)

    # The overview's stage lines from the kept counts equal those counted from the cases themselves.
    view = lead_overview(firm, lead)
    with firm.db.uow(write=False) as s:
        cases = [c for c in q.open_cases(s)]
    expected = []
    for stage in {c.stage for c in cases}:
        days = [(TODAY - c.stage_entered_on).days for c in cases if c.stage == stage]
        expected.append((stage, len(days), round(sum(days) / len(days), 1), max(days)))
    assert sorted((st.stage, st.cases, st.average_days, st.longest_days) for st in view.stages) == sorted(
        expected
    )


def test_a_failed_change_counts_nothing(firm: Firm) -> None:
    sv.create_case(firm, "U1", "PI-1", "A", on=date(2026, 10, 27))
    with pytest.raises(RuntimeError), firm.db.uow() as s:
        case = q.get_case(s, "PI-1")
        case.stage, case.stage_entered_on = "negotiation", TODAY
        s.flush()
        raise RuntimeError("rolled back")
    assert _recounted(firm) == {"records": (1, stage_counts.day_number(date(2026, 10, 27)))}


def _entered(firm: Firm) -> list[date]:
    with firm.db.uow(write=False) as s:
        return [c.stage_entered_on for c in q.open_cases(s)]


# ---------------------------------------------------------------- the lead's Home from the first rows


def _overview(n: int, rows: int | None) -> LeadOverview:
    """n managers, limitation lines and untold offers, with the shortest lines they can have; with `rows`,
    only the first `rows` of each list and the counts of all, as lead_overview(rows=…) gives them."""
    overdue = tuple(ManagerOverdue(f"U{i}", 1, TODAY - timedelta(1), 1) for i in range(n))
    red = tuple(LimitationLine(f"P{i}", f"U{i}", TODAY + timedelta(1), 1) for i in range(n))
    offers = tuple(OfferNotTold(f"P{i}", f"U{i}", 2, TODAY, False, 3) for i in range(n))
    return LeadOverview(
        day=TODAY,
        stages=tuple(StageLine(s.value, s.value, 5, 1.5, 8) for s in OPEN_STAGES),
        overdue=overdue[:rows],
        escalations_open=1,
        inside_limitation=red[:rows],
        offers_not_told=offers[:rows],
        overdue_managers=None if rows is None else n,
        overdue_items=None if rows is None else n,
        inside_limitation_count=None if rows is None else n,
        offers_not_told_count=None if rows is None else n,
    )


@pytest.mark.parametrize("n", [0, 3, HOME_LIST_ROWS - 1, HOME_LIST_ROWS, HOME_LIST_ROWS + 1, 1000])
def test_the_home_from_the_first_rows_of_each_list_is_the_home_from_all(n: int) -> None:
    def home(rows: int | None) -> dict:
        return build_home(
            "U1",
            today=TODAY,
            due=[],
            cases=[],
            overview=_overview(n, rows),
            red_days=90,
            inform_days=2,
            role="lead",
        )

    assert home(HOME_LIST_ROWS) == home(None)


def test_an_offer_is_late_after_more_than_n_business_days_exactly_from_the_cutoff(firm: Firm) -> None:
    n = firm.numbers.offer_inform_business_days
    cal = firm.calendar
    today = date(2026, 11, 1)
    while today < date(2027, 1, 20):  # Thanksgiving, Christmas, New Year, weekends
        cutoff = offers_late_before(firm, today)
        for back in range(0, 25):
            received = today - timedelta(days=back)
            assert (received < cutoff) == (cal.business_days_between(received, today) > n), (today, received)
        today += timedelta(days=1)


def test_the_overview_from_its_first_rows_shows_what_it_showed_from_all(firm: Firm, lead: str) -> None:
    _firm_with_ties(firm)
    whole, first = lead_overview(firm, lead), lead_overview(firm, lead, rows=2)
    assert len(first.overdue) == 2 and first.overdue_total == whole.overdue_total == 216
    assert first.overdue == whole.overdue[:2] and first.overdue_managers == len(whole.overdue) == 5
    assert first.stages == whole.stages
