"""Cases as a whole: open one, show its card, assign its manager, list a manager's cases (closing one:
bot/services/closing.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import (
    Conflict,
    InputError,
    NotAllowed,
)
from bot.rules.limitation import deadline_warning
from bot.rules.parsing import CASE_NUMBER_RULE, is_case_number, printable, spoken_day
from bot.rules.playbook import LEAD_ROLES, STAGE_ORDER, Stage
from bot.rules.said import Command, Person, command, quoted, said, typed
from bot.services.access import may_reassign, role_of, sees, staff_row
from bot.services.cards import CaseCard, case_card
from bot.services.changes import (
    announce_change,
    announce_views,
    audit,
    card_of,
    change_case,
    event_day,
    find_case_for,
    home_marker,
    keep_change,
    replan,
)
from bot.services.client_cards import client_contact_of
from bot.services.firm import Firm, Outcome, Transaction
from bot.services.members import not_member
from bot.services.team import hand_team_over, people
from storage import caselists
from storage import queries as q
from storage.journal import Journal
from storage.models import (
    ACTIVE,
    Case,
    StageChange,
)


def create_case(
    firm: Firm,
    actor: str,
    number: str,
    client: str,
    *,
    manager: str | None = None,
    on: date | None = None,
    limitation_on: date | None = None,
) -> Outcome:
    number, client = printable(number).strip(), " ".join(printable(client).split())
    if not is_case_number(number):
        raise InputError(
            said(quoted(number[:40]), f" is not a case number: {CASE_NUMBER_RULE}."),
            example=command("new PI-2041 Jane Roe"),
            field="number",
        )
    if not client or len(client) > 200:
        raise InputError(
            "Give the client's name after the case number.",
            example=command("new PI-2041 Jane Roe"),
            field="client",
        )
    day = event_day(firm, on)
    manager = manager or actor
    with Transaction(firm) as s, Journal(s) as journal:
        role = role_of(s, firm, actor)
        if manager != actor and role not in LEAD_ROLES:
            raise NotAllowed(
                "Only a lead or an admin can open a case for someone else; leave out the @manager to take it yourself.",
                field="manager",
            )
        if (refusal := not_member(staff_row(s, manager), who=said(Person(manager), " is"))) is not None:
            raise refusal
        if (existing := q.get_case(s, number, children=False)) is not None:
            raise _taken(number, sees(s, firm, actor, existing, role))
        marker = home_marker(s, firm, actor)
        case = Case(
            number=number.upper(),
            number_key=q.case_key(number),
            client_name=client,
            manager_id=manager,
            stage=Stage.RECORDS.value,
            stage_entered_on=day,
            treatment_completed_on=day,
            limitation_on=limitation_on,
            created_at=firm.now(),
        )
        s.add(case)
        try:
            s.flush()
        except IntegrityError as exc:
            raise _taken(number, False) from exc
        case.stages.append(
            StageChange(
                seq=1,
                from_stage=None,
                to_stage=Stage.RECORDS.value,
                on=day,
                by=actor,
                reason="case created",
                at=firm.now(),
                via="create",
            )
        )
        audit(
            s,
            firm,
            case,
            actor,
            "create",
            client=client,
            manager=manager,
            on=day,
            limitation_on=limitation_on,
        )
        replan(s, firm, case, actor)
        card = card_of(s, firm, case)
        undo = keep_change(s, firm, case, actor, journal)
        mark = marker.mark(case.id)
    firm.homes.note(mark)
    views = frozenset({manager} - {actor})  # a case opened for someone else is on their Home now
    announce_change(firm, actor, card.number, shown=marker.shown)
    announce_views(firm, views)
    message = said(
        f"Opened {card.number} for ", typed(client), f", treatment complete {spoken_day(day, firm.today())}."
    )
    if limitation_on is not None:  # echoed, so a mistyped year is seen; passed or near, said loudly
        left = (limitation_on - firm.today()).days
        when = f"in {left} days" if left > 0 else "today" if left == 0 else f"{-left} days ago"
        message += f" Limitation date {limitation_on:%Y-%m-%d} (entered): {when}."
        warn = deadline_warning(
            "The limitation date", limitation_on, firm.today(), firm.numbers.deadline_warn_days
        )
        message += f"\n{warn}" if warn else ""
    return Outcome(message, card, undo=undo, views=views)


def _taken(number: str, visible: bool) -> Conflict:
    """A number already in use. Who may see that case is pointed to it; anyone else learns only that the
    number is taken (a new case needs its own), never whose it is or whom it is for."""
    if visible:
        return Conflict(
            said(f"{number.upper()} already exists: ", Command(f"show {number.upper()}")), field="number"
        )
    return Conflict(
        f"{number.upper()} is taken: a new case needs a number of its own. Choose another one.",
        example=command("new PI-2041 Jane Roe"),
        field="number",
    )


def show_case(firm: Firm, actor: str, number: str) -> CaseCard:
    """The case card, for someone who may see the case (see access.may_see)."""
    with Transaction(firm, write=False) as s:
        case = find_case_for(s, firm, actor, number, card_only=True)
        card = case_card(case, firm.today(), firm.calendar, firm.numbers)
        return replace(card, client_contact=client_contact_of(s, case.id))


def check_may_see(firm: Firm, actor: str, number: str) -> str:
    """Refuse unless the actor may see the case (before a form about it opens); answers its number."""
    with Transaction(firm, write=False) as s:
        return find_case_for(s, firm, actor, number).number


def assign(firm: Firm, actor: str, number: str, manager: str, *, keep_team: bool = False) -> Outcome:
    """Give the case to another manager, with its open obligations. Its team is cleared (the people who
    worked it with the previous manager no longer see it) unless `keep_team`; the reply says which."""

    def change(s: Session, case: Case) -> str:
        if (refusal := not_member(staff_row(s, manager), who=said(Person(manager), " is"))) is not None:
            raise refusal
        previous = case.manager_id
        if previous == manager:
            return said(f"{case.number} is already ", Person(manager), "'s.")
        case.manager_id = manager
        for o in case.obligations:
            if o.state in ACTIVE:
                o.manager_id = manager
        removed, kept = hand_team_over(case, manager, keep=keep_team)
        audit(
            s,
            firm,
            case,
            actor,
            "assign",
            from_manager=previous,
            to_manager=manager,
            team_removed=removed or None,
            team_kept=kept if keep_team and kept else None,
        )
        done = said(
            f"{case.number} is now ",
            Person(manager),
            "'s (was ",
            Person(previous),
            "'s); its open obligations went along.",
        )
        if removed:
            return said(
                done,
                " Its team no longer sees it: ",
                people(removed),
                ". To keep them, Undo and add keep-team: ",
                Command(f"assign {case.number}"),
                " ",
                Person(manager),
                " keep-team.",
            )
        if kept:
            return said(done, " Its team stays on it (keep-team): ", people(kept), ".")
        return done

    return change_case(firm, actor, number, change, check=may_reassign, moves_sight=True)


def my_cases(firm: Firm, actor: str) -> list[tuple[str, str, str, int]]:
    """The caller's open cases: (number, client, stage, days in stage), in stage order."""
    with Transaction(firm, write=False) as s:
        return cases_of(s, actor, firm.today())


