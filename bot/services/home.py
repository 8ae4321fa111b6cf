"""A person's Home tab: their role, their day (due and coming up) and their open cases, read together."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.cases import cases_of
from bot.services.changes import role_of
from bot.services.firm import Firm, Transaction
from bot.services.obligations import MyDay, my_day


@dataclass(frozen=True)
class Home:
    role: str
    day: MyDay
    cases: list[tuple[str, str, str, int]]  # (number, client, stage, days in stage), in stage order


def home(firm: Firm, user: str) -> Home:
    """Everything a manager's Home tab shows, in one read transaction: the person's row (once), one range
    scan for due and coming up, one for their open cases. A Home refresh after a change reads these again,
    and only these: a lead's overview is read only for a lead (bot/services/caseload.py)."""
    today = firm.today()
    with Transaction(firm, write=False) as s:
        role = role_of(s, firm, user)
        return Home(role, my_day(firm, user, today, s=s), cases_of(s, user, today))
