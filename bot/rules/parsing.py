"""Reading what people type: days and amounts of money. Slack-free; handlers and the CLI share it."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bot.errors import BadAmount, BadDate

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A case number: ASCII letters and digits first, then also - _ . / (up to 40 in all). ASCII only, so that a
# look-alike letter (Cyrillic Р for P) can't make a second PI-1; the same rule for /case new and the import.
CASE_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_./]{0,39}$")
CASE_NUMBER_RULE = "letters and digits, then also - _ . /, up to 40, starting with a letter or digit"


def is_case_number(text: str) -> bool:
    return bool(CASE_NUMBER_RE.match(text))


_AMOUNT_RE = re.compile(r"^\$?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$|^\$?(\d+(\.\d+)?)k$", re.IGNORECASE)
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")


# Control characters (NUL above all: PostgreSQL refuses it in text) never belong in what people type.
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def printable(text: str) -> str:
    """The text without control characters (tabs and newlines stay)."""
    return text.translate(_CONTROL)


def looks_like_date(word: str) -> bool:
    return bool(DATE_RE.match(word))


def parse_day(text: str, *, what: str = "date") -> date:
    text = text.strip()
    try:
        if not DATE_RE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BadDate(
            f"“{text[:40]}” is not a {what}: write it as YYYY-MM-DD.", example="2026-11-02"
        ) from exc


def parse_amount(text: str, *, zero: bool = False) -> Decimal:
    """`12500`, `12,500`, `$12,500.00`, `12.5k`: an exact amount in dollars and cents (0 only with `zero`)."""
    raw = text.strip()
    match = _AMOUNT_RE.match(raw)
    if not match:
        raise BadAmount(
            f"“{raw[:40]}” is not an amount: write it like 12500, 12,500, $12,500.00 or 12.5k.",
            example="12,500",
        )
    try:
        if match.group(4) is not None:
            value = Decimal(match.group(4)) * 1000
        else:
            value = Decimal(raw.lstrip("$").replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise BadAmount(f"“{raw[:40]}” is not an amount.", example="12,500") from exc
    if value < 0 or (value == 0 and not zero) or value > MAX_AMOUNT:
        floor = "0 or more" if zero else "more than 0"
        raise BadAmount(
            f"“{raw[:40]}” is out of range: an amount is {floor} and below a trillion.", example="12,500"
        )
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """$12,500.00; a negative amount as it is written on paper, in parentheses: ($2,333.33)."""
    text = f"${abs(value).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    return f"({text})" if value < 0 else text
