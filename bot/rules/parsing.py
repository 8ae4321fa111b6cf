"""Reading what people type: days and amounts of money. Slack-free; handlers, forms, imports and the CLI share it.

Days follow one small grammar, read word by word so that a day can sit inside a command (US month/day):

    2026-11-03   11/3   11/3/26   11/3/2026   Nov 3   November 3   Nov 3rd   3 Nov   Nov 3 2026   Nov 3, 2026
    today   yesterday   tomorrow   monday … sunday (mon, tue, …)   last friday

With no year, a day is the most recent such day that is not in the future, and a weekday name likewise;
but when this year's reading lies ahead within the next 60 days (`12/14` on Dec 11) it is refused like a
future day, naming both readings, never quietly taken as last year's;
`last friday` is the most recent Friday before today. A day that may lie ahead (what is due, away until) is
read `when="near"`: a weekday name is the next one, a day with no year the nearest such day. A limitation
date is years away: `when="dated"` asks for its year. "Today" is always
the firm's today, passed in. Anything shaped like a day that is not one (`2026-11-31`, `13/45`, `Feb 30`,
`11/3/`) is refused with the reason, never read as a word of a name or a note."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import BadAmount, BadDate
from bot.rules.said import quoted, said

# A case number: ASCII letters and digits first, then also - _ . / (up to 40 in all). ASCII only, so that a
# look-alike letter (Cyrillic Р for P) can't make a second PI-1; the same rule for /case new and the import.
CASE_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_./]{0,39}$")
CASE_NUMBER_RULE = "letters and digits, then also - _ . /, up to 40, starting with a letter or digit"


def is_case_number(text: str) -> bool:
    return bool(CASE_NUMBER_RE.match(text))


_AMOUNT_RE = re.compile(r"^\$?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$|^\$?(\d+(\.\d+)?)k$", re.IGNORECASE)
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")

MONTHS: dict[str, int] = {}
for _n in range(1, 13):
    MONTHS[calendar.month_name[_n].lower()] = _n
    MONTHS[calendar.month_abbr[_n].lower()] = _n
MONTHS["sept"] = 9
WEEKDAYS: dict[str, int] = {}
for _n in range(7):
    WEEKDAYS[calendar.day_name[_n].lower()] = _n
    WEEKDAYS[calendar.day_abbr[_n].lower()] = _n
WEEKDAYS.update(tues=1, weds=2, thur=3, thurs=3)
RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1}
When = Literal["past", "near", "dated"]
# A day typed without its year whose reading this year is this close ahead is a day in the future (a typo or
# a day not yet come), refused like one, never quietly read as last year's.
AHEAD_DAYS = 60
# The day forms as casebot shows them: in a refusal of a day it can't read, and on the help card.
FORMS = "11/3, 11/3/2026, Nov 3, 3 Nov, Nov 3 2026, 2026-11-03, yesterday or last friday"
HELP_FORMS = "11/3, 11/3/2026, Nov 3, 3 Nov, 2026-11-03, today, yesterday, friday, last friday"

# Shapes of a day written in digits: anything matching one of these is a day or is refused as one.
_SLASHED = re.compile(r"^\d+/\d*(/\d*)?$")  # 11/3, 11/3/26, 11/3/2026 (and 11/3/, 13/45: refused)
# 2026-11-03 (11-3-2026: refused); a claim number like 0457-22 is not a day: the year is 1900-2999.
_DASHED = re.compile(r"^[12]\d{3}-\d{1,2}(-\d*)?$|^\d{1,2}-\d{1,2}-\d{2,4}$")
_DOTTED = re.compile(r"^\d{1,4}\.\d{1,2}\.\d{2,4}$")  # 3.11.2026: refused (which order?)
_DAY_NUMBER = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")
_NUMBER = re.compile(r"^\d+(?:st|nd|rd|th)?$")
_YEAR = re.compile(r"^\d{4}$")
_TRAILING = ",.;:"


def _bare(word: str) -> str:
    return word.strip().rstrip(_TRAILING).lower()


def _month_word(word: str) -> int | None:
    return MONTHS.get(_bare(word))


def _is_weekday(word: str) -> bool:
    return _bare(word) in WEEKDAYS


def day_span(words: Sequence[str], start: int = 0) -> int:
    """How many words from `words[start]` are written as a day (0: nothing there looks like one).

    Only the shape is looked at: `2026-11-31` and `Feb 30` are day-shaped (and refused by `read_day`);
    `Nov` alone, `May` before a name, `12.5` or `555-1212` are not."""
    if start >= len(words):
        return 0
    first = _bare(words[start])
    if not first:
        return 0
    rest = [_bare(w) for w in words[start + 1 : start + 3]]
    if first in RELATIVE or first in WEEKDAYS:
        return 1
    if first == "last" and rest and rest[0] in WEEKDAYS:
        return 2
    if _SLASHED.match(first) or _DASHED.match(first) or _DOTTED.match(first):
        return 1
    if first in MONTHS and rest and _NUMBER.match(rest[0]):
        if len(rest) > 1 and not _YEAR.match(rest[0]) and (_YEAR.match(rest[1]) or rest[1] in MONTHS):
            return 3  # Nov 3 2026; or May 3 Nov, which is refused: two months
        return 2
    if _DAY_NUMBER.match(first) and rest and rest[0] in MONTHS:
        return 3 if len(rest) > 1 and _YEAR.match(rest[1]) else 2
    return 0


def looks_like_day(words: Sequence[str] | str, start: int = 0) -> bool:
    return day_span([words] if isinstance(words, str) else words, start) > 0


def read_day(
    words: Sequence[str], start: int, today: date, *, when: When = "past"
) -> tuple[date, int] | None:
    """The day written at `words[start]` and how many words it takes, or None when nothing there looks like
    a day. Raises BadDate when it looks like one but is not (the message says why)."""
    span = day_span(words, start)
    if not span:
        return None
    return _day(" ".join(w.strip() for w in words[start : start + span]), today, when=when), span


def parse_day(text: str, today: date, *, when: When = "past", what: str = "day") -> date:
    """A whole text that is one day (a form's field, a CSV cell, a command-line option)."""
    words = text.split()
    span = day_span(words)
    if not words or span != len(words):
        raise BadDate(
            said(quoted(text.strip()[:40]), f" is not a {what} casebot reads: write it like {FORMS}."),
            example=f"{today:%-m/%-d}",
        )
    return _day(" ".join(words), today, when=when)


def _refuse(text: str, why: str, today: date) -> BadDate:
    return BadDate(said(quoted(text[:40]), " is not a day", why), example=f"{today:%-m/%-d}")


def _day(text: str, today: date, *, when: When) -> date:
    words = [_bare(w) for w in text.split()]
    first = words[0]
    if first in RELATIVE:
        return today + timedelta(days=RELATIVE[first])
    if first == "last":
        back = (today.weekday() - WEEKDAYS[words[1]]) % 7 or 7
        return today - timedelta(days=back)
    if first in WEEKDAYS:
        ahead = when != "past"
        gap = (WEEKDAYS[first] - today.weekday()) % 7 if ahead else -((today.weekday() - WEEKDAYS[first]) % 7)
        return today + timedelta(days=gap)
    year: int | None = None
    if first in MONTHS or (len(words) > 1 and words[1] in MONTHS):
        month_at = 0 if first in MONTHS else 1
        month = MONTHS[words[month_at]]
        number = words[1 - month_at]
        if _YEAR.match(number):
            raise _refuse(text, f": give the day of the month too, like {text.split()[0]} 3 {number}.", today)
        day_of_month = int(re.sub(r"\D", "", number))
        if len(words) > 2:
            if not _YEAR.match(words[2]):
                raise _refuse(
                    text, f" casebot reads: it names two months. Write one, like {text.split()[0]} 3.", today
                )
            year = int(words[2])
        return _checked(text, year, month, day_of_month, today, when=when)
    return _numeric(text, first, today, when=when)


def _numeric(text: str, word: str, today: date, *, when: When) -> date:
    if "." in word or re.match(r"^\d{1,2}-", word):
        raise _refuse(
            text, " casebot reads: write month/day with slashes, like 11/3/2026, or 2026-11-03.", today
        )
    if "-" in word:  # ISO: year first
        parts = word.split("-")
        if len(parts) != 3 or not parts[2]:
            raise _refuse(text, ": write it as YYYY-MM-DD, like 2026-11-03.", today)
        return _checked(text, int(parts[0]), int(parts[1]), int(parts[2]), today, when=when)
    parts = word.split("/")
    if any(not p for p in parts):
        example = "/".join(p for p in parts if p)
        raise _refuse(
            text, f": write it like {example or '11/3'} or {example or '11/3'}/{today.year}.", today
        )
    if len(parts[0]) == 4 and len(parts) == 3:  # 2026/11/03: year first, as in ISO
        return _checked(text, int(parts[0]), int(parts[1]), int(parts[2]), today, when=when)
    if len(parts[0]) > 2 or len(parts[1]) > 2:
        raise _refuse(text, " casebot reads: write month/day, like 11/3 or 11/3/2026.", today)
    year = None
    if len(parts) == 3:
        if len(parts[2]) == 2:
            year = _century(int(parts[2]), today)
        elif len(parts[2]) == 4:
            year = int(parts[2])
        else:
            raise _refuse(text, ": write the year with 2 or 4 digits, like 11/3/26 or 11/3/2026.", today)
    return _checked(text, year, int(parts[0]), int(parts[1]), today, when=when)


def _century(yy: int, today: date) -> int:
    """A two-digit year as the one within 50 years of today."""
    year = today.year - today.year % 100 + yy
    if year > today.year + 50:
        year -= 100
    elif year <= today.year - 50:
        year += 100
    return year


def _checked(text: str, year: int | None, month: int, day: int, today: date, *, when: When) -> date:
    if not 1 <= month <= 12:
        raise _refuse(text, f": there is no month {month} (casebot reads month/day, like 11/3).", today)
    name = calendar.month_name[month]
    if year is not None:
        if not 1900 <= year <= 2999:
            raise _refuse(text, f": {year} is not a year casebot records.", today)
        length = calendar.monthrange(year, month)[1]
        if not 1 <= day <= length:
            leap = f" {year}" if month == 2 else ""
            raise _refuse(text, f" ({name}{leap} has {length}).", today)
        return date(year, month, day)
    longest = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    if not 1 <= day <= longest:
        has = "28, or 29 in a leap year" if month == 2 else str(longest)
        raise _refuse(text, f" ({name} has {has}).", today)
    if when == "dated":
        raise _refuse(
            text,
            f" casebot can place without its year: write it like {month}/{day}/{today.year + 2}.",
            today,
        )
    candidates = [
        date(y, month, day)
        for y in range(today.year - 8, today.year + 9)
        if day <= calendar.monthrange(y, month)[1]
    ]
    if when == "near":
        return min(candidates, key=lambda c: (abs((c - today).days), c < today))
    this_year = date(today.year, month, day) if day <= calendar.monthrange(today.year, month)[1] else None
    if this_year is not None and 0 < (this_year - today).days <= AHEAD_DAYS:
        gap = (this_year - today).days
        last = max(c for c in candidates if c <= today)
        raise BadDate(
            f"{this_year:%b %-d} is {'tomorrow' if gap == 1 else f'in {gap} days'}; record events on the day "
            f"they happened. For last year's, type {last:%Y-%m-%d}.",
            example=f"{last:%Y-%m-%d}",
        )
    return max(c for c in candidates if c <= today)


def spoken_day(day: date, today: date) -> str:
    """A recorded day in words, and how far from today: "Tue Nov 3 — 25 days ago", "Sat Nov 28 (today)"."""
    shown = f"{day:%a %b %-d}" + (f" {day.year}" if day.year != today.year else "")
    gap = (today - day).days
    if gap == 0:
        return f"{shown} (today)"
    if gap == 1:
        return f"{shown} — yesterday"
    if gap == -1:
        return f"{shown} — tomorrow"
    return f"{shown} — {gap} days ago" if gap > 0 else f"{shown} — in {-gap} days"


# Control characters (NUL above all: PostgreSQL refuses it in text) never belong in what people type.
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def printable(text: str) -> str:
    """The text without control characters (tabs and newlines stay)."""
    return text.translate(_CONTROL)


NAME_CHARS = 200  # the staff table's name column
_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]{0,29}(/[A-Za-z0-9_+\-]{1,30}){0,2}")


