"""Moving a case along the stage table, with the playbook's preconditions and a lead's override."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.errors import (
    Conflict,
    InputError,
    NotAllowed,
    PreconditionNotMet,
)
from bot.rules.parsing import printable, spoken_day
from bot.rules.planner import (
    owed,
)
from bot.rules.playbook import CLOSED_STAGES, LEAD_ROLES, STAGE_ORDER, STAGES, GuardFacts, Stage
from bot.rules.said import Command, Person, Said, command, quoted, said
from bot.services.access import may_change
from bot.services.changes import (
    announce_change,
    card_of,
    due_words,
    enter_stage,
    event_day,
    find_case,
    home_marker,
    keep_change,
    replan,
    require_open,
)
from bot.services.firm import Firm, Outcome, Transaction
from storage import queries as q
from storage.journal import Journal
from storage.models import (
    Case,
    StageChange,
)


def advance(
    firm: Firm,
    actor: str,
    number: str,
    *,
    to: str | None = None,
    on: date | None = None,
    because: str | None = None,
    expected: str | None = None,
) -> Outcome:
    """Move the case to its next stage, or to the named one.

    `expected` is the stage the person saw (a button carries it); if the case has moved since, nothing
    happens and they are told. A plain advance (no stage, no day) by the same person right after their own
    plain advance is refused the same way, so that a double submit never moves a case two stages; a move
    by any other command, or an advance naming its stage or day, is never taken for one."""
    target = _stage_word(to, number) if to else None
    because = printable(because or "").strip()[:2000] or None
    plain = target is None and on is None

    with Transaction(firm) as s, Journal(s) as journal:
        case = find_case(s, number, firm=firm, actor=actor, for_update=True)
        role = may_change(s, firm, actor, case)
        marker = home_marker(s, firm, actor)
        require_open(case)
        current = Stage(case.stage)
        last = q.last_stage_change(s, case.id)
        if expected is not None and expected != current.value:
            raise Conflict(_moved_message(case, last))
        if plain and expected is None and _double_submit(firm, last, actor):
            raise Conflict(
                said(
                    _moved_message(case, last),
                    " To move it again, name the stage: ",
                    Command(f"advance {case.number} {STAGES[current].next or ''}".rstrip()),
                )
            )
        info = STAGES[current]
        dest = target or info.next
        if dest is None or dest in CLOSED_STAGES:  # noqa: SIM114 - two reasons, one answer
            raise PreconditionNotMet(
                said(
                    f"{case.number} is at its last open stage; close it with ",
                    Command(f"close {case.number} {'|'.join(s.value for s in CLOSED_STAGES)}"),
                    ".",
                )
            )
        if dest == current:
            raise Conflict(f"{case.number} is already at “{info.label}”.")
        forward_one = dest == info.next
        if STAGE_ORDER[dest] < STAGE_ORDER[current]:
            if role not in LEAD_ROLES or not because:
                raise NotAllowed(
                    said(
                        "A stage never moves backwards, except by a lead or an admin with a reason: ",
                        Command(f"advance {case.number} {dest.value} because <reason>"),
                        ".",
                    )
                )
        else:
            problem = _precondition(case, current, dest, forward_one)
            if problem:
                if not because:
                    raise PreconditionNotMet(
                        said(
                            problem,
                            " A lead or an admin can override: ",
                            Command(f"advance {case.number} {dest.value} because <reason>"),
                            ".",
                        )
                    )
                if role not in LEAD_ROLES:
                    raise NotAllowed(said(problem, " Only a lead or an admin can override it with a reason."))
        day = event_day(firm, on, not_before=case.stage_entered_on, what=f"Leaving “{info.label}”")
        enter_stage(s, firm, case, dest, day, actor, because, via=ADVANCE if plain else ADVANCE_TO)
        case.advanced_at = firm.now()
        replan(s, firm, case, actor)
        card = card_of(s, firm, case)
        asks = _what_it_asks(firm, case.number, dest, day)
        undo = keep_change(s, firm, case, actor, journal)
        mark = marker.mark(case.id)
    firm.homes.note(mark)
    announce_change(firm, actor, card.number, shown=marker.shown)
    return Outcome(
        said(f"{card.number} moved to “{STAGES[dest].label}” as of {spoken_day(day, firm.today())}.", asks),
        card,
        moved_to=dest.value,
        undo=undo,
    )


ADVANCE, ADVANCE_TO = "advance", "advance-to"  # StageChange.via of a plain advance, and of one naming more


def _double_submit(firm: Firm, last: StageChange | None, actor: str) -> bool:
    """The last move was this person's own plain advance, moments ago."""
    if last is None or last.via != ADVANCE or last.by != actor:
        return False
    return firm.now() - _aware(last.at) < timedelta(seconds=firm.numbers.advance_guard_seconds)


def _what_it_asks(firm: Firm, number: str, dest: Stage, day: date) -> Said:
    """What entering the stage asks of the manager, dated from the day of the move (R4, R12)."""
    if dest is Stage.DEMAND_QUEUE:
        return said(
            f" Tell the client the case goes to the legal team (R4, {due_words(firm, firm.calendar.due(day))})."
        )
    if dest is Stage.SETTLEMENT:
        return said(
            f" Go over the accounting with the client (R12, {due_words(firm, firm.calendar.due(day))}); "
            "log that conversation with ",
            Command(f"contacted {number} client accounting"),
            ".",
        )
    return said()


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _moved_message(case: Case, last: StageChange | None) -> Said:
    who = said(" by ", Person(last.by)) if last else said()
    return said(
        f"{case.number} already moved to “{STAGES[Stage(case.stage)].label}”", who, "; nothing changed."
    )


def _stage_word(word: str, number: str) -> Stage:
    key = word.strip().lower().replace("-", "_")
    for stage in Stage:
        if key in (stage.value, stage.value.replace("_", "")):
            return stage
    names = ", ".join(s.value for s in Stage if s not in CLOSED_STAGES)
    raise InputError(
        said(quoted(word[:30]), f" is not a stage. Stages: {names}."),
        example=command(f"advance {number} demand_queue"),
        field="to",
    )


def _precondition(case: Case, current: Stage, dest: Stage, forward_one: bool) -> Said | None:
    """Why the playbook says not yet, or None."""
    if not forward_one:
        return said(
            f"{case.number} is at “{STAGES[current].label}”; going straight to “{STAGES[dest].label}” skips steps."
        )
    guard = STAGES[current].requires
    if guard is not None:
        facts = GuardFacts(
            case.number, tuple((p.name, owed(p.records_on, p.bills_on)) for p in case.providers)
        )
        problem = guard(facts)
        if problem is not None:
            return problem
    if via := STAGES[current].via:
        return said("Record it instead with ", Command(via.format(case=case.number)), ".")
    return None
