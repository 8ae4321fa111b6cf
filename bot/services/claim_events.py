"""The claim's own events against a public entity: presented, rejected in writing, rejected by operation of
law. Recorded with `/case claim`, corrected (or voided) with `/case fix … claim`, and taken back with
`/case undo`; each works out again the last day to sue that a written rejection sets.

The last day to sue is always the EARLIEST that applies: the date the case would hold with no written
rejection on record, and the period that runs from the notice (Cal. Gov. Code § 945.6(a)(1)). The first is
the date held when the rejection did not set it; when it did, the date it replaced, as the audit recorded it
(so a lawyer's own date is never lost to a later correction), else the table's date for the loss."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import Conflict, InputError, PreconditionNotMet
from bot.rules.limitation import LAWYER_CONFIRMS, describe
from bot.rules.parsing import spoken_day
from bot.rules.public_entity import PublicRefused, after_rejection_date, public_reading, public_suit
from bot.rules.public_entity_table import (
    CLAIM_EVENT_WORDS,
    CLAIM_EVENTS,
    DEEMED_REJECTED,
    PRESENTED,
    REJECTED,
)
from bot.rules.said import Command, Said, command, quoted, said
from bot.services.changes import audit, change_case, event_day
from bot.services.corrections import fix_fact, was_day
from bot.services.firm import Firm, Outcome
from bot.services.limitation import alerts_line, claim_line, from_today, passed_warning, reading_facts
from storage import queries as q
from storage.models import Case

_NOUN = {
    PRESENTED: "presentation",
    REJECTED: "written rejection",
    DEEMED_REJECTED: "rejection by operation of law",
}
_UNKNOWN = "unknown"  # an audit's base_on when the date a rejection replaced could not be told


# ---------------------------------------------------------------- the last day to sue, from the claim's events


def _after_rejection(case: Case, event: str | None, on: date | None) -> date | None:
    """The last day to sue that a written rejection on `on` starts in the case's state; None where none."""
    row = public_suit(case.loss_state) if case.loss_state else None
    if event != REJECTED or on is None or row is None or row.after_rejection is None:
        return None
    return after_rejection_date(on, row.after_rejection)[0]


def _table_day(case: Case, *, with_rejection: bool = False) -> date | None:
    """The last day to sue the table gives for the case's loss (with the rejection on record, or as if there
    were none); None where it gives none."""
    if case.loss_on is None or not case.loss_state:
        return None
    try:
        return public_reading(
            case.loss_on,
            case.loss_state,
            bool(case.loss_motor),
            rejected_on=case.claim_rejected_on if with_rejection else None,
            rejection=case.claim_rejection if with_rejection else None,
        ).on
    except (PublicRefused, ValueError):
        return None


def _replaced(s: Session, case: Case, held: date) -> date | None:
    """The date a written rejection replaced, from the newest change that set the limitation date (an
    undone one does not count): None when it can't be told."""
    entries = q.audit_of(s, case.id)
    undone = {e.detail.get("undid") for e in entries if e.action == "undo" and e.detail}
    for entry in reversed(entries):
        d: dict[str, Any] = entry.detail or {}
        if entry.id in undone or entry.action == "undo":
            continue
        if entry.action in ("claim", "fix") and "limitation_on" in d:
            if d["limitation_on"] != held.isoformat():
                return None
            base = d.get("base_on", d.get("from_on"))
            return date.fromisoformat(base) if base and base != _UNKNOWN else None
        if entry.action == "limitation" and "on" in d:
            if d["on"] != held.isoformat():
                return None
            # `sol` computed it with the rejection: the table's date without it; a date entered: that date
            return _table_day(case) if _table_day(case, with_rejection=True) == held else held
        if entry.action == "create" and "limitation_on" in d:
            return held if d["limitation_on"] == held.isoformat() else None
    return None


def without_rejection(s: Session, case: Case) -> date | None:
    """The last day to sue the case would hold with no written rejection on record."""
    held = case.limitation_on
    set_by = _after_rejection(case, case.claim_rejection, case.claim_rejected_on)
    if held is None or set_by is None or held != set_by:
        return held  # the rejection did not set it: an earlier deadline, or a date entered since
    return _replaced(s, case, held) or _table_day(case)


