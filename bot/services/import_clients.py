"""What `casebot import` writes of a row's client columns onto a case (import_client_rows reads them).

An import sets what the file gives (a blank cell leaves the case's value alone). Consent to texts comes with
its source, who recorded it and when; on a case that has a consent already, the file's replaces it only when
it is newer (or undated), or when the row gives a new phone number with it (consent is for a number). A
client's own STOP is never turned back into consent by a file: only their START does that."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from bot.services.clients import record_consent
from bot.services.firm import Firm
from bot.services.import_client_rows import IMPORT_ACTOR, ClientIn
from storage import client_queries as cq
from storage.models import Case


def apply_client(
    s: Session, firm: Firm, case: Case, given: ClientIn, note: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Write what the row gives of the client onto the case (a new one, or one casebot has: `note` then says
    what was kept as recorded). The changes made, by name (the details by name only, never their values)."""
    profile = cq.profile(s, case.id, create=True)
    assert profile is not None
    changed: dict[str, Any] = {}
    now = firm.now()
    new_phone = given.phone is not None and given.phone != profile.phone
    for column, value in given.details.items():
        if getattr(profile, column) != value:
            setattr(profile, column, value)
            changed.setdefault("client_details", []).append("zone" if column == "tz" else column)
    if new_phone:
        profile.phone_problem = profile.phone_problem_at = None
        if profile.sms_consent and given.consent is None:  # the row gives no consent for the new number
            record_consent(s, firm, case, granted=False, source="the number changed", by=IMPORT_ACTOR)
            changed["sms_consent"] = "no"
    if given.consent is not None:
        at = _placed(given.at, firm) or now
        recorded = profile.sms_consent_source is not None
        same = recorded and bool(profile.sms_consent) == given.consent
        had = profile.sms_consent_at
        if had is not None and had.tzinfo is None:
            had = had.replace(tzinfo=UTC)
        if same and not new_phone:
            if note and given.source and given.source != profile.sms_consent_source:
                note(
                    f"consent to texts kept as recorded ({profile.sms_consent_source}); the file says {given.source}"
                )
        elif (
            recorded
            and not new_phone
            and given.consent
            and profile.sms_consent_by == "client"
            and given.by != "client"
        ):
            if note:  # the client's own STOP: only their START turns texts back on for this number
                note(f"no texts kept: the client opted out ({profile.sms_consent_source}); the file says yes")
        elif recorded and not new_phone and given.at is not None and had is not None and at <= had:
            state = "agreed" if profile.sms_consent else "no texts"
            if note:
                note(
                    f"consent to texts kept as {state} since {had:%Y-%m-%d} (the file's is older, {at:%Y-%m-%d})"
                )
        else:
            source = given.source or "withdrawn"
            record_consent(
                s,
                firm,
                case,
                granted=given.consent,
                source=source,
                by=given.by or IMPORT_ACTOR,
                at=at,
                actor=IMPORT_ACTOR,
            )
            changed["sms_consent"] = "yes" if given.consent else "no"
    if changed:
        profile.updated_at, profile.updated_by = now, IMPORT_ACTOR
    return changed


def _placed(at: datetime | date | None, firm: Firm) -> datetime | None:
    """A consent's moment: as given, or a day alone at noon, the firm's time."""
    if at is None or isinstance(at, datetime):
        return at
    return datetime.combine(at, time(12), tzinfo=firm.settings.tz).astimezone(UTC)
