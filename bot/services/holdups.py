"""Hold-ups: what keeps the demand from going out (R5 names them)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.errors import (
    Conflict,
    InputError,
    PreconditionNotMet,
)
from bot.rules.parsing import printable, spoken_day
from bot.rules.planner import HoldUpFacts
from bot.rules.playbook import HOLDUP_STAGES, STAGES, HoldUp, Stage
from bot.rules.said import Command, Said, command, quoted, said, typed
from bot.services.changes import audit, change_case, event_day, require_open
from bot.services.firm import Firm, Outcome
from storage.models import (
    Case,
    HoldUpRow,
)


def set_holdup(
    firm: Firm, actor: str, number: str, kind: str, note: str | None = None, *, on: date | None = None
) -> Outcome:
    """A hold-up since `on` (default today). The same kind already open keeps its day (a correction is
    `/case fix … holdup <kind> since <day>`); its note is added to."""
    hold = _holdup_word(kind, number)
    note = printable(note or "").strip()[:2000] or None
    if hold is HoldUp.OTHER and not note:
        raise InputError("Say what holds it up.", example=command(f"holdup {number} other police report"))

    def change(s: Session, case: Case) -> str:
        require_open(case)
        if Stage(case.stage) not in HOLDUP_STAGES:
            raise PreconditionNotMet(
                f"{case.number}'s demand has gone out (it is at “{STAGES[Stage(case.stage)].label}”): a hold-up "
                "is what keeps the demand from going out, so there is none to record now."
            )
        day = event_day(firm, on)
        existing = next((h for h in case.holdups if h.kind == hold.value and h.cleared_on is None), None)
        if existing and hold is not HoldUp.OTHER:
            if on is not None and on != existing.opened_on:
                raise Conflict(
                    said(
                        f"{case.number} is already held up by {hold.value} since {existing.opened_on:%a %b %-d}; "
                        "to correct that day: ",
                        Command(f"fix {case.number} holdup {hold.value} since {on:%-m/%-d}"),
                    )
                )
            existing.note = note or existing.note
            row = existing
        else:
            row = HoldUpRow(kind=hold.value, note=note, opened_on=day, by=actor)
            case.holdups.append(row)
        audit(s, firm, case, actor, "holdup", kind=hold.value, note=note, on=row.opened_on)
        return said(
            f"Hold-up on {case.number}: {hold.value}",
            said(" (", typed(row.note), ")") if row.note else "",
            f", since {spoken_day(row.opened_on, firm.today())}.",
        )

    return change_case(firm, actor, number, change)


def clear_holdup(firm: Firm, actor: str, number: str, kind: str = "all") -> Outcome:
    hold = None if kind.strip().lower() == "all" else _holdup_word(kind, number)

    def change(s: Session, case: Case) -> str:
        today = firm.today()
        cleared = [h for h in case.holdups if h.cleared_on is None and (hold is None or h.kind == hold.value)]
        if not cleared:
            raise PreconditionNotMet(
                f"{case.number} has no open {hold.value if hold else ''} hold-up.".replace("  ", " ")
            )
        for h in cleared:
            h.cleared_on = max(today, h.opened_on)
        audit(s, firm, case, actor, "holdup_clear", kind=hold.value if hold else "all", on=today)
        return said(
            f"Cleared {len(cleared)} hold-up{'s' if len(cleared) > 1 else ''} on {case.number} as of "
            f"{today:%b %-d}: ",
            *[said("; " if i else "", _label(h)) for i, h in enumerate(cleared)],
            ".",
        )

    return change_case(firm, actor, number, change)


def holdup_kind(word: str, example: Said | str) -> HoldUp:
    """The hold-up a word names, or a refusal listing the playbook's kinds with `example`."""
    try:
        return HoldUp(word.strip().lower())
    except ValueError:
        kinds = [h.value for h in HoldUp]
        raise InputError(
            said(quoted(word[:30]), f" is not a hold-up: {', '.join(kinds[:-1])} or {kinds[-1]}."),
            example=example,
        ) from None


def _holdup_word(word: str, number: str) -> HoldUp:
    return holdup_kind(word, command(f"holdup {number} chart-notes"))


def _label(h: HoldUpRow) -> Said:
    """ "missing chart notes (since Nov 3)"."""
    return HoldUpFacts(HoldUp(h.kind), h.note, h.opened_on).label