def suit_day_after(
    s: Session, case: Case, event: str | None, on: date | None
) -> tuple[date | None, date | None]:
    """(the last day to sue, the date without a rejection) once the claim's rejection is `event` on `on`
    (None: no rejection): the earlier of the two where a written notice starts a period."""
    base = without_rejection(s, case)
    after = _after_rejection(case, event, on)
    if after is None:
        return base, base
    return (min(after, base) if base else after), base


def _base_detail(base: date | None) -> str:
    """What an audit keeps, beside a limitation date the claim's events moved, of the date the case would
    hold with no written rejection: a later correction starts from it."""
    return base.isoformat() if base else _UNKNOWN


# ---------------------------------------------------------------- what the reply says


def _suit_line(firm: Firm, case: Case, event: str | None, on: date | None, before: date | None) -> Said:
    """The last day to sue after the claim's events changed: old → new, and why."""
    row = public_suit(case.loss_state or "") if case.loss_state else None
    if row is None:
        return said(
            "casebot holds no rule for a suit period running from a rejection in "
            f"{case.loss_state or 'this case’s state'}: if one applies, enter the last day to sue with `",
            Command(f"sol {case.number} <YYYY-MM-DD>"),
            "`.",
        )
    kept = case.limitation_on
    if kept is None:
        return said("No last day to sue is set yet.")
    today = firm.today()
    was = f"; it was {before:%Y-%m-%d}" if before is not None and before != kept else ""
    moved = f"is now {kept:%Y-%m-%d}" if kept != before else f"stays {kept:%Y-%m-%d}"
    if event == REJECTED and on is not None and row.after_rejection is not None:
        after, reading = after_rejection_date(on, row.after_rejection)
        held = "" if kept == after else f"; an earlier deadline holds: the notice gives {after:%Y-%m-%d}"
        return said(
            f"The last day to sue {moved} ({from_today(kept, today)}{was}{held}): "
            f"{row.after_rejection.statute}, six months from the written notice of {on:%Y-%m-%d}, "
            f"{reading}. {alerts_line(firm, kept)}"
        )
    shown = describe(kept, case.loss_on, case.loss_state, bool(case.loss_motor), **reading_facts(case))
    why = (
        f" {row.deemed_rejection[0].upper()}{row.deemed_rejection[1:]}."
        if event in (DEEMED_REJECTED, REJECTED)
        else ""
    )
    verb = "is now" if kept != before else "stays"
    was = f" (it was {before:%Y-%m-%d})" if before is not None and before != kept else ""
    return said(
        f"The last day to sue {verb} {shown}: {from_today(kept, today)}{was}.{why} {alerts_line(firm, kept)}"
    )


def _suit_stays(firm: Firm, case: Case) -> Said:
    kept = case.limitation_on
    if kept is None:
        return said("No last day to sue is set yet.")
    return said(f"The last day to sue stays {kept:%Y-%m-%d} ({from_today(kept, firm.today())}).")


def _not_public(case: Case) -> PreconditionNotMet:
    return PreconditionNotMet(
        said(
            f"{case.number} is not a claim against a public entity. Mark it so with `",
            Command(f"sol {case.number} loss <day> <state> public"),
            "` or enter the claim deadline with `",
            Command(f"claim-deadline {case.number} <YYYY-MM-DD>"),
            "`; nothing was changed.",
        )
    )


# ---------------------------------------------------------------- /case claim


