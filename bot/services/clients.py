"""The client's contact details on a case (`/case client`): phone in E.164, email, language, preference, and
consent to texts with its source, who and when. Only people who may see the case see or change them.

`record_consent` is for use inside another service's transaction too (the client's STOP and START)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.errors import Conflict, InputError
from bot.rules.client_details import (
    LANGUAGE_NAMES,
    LANGUAGES,
    PREFERENCES,
    BadPhone,
    BadZone,
    parse_email,
    parse_phone,
    parse_zone,
    shown_phone,
)
from bot.rules.parsing import printable
from bot.rules.said import Said, command, quoted, said, typed
from bot.services.changes import audit, change_case
from bot.services.firm import Firm, Outcome
from storage import client_queries as cq
from storage.client_models import ConsentChange
from storage.models import Case

DETAILS: tuple[str, ...] = ("phone", "email", "language", "prefer", "zone")
CONSENT_SOURCE_MAX = 200
FIRM_ZONE = "firm"  # `/case client <case-no> zone firm`: the client lives in the firm's time zone again
COLUMN = {"zone": "tz"}  # a detail's column on the client's profile, where its name is not the detail's


def read_zone(number: str, value: str) -> str:
    """A time zone as the tz database names it; a typo is refused with the zone it probably meant."""
    try:
        return parse_zone(value)
    except BadZone as bad:
        hint = f" Did you mean {bad.suggestion}?" if bad.suggestion else ""
        raise InputError(
            said(quoted(printable(value)[:40]), f" is not a time zone.{hint}"),
            example=command(f"client {number} zone {bad.suggestion or 'America/Chicago'}"),
            field="zone",
        ) from None


def read_detail(number: str, what: str, value: str) -> str | None:
    """A detail's value, checked and made canonical: a phone in E.164, an email, `en|es`, `sms|email|call`,
    a time zone (None: the firm's)."""
    value = value.strip()
    if what == "zone":
        return None if value.lower() == FIRM_ZONE else read_zone(number, value)
    if what == "phone":
        try:
            return parse_phone(value)
        except BadPhone:
            raise InputError(
                said(
                    quoted(printable(value)[:40]), " is not a whole phone number: give it with its area code."
                ),
                example=command(f"client {number} phone (305) 555-0123"),
                field="phone",
            ) from None
    if what == "email":
        address = parse_email(value)
        if address is None:
            raise InputError(
                said(quoted(printable(value)[:60]), " is not an email address."),
                example=command(f"client {number} email ana.rivera@example.com"),
                field="email",
            )
        return address
    choices = LANGUAGES if what == "language" else PREFERENCES
    if what not in ("language", "prefer") or value.lower() not in choices:
        raise InputError(
            f"{what.capitalize() if what in DETAILS else 'That'} is one of {', '.join(choices)}.",
            example=command(f"client {number} {what if what in DETAILS else 'language'} {choices[-1]}"),
            field=what,
        )
    return value.lower()


def set_client_detail(firm: Firm, actor: str, number: str, what: str, value: str) -> Outcome:
    """Set one of the client's contact details. A new phone number is not the old one: consent to texts was
    given for a number, so it is asked again (and what the carrier said of the old number is forgotten)."""
    canonical = read_detail(number, what, value)
    column = COLUMN.get(what, what)

    def change(s: Session, case: Case) -> str:
        profile = cq.profile(s, case.id, create=True)
        assert profile is not None
        before = getattr(profile, column)
        if before == canonical:
            raise Conflict(
                said(f"{case.number}'s client ", _said(what, canonical, firm), " already; nothing changed.")
            )
        setattr(profile, column, canonical)
        profile.updated_at, profile.updated_by = firm.now(), actor
        extra = ""
        if what == "zone":
            clients = firm.settings.clients
            extra = (
                f" Messages to them go only {clients.quiet_start:%H:%M}–{clients.quiet_end:%H:%M} their time."
            )
        if what == "phone":
            profile.phone_problem = profile.phone_problem_at = None
            if profile.sms_consent:
                record_consent(s, firm, case, granted=False, source="the number changed", by=actor)
                extra = " Consent to texts was for the old number: record it again for this one."
        audit(s, firm, case, actor, "client_detail", what=what)
        return said(f"{case.number}'s client ", _said(what, canonical, firm), f" now.{extra}")

    return change_case(firm, actor, number, change)


def _said(what: str, value: str | None, firm: Firm) -> Said:
    match what:
        case "zone":
            return said(f"lives in {value or f'the firm time zone, {firm.settings.firm_timezone},'}")
        case "phone":
            return said(f"has the number {shown_phone(value or '')}")
        case "email":
            return said("has the address ", typed(value or ""))
        case "language":
            return said(f"reads {LANGUAGE_NAMES[value or 'en']}")
        case _:
            return said(f"prefers {'a call' if value == 'call' else value}")


def set_sms_consent(firm: Firm, actor: str, number: str, granted: bool, source: str | None) -> Outcome:
    """Record the client's consent to texts (with how it was given) or its withdrawal."""
    how = " ".join(printable(source or "").split())[:CONSENT_SOURCE_MAX]
    if granted and not how:
        raise InputError(
            "Say how the client agreed to texts (the engagement letter, told by phone…).",
            example=command(f"client {number} consent sms yes engagement letter"),
            field="source",
        )

    def change(s: Session, case: Case) -> str:
        profile = cq.profile(s, case.id, create=True)
        assert profile is not None
        if granted and not profile.phone:
            raise InputError(
                f"{case.number}'s client has no phone number yet: consent to texts is for a number.",
                example=command(f"client {case.number} phone (305) 555-0123"),
                field="phone",
            )
        if bool(profile.sms_consent) == granted:
            state = "agreed to texts" if granted else "not agreed to texts"
            raise Conflict(f"{case.number}'s client has {state} already; nothing changed.")
        record_consent(s, firm, case, granted=granted, source=how or "withdrawn", by=actor)
        if granted:
            return f"{case.number}'s client agreed to texts at {shown_phone(profile.phone or '')} ({how})."
        return f"{case.number}'s client gets no texts now; casebot sends them nothing by SMS."

    return change_case(firm, actor, number, change)


def record_consent(
    s: Session,
    firm: Firm,
    case: Case,
    *,
    granted: bool,
    source: str,
    by: str,
    channel: str = "sms",
    at: datetime | None = None,
    actor: str | None = None,
) -> ConsentChange:
    """Write a consent change (append-only) and the profile's current consent, in the caller's transaction.
    `by` is a Slack user id, or `client` for the client's own STOP or START; `at` when it was given (default
    now) and `actor` who writes it down (default `by`: an import writes down what others recorded). Withdrawing
    consent also stops every text still held for this case."""
    profile = cq.profile(s, case.id, create=True)
    assert profile is not None
    now = at or firm.now()
    row = ConsentChange(
        case_id=case.id,
        channel=channel,
        phone=profile.phone,
        granted=granted,
        source=source[:200],
        by=by,
        at=now,
    )
    s.add(row)
    profile.sms_consent = granted
    profile.sms_consent_source, profile.sms_consent_by, profile.sms_consent_at = source[:200], by, now
    if granted and profile.phone_problem == "opted-out":
        profile.phone_problem = profile.phone_problem_at = None
    audit(s, firm, case, actor or by, "client_consent", channel=channel, granted=granted, source=source[:200])
    return row