def cases_of(s: Session, actor: str, today: date) -> list[tuple[str, str, str, int]]:
    """my_cases, inside a transaction the caller has."""
    rows = [
        (n, client, stage, (today - entered).days) for n, client, stage, entered in q.open_cases_of(s, actor)
    ]
    return sorted(rows, key=lambda r: (STAGE_ORDER[Stage(r[2])], -r[3], r[0]))


@dataclass(frozen=True)
class MyCases:
    """What `/case mine` and Home list: the caller's own open cases, those they work on a team (with each
    case's manager), and which of them the insurer has acknowledged the demand of."""

    own: list[tuple[str, str, str, int]]  # (number, client, stage, days in stage), in stage order
    team: list[tuple[str, str, str, int, str]]  # the same, and the case's manager
    acknowledged: dict[str, date]  # case number -> the day the latest demand was acknowledged


def my_case_lists(firm: Firm, actor: str) -> MyCases:
    today = firm.today()
    with Transaction(firm, write=False) as s:
        return case_lists_of(s, actor, today, cases_of(s, actor, today))


def case_lists_of(s: Session, actor: str, today: date, own: list[tuple[str, str, str, int]]) -> MyCases:
    """my_case_lists, inside a transaction the caller has, with the caller's own cases already read."""
    team = [
        (n, client, stage, (today - entered).days, manager)
        for n, client, stage, entered, manager in caselists.team_open_cases_of(s, actor)
    ]
    team.sort(key=lambda r: (STAGE_ORDER[Stage(r[2])], -r[3], r[0]))
    waiting = [r[0] for r in own if r[2] == Stage.DEMAND_SENT.value]
    waiting += [r[0] for r in team if r[2] == Stage.DEMAND_SENT.value]
    return MyCases(own, team, caselists.acknowledged_demands(s, waiting) if waiting else {})


def has_cases(firm: Firm) -> bool:
    with Transaction(firm, write=False) as s:
        return q.has_cases(s)