def record_claim_event(firm: Firm, actor: str, number: str, event: str, on: date) -> Outcome:
    """Record the claim's own event against a public entity: `presented` (the claim deadline's alerts stop),
    `rejected` (a written notice of rejection) or `deemed-rejected` (rejected by operation of law). A written
    rejection starts the suit period that runs from it where the state has one (Cal. Gov. Code § 945.6(a)(1):
    six months from the notice, read as the earlier of six calendar months and 182 days), and the last day
    to sue becomes the earlier of that day and the one the case would hold without it: it is alerted like any
    limitation date. Recording an event again with another day replaces it. Audited, undone by `/case undo`,
    corrected by `/case fix … claim`."""
    if event not in CLAIM_EVENTS:
        raise InputError(
            said(quoted(event[:20]), " is not a claim event: presented, rejected or deemed-rejected."),
            example=command(f"claim {number} presented 2026-03-02"),
        )
    event_day(firm, on, what="The claim's event", field="on")

    def change(s: Session, case: Case) -> str:
        if not case.public_entity:
            raise _not_public(case)
        before = (case.claim_presented_on, case.claim_rejected_on, case.claim_rejection, case.limitation_on)
        base: date | None = None
        if event == PRESENTED:
            if case.claim_rejected_on is not None and on > case.claim_rejected_on:
                raise InputError(
                    f"The claim was {case.claim_rejection} on {case.claim_rejected_on:%Y-%m-%d}: it was presented "
                    "before that. Nothing was changed.",
                    field="on",
                )
            case.claim_presented_on = on
            line = said(
                f"{case.number}: the claim against the public entity was presented on {on:%Y-%m-%d}. "
                "Its deadline's alerts have stopped; the last day to sue is "
                f"{case.limitation_on:%Y-%m-%d} ({from_today(case.limitation_on, firm.today())})."
                if case.limitation_on
                else f"{case.number}: the claim against the public entity was presented on {on:%Y-%m-%d}. "
                "Its deadline's alerts have stopped. No last day to sue is set yet."
            )
        else:
            if case.claim_presented_on is not None and on < case.claim_presented_on:
                raise InputError(
                    f"The claim was presented on {case.claim_presented_on:%Y-%m-%d}: it cannot be {event} "
                    "before that. Nothing was changed.",
                    field="on",
                )
            case.limitation_on, base = suit_day_after(s, case, event, on)
            case.claim_rejected_on, case.claim_rejection = on, event
            line = said(
                f"{case.number}: the claim against the public entity was {CLAIM_EVENT_WORDS[event]} on {on:%Y-%m-%d}. ",
                _suit_line(firm, case, event, on, before[3]),
            )
        now = (case.claim_presented_on, case.claim_rejected_on, case.claim_rejection, case.limitation_on)
        if now == before:
            return said(line, " (already recorded)", f" {LAWYER_CONFIRMS}")
        moved = before[3] != case.limitation_on
        audit(
            s, firm, case, actor, "claim", event=event, on=on,
            from_on=before[3] if moved else None,
            limitation_on=case.limitation_on if moved else None,
            base_on=_base_detail(base) if moved else None,
        )  # fmt: skip
        return said(line, f" {LAWYER_CONFIRMS}", passed_warning(firm, case))

    return change_case(firm, actor, number, change)


# ---------------------------------------------------------------- /case fix … claim