def person_name(text: object) -> str | None:
    """A name as Slack gives it, fit to keep and to show: no control or format characters (NUL, bidi
    overrides, zero-width spaces), its spaces collapsed, at most NAME_CHARS; None when nothing is left."""
    if not isinstance(text, str):
        return None
    kept = "".join(
        " " if c.isspace() else c for c in text if c.isspace() or not unicodedata.category(c).startswith("C")
    )
    name = " ".join(kept.split())[:NAME_CHARS].strip()
    return name or None


def time_zone(text: object) -> str | None:
    """An IANA time zone this machine knows (`America/Denver`), else None."""
    if not isinstance(text, str) or not _ZONE.fullmatch(text):
        return None
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return text


def parse_amount(text: str, *, zero: bool = False) -> Decimal:
    """`12500`, `12,500`, `$12,500.00`, `12.5k`: an exact amount in dollars and cents (0 only with `zero`)."""
    raw = text.strip()
    match = _AMOUNT_RE.match(raw)
    if not match:
        raise BadAmount(
            said(quoted(raw[:40]), " is not an amount: write it like 12500, 12,500, $12,500.00 or 12.5k."),
            example="12,500",
        )
    try:
        if match.group(4) is not None:
            value = Decimal(match.group(4)) * 1000
        else:
            value = Decimal(raw.lstrip("$").replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise BadAmount(said(quoted(raw[:40]), " is not an amount."), example="12,500") from exc
    if value < 0 or (value == 0 and not zero) or value > MAX_AMOUNT:
        floor = "0 or more" if zero else "more than 0"
        raise BadAmount(
            said(quoted(raw[:40]), f" is out of range: an amount is {floor} and below a trillion."),
            example="12,500",
        )
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """$12,500.00; a negative amount as it is written on paper, in parentheses: ($2,333.33)."""
    text = f"${abs(value).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    return f"({text})" if value < 0 else text
