"""A client's contact details, read strictly (pure): a phone number in E.164, an email address, a language,
a preference; and how many SMS segments a text takes, in which encoding."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers

LANGUAGES: tuple[str, ...] = ("en", "es")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
PREFERENCES: tuple[str, ...] = ("sms", "email", "call")
CHANNELS: tuple[str, ...] = ("sms", "email")

# Which playbook notices may go as a message, and which are calls whose only message asks the client to call.
MESSAGE_RULES: tuple[str, ...] = ("R2", "R4", "R5", "R6", "R8", "R9", "R13")
CALL_RULES: tuple[str, ...] = ("R1", "R10", "R11", "R12")

_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)


class BadPhone(ValueError):
    """Not a whole, valid phone number."""


def parse_phone(text: str, region: str = "US") -> str:
    """The number in E.164 (`(305) 555-0123` is `+13055550123`); a number without its area code, or one that
    can't be a number, is refused."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise BadPhone(text) from exc
    if not phonenumbers.is_valid_number(number):
        raise BadPhone(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def shown_phone(e164: str) -> str:
    """How a stored number is shown to people: `(305) 555-0123` at home, `+52 55 1234 5678` abroad."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def parse_email(text: str) -> str | None:
    """The address if `text` is one whole email address, else None."""
    text = text.strip().strip("<>")
    return text if len(text) <= 254 and _EMAIL.fullmatch(text) else None


class BadZone(ValueError):
    """Not a time zone of the tz database; `suggestion` is the closest one, if any is close."""

    def __init__(self, text: str, suggestion: str | None) -> None:
        super().__init__(text)
        self.suggestion = suggestion


@cache
def _zones() -> dict[str, str]:
    """The tz database's places (America/Chicago, Europe/Madrid, UTC), by their lower-cased name; the
    system's own aliases (localtime, Factory, posix/…) are not places."""
    names = [
        z
        for z in available_timezones()
        if ("/" in z or z == "UTC") and not z.startswith(("posix/", "right/", "SystemV/"))
    ]
    return {z.lower(): z for z in names}


def parse_zone(text: str) -> str:
    """A client's time zone as the tz database names it (`america/chicago` and `America/New York` are read as
    America/Chicago and America/New_York); anything else is BadZone, with the closest name when one is close
    (a typo, or a city on its own: `Chicago`)."""
    key = "_".join(text.strip().split()).lower()
    zones = _zones()
    found = zones.get(key)
    if found is not None:
        try:
            ZoneInfo(found)
        except (ZoneInfoNotFoundError, ValueError):
            found = None
    if found is not None:
        return found
    cities = {z.rsplit("/", 1)[-1]: name for z, name in zones.items()}
    close = difflib.get_close_matches(key, list(zones), n=1, cutoff=0.75)
    if close:
        raise BadZone(text, zones[close[0]])
    close = difflib.get_close_matches(key.rsplit("/", 1)[-1], list(cities), n=1, cutoff=0.75)
    raise BadZone(text, cities[close[0]] if close else None)


# GSM 03.38: the basic set (one septet each) and the extension set (two: an escape, then the character).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "^{}\\[~]|€\f"


@dataclass(frozen=True)
class Segments:
    encoding: str  # GSM-7 | UCS-2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    count: int  # how many SMS segments the carrier bills


def sms_segments(text: str) -> Segments:
    """GSM-7 when every character is in the GSM set: 160 septets in one segment, 153 a segment beyond that;
    otherwise UCS-2: 70 code units in one, 67 a segment beyond."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        units = sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
        one, many, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        one, many, encoding = 70, 67, "UCS-2"
    count = 1 if units <= one else -(-units // many)
    return Segments(encoding, units, count)


def next_allowed(moment: datetime, tz: ZoneInfo, start: time, end: time) -> datetime:
    """The first moment at or after `moment` inside the quiet-hours window [start, end) of the client's day:
    `moment` itself when it is inside; else `start` that day (before it) or the next day (after `end`)."""
    local = moment.astimezone(tz)
    if start <= local.time().replace(tzinfo=None) < end:
        return moment
    day = local.date() if local.time().replace(tzinfo=None) < start else local.date() + timedelta(days=1)
    return datetime.combine(day, start, tzinfo=tz)