def fix_claim(
    firm: Firm,
    actor: str,
    number: str,
    event: str,
    *,
    on: date | None = None,
    void: bool = False,
    because: str | None = None,
) -> Outcome:
    """Correct the day of the claim's event (`presented`, `rejected`, `deemed-rejected`) already recorded, or
    void it (recorded by mistake: it no longer counts). The last day to sue is worked out again from the
    corrected events (the earliest that applies), so the reply, the card, the calendar feed and the alerts
    follow; a claim's presentation voided with no rejection on record brings its deadline's alerts back.
    Refused, with the command that records it, when no such event is on record."""
    if event not in CLAIM_EVENTS:
        raise InputError(
            said(quoted(event[:20]), " is not a claim event: presented, rejected or deemed-rejected."),
            example=command(f"fix {number} claim rejected 2026-01-20"),
        )
    if void == (on is not None):
        raise InputError(
            "Give the event's right day, or “void” to strike it.",
            example=command(f"fix {number} claim {event} 2026-01-20"),
        )
    if on is not None:
        event_day(firm, on, what="The claim's event", field="on")

    def change(s: Session, case: Case) -> tuple[str, dict[str, Any]]:
        if not case.public_entity:
            raise _not_public(case)
        recorded = case.claim_presented_on if event == PRESENTED else case.claim_rejected_on
        if recorded is None or (event != PRESENTED and case.claim_rejection != event):
            raise _none_recorded(case, event)
        if on is not None and on == recorded:
            raise Conflict(
                f"{case.number}'s claim is already {CLAIM_EVENT_WORDS[event]} {was_day(on)}; nothing changed."
            )
        _check_order(case, event, on)
        old_limit = case.limitation_on
        if void:
            head = (
                f"Voided the claim's {_NOUN[event]} of "
                f"{was_day(recorded)} on {case.number}; it no longer counts."
            )
        else:
            assert on is not None
            head = (
                f"Fixed {case.number}'s claim: {CLAIM_EVENT_WORDS[event]} {spoken_day(on, firm.today())} "
                f"(was {was_day(recorded)})."
            )
        base: date | None = None
        if event == PRESENTED:
            case.claim_presented_on = on
            suit = _suit_stays(firm, case)
        else:
            case.limitation_on, base = suit_day_after(s, case, None if void else event, on)
            case.claim_rejected_on, case.claim_rejection = on, (None if void else event)
            suit = _suit_line(firm, case, case.claim_rejection, case.claim_rejected_on, old_limit)
        if case.claim_presented_on is None and case.claim_rejected_on is None:
            alerts = claim_line(firm, case)  # nothing on record any more: the claim deadline counts again
        else:
            alerts = said("The claim deadline's alerts stay stopped.")
        moved = old_limit != case.limitation_on
        detail = {
            "fact": f"claim {event} day",
            "before": recorded,
            "after": "void" if void else on,
            "from_on": old_limit if moved else None,
            "limitation_on": case.limitation_on if moved else None,
            "base_on": _base_detail(case.limitation_on if void else base) if moved else None,
        }
        line = said(head, " ", suit, " ", alerts, f" {LAWYER_CONFIRMS}", passed_warning(firm, case))
        return line, detail

    return fix_fact(firm, actor, number, because, change)


def _check_order(case: Case, event: str, on: date | None) -> None:
    """A claim is presented before it is rejected: a corrected day that would turn them round is refused."""
    if on is None:
        return
    if event == PRESENTED and case.claim_rejected_on is not None and on > case.claim_rejected_on:
        raise InputError(
            f"The claim was {CLAIM_EVENT_WORDS[case.claim_rejection or REJECTED]} on {case.claim_rejected_on:%Y-%m-%d}: it "
            "was presented before that. Nothing was changed.",
            example=command(f"fix {case.number} claim presented {case.claim_rejected_on:%Y-%m-%d}"),
            field="on",
        )
    if event != PRESENTED and case.claim_presented_on is not None and on < case.claim_presented_on:
        raise InputError(
            f"The claim was presented on {case.claim_presented_on:%Y-%m-%d}: it cannot be {CLAIM_EVENT_WORDS[event]} "
            "before that. Nothing was changed.",
            example=command(f"fix {case.number} claim {event} {case.claim_presented_on:%Y-%m-%d}"),
            field="on",
        )


def _none_recorded(case: Case, event: str) -> PreconditionNotMet:
    """No such event on record: the command that records it (and, for the other kind of rejection, the fix
    that corrects the one recorded)."""
    other = (
        said(
            f" It was {CLAIM_EVENT_WORDS[case.claim_rejection]} on {case.claim_rejected_on:%Y-%m-%d}: correct that with `",
            Command(f"fix {case.number} claim {case.claim_rejection} <YYYY-MM-DD>"),
            "`.",
        )
        if event != PRESENTED and case.claim_rejection and case.claim_rejected_on
        else said()
    )
    what = "presented" if event == PRESENTED else CLAIM_EVENT_WORDS[event]
    return PreconditionNotMet(
        said(
            f"{case.number} has no claim {what} on record to correct.",
            other,
            " To record it: `",
            Command(f"claim {case.number} {event} <YYYY-MM-DD>"),
            "`. Nothing was changed.",
        )
    )
