"""The client's contact details in an import file's columns: read and checked one row at a time (no
database), and written from a case's client profile by `casebot export` (import_clients applies them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.rules.client_details import (
    LANGUAGES,
    PREFERENCES,
    BadPhone,
    BadZone,
    parse_email,
    parse_phone,
    parse_zone,
)
from bot.rules.parsing import printable
from bot.services.clients import CONSENT_SOURCE_MAX
from bot.services.import_ledger_rows import RowCells
from storage.client_models import ClientProfile

CLIENT_COLUMNS: tuple[str, ...] = (
    "client_phone",  # (305) 555-0123 or +13055550123: a whole number, with its area code
    "client_email",
    "client_language",  # en | es (blank: en)
    "client_prefer",  # sms | email | call
    "client_zone",  # America/Chicago: the client's time zone for quiet hours (blank: the firm's)
    "sms_consent",  # yes | no: consent to texts (blank: none recorded)
    "sms_consent_source",  # how it was given: engagement letter, told by phone… (needed with yes)
    "sms_consent_by",  # who recorded it: a Slack user id, or `client` (their START or STOP)
    "sms_consent_at",  # when: 2026-11-20T14:03:00+00:00, or a day (noon, the firm's time)
)

CLIENT_ALIASES = {
    "phone": "client_phone",
    "email": "client_email",
    "language": "client_language",
    "prefer": "client_prefer",
    "preference": "client_prefer",
    "client_preference": "client_prefer",
    "zone": "client_zone",
    "time_zone": "client_zone",
    "timezone": "client_zone",
    "client_time_zone": "client_zone",
    "client_timezone": "client_zone",
}

IMPORT_ACTOR = "casebot-import"  # who the audit trail says made an imported change
_CONSENT_BY = ("client", IMPORT_ACTOR)  # besides a Slack user id


@dataclass(frozen=True)
class ClientIn:
    """What a row says of the client: None where its cell is blank."""

    phone: str | None = None  # E.164
    email: str | None = None
    language: str | None = None
    prefer: str | None = None
    zone: str | None = None
    consent: bool | None = None
    source: str | None = None
    by: str | None = None
    at: datetime | date | None = None  # a day alone is placed at noon, the firm's time, when applied

    @property
    def details(self) -> dict[str, str]:
        """The contact details the row gives, by their column on the client's profile."""
        given = {
            "phone": self.phone,
            "email": self.email,
            "language": self.language,
            "prefer": self.prefer,
            "tz": self.zone,
        }
        return {k: v for k, v in given.items() if v is not None}


def read_client(
    cells: dict[str, str], r: RowCells, person: Callable[[str], str], is_user: Callable[[str], bool]
) -> ClientIn | None:
    """The row's client columns, each checked; a problem (with an example) goes to `r.problems`. None when
    the row gives none of them."""
    if not any(cells.get(c) for c in CLIENT_COLUMNS):
        return None
    phone = email = language = prefer = zone = None
    if raw := cells.get("client_phone"):
        try:
            phone = parse_phone(raw)
        except BadPhone:
            r.problems.append(
                f"client_phone “{raw[:40]}” is not a whole phone number: give it with its area code, "
                "e.g. (305) 555-0123"
            )
    if raw := cells.get("client_email"):
        email = parse_email(raw)
        if email is None:
            r.problems.append(
                f"client_email “{raw[:60]}” is not an email address, e.g. ana.rivera@example.com"
            )
    if raw := cells.get("client_language"):
        language = raw.strip().lower()
        if language not in LANGUAGES:
            r.problems.append(f"client_language “{raw[:20]}” is {' or '.join(LANGUAGES)}, e.g. es")
            language = None
    if raw := cells.get("client_prefer"):
        prefer = raw.strip().lower()
        if prefer not in PREFERENCES:
            r.problems.append(f"client_prefer “{raw[:20]}” is one of {', '.join(PREFERENCES)}, e.g. sms")
            prefer = None
    if raw := cells.get("client_zone"):
        try:
            zone = parse_zone(raw)
        except BadZone as bad:
            hint = f"did you mean {bad.suggestion}?" if bad.suggestion else "e.g. America/Chicago"
            r.problems.append(f"client_zone “{raw[:40]}” is not a time zone: {hint}")
    consent, source, by, at = _read_consent(cells, r, person, is_user)
    if consent and not cells.get("client_phone"):
        r.problems.append(
            "sms_consent yes is consent to texts at a number: give client_phone in the same row"
        )
    return ClientIn(phone, email, language, prefer, zone, consent, source, by, at)


def _read_consent(
    cells: dict[str, str], r: RowCells, person: Callable[[str], str], is_user: Callable[[str], bool]
) -> tuple[bool | None, str | None, str | None, datetime | date | None]:
    answer = cells.get("sms_consent", "").strip().lower()
    consent = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}.get(answer)
    if answer and consent is None:
        r.problems.append(f"sms_consent “{answer[:20]}” is yes or no, e.g. yes")
    source = " ".join(printable(cells.get("sms_consent_source", "")).split())[:CONSENT_SOURCE_MAX] or None
    by = person(cells.get("sms_consent_by", "").strip()) or None
    if by is not None and by.lower() in _CONSENT_BY:
        by = by.lower()
    elif by is not None and is_user(by.upper()):
        by = by.upper()
    elif by is not None:
        r.problems.append(
            f"sms_consent_by “{by[:40]}” is a Slack user id (U123ABC) or client (the client's own START or STOP)"
        )
    at = _moment(cells.get("sms_consent_at", ""), r)
    if consent and source is None:
        r.problems.append(
            "sms_consent yes needs sms_consent_source: how the client agreed, e.g. engagement letter"
        )
    if not answer and (source or by or at):
        r.problems.append("sms_consent_source, _by and _at go with sms_consent yes or no")
    return consent, source, by, at


def _moment(value: str, r: RowCells) -> datetime | date | None:
    """A moment with its offset (2026-11-20T14:03:00+00:00, as export writes it), or a day."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        if moment is not None and (moment.hour, moment.minute, moment.second) != (0, 0, 0):
            r.problems.append(
                f"sms_consent_at “{value[:40]}” needs its offset from UTC, e.g. 2026-11-20T14:03:00-05:00, "
                "or give the day alone"
            )
            return None
        return r.day(value, "sms_consent_at")
    if moment.date() > r.today:
        r.problems.append(f"sms_consent_at {value[:40]} is in the future (today is {r.today:%Y-%m-%d})")
        return None
    return moment.astimezone(UTC)


def client_cells(profile: ClientProfile | None) -> dict[str, str]:
    """A case's client profile in the import's columns (blank cells for a case with none)."""
    if profile is None:
        return dict.fromkeys(CLIENT_COLUMNS, "")
    recorded = profile.sms_consent_source is not None
    at = profile.sms_consent_at
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)  # SQLite gives back naive UTC
    return {
        "client_phone": profile.phone or "",
        "client_email": profile.email or "",
        "client_language": profile.language if (profile.language or "en") != "en" else "",
        "client_prefer": profile.prefer or "",
        "client_zone": profile.tz or "",
        "sms_consent": ("yes" if profile.sms_consent else "no") if recorded else "",
        "sms_consent_source": profile.sms_consent_source or "",
        "sms_consent_by": (profile.sms_consent_by or "") if recorded else "",
        "sms_consent_at": at.astimezone(UTC).isoformat() if recorded and at else "",
    }
