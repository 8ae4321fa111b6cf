"""How old an obligation is, said one way everywhere: calendar days overdue, with the business days beside
them for the kinds the escalation rule counts in business days."""

from __future__ import annotations

from datetime import date
from functools import lru_cache


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# Both are asked the same few days over and over (a `/case due` says a hundred lines' ages, a Home as many):
# each answer is kept, a pure function of its days.
@lru_cache(maxsize=4096)
def short_day(day: date) -> str:
    return f"{day:%b} {day.day}"


@lru_cache(maxsize=4096)
def due_phrase(due_on: date, today: date, business_days: int | None = None) -> str:
    """ "due today", "due Mon Nov 30", or "due Nov 6 — 22 days overdue (15 business days)".

    `business_days` (overdue, in business days) is given only where the escalation rule counts them."""
    if due_on == today:
        return "due today"
    if due_on > today:
        return f"due {due_on:%a} {short_day(due_on)}"
    late = f"due {short_day(due_on)} — {plural((today - due_on).days, 'day')} overdue"
    if business_days is not None:
        late += f" ({plural(business_days, 'business day')})"
    return late
