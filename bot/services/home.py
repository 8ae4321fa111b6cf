"""A person's Home tab: their role, their day (due and coming up) and their open cases, read together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.services.cases import case_lists_of, cases_of
from bot.services.changes import role_of
from bot.services.firm import Firm, Transaction
from bot.services.obligations import MyDay, my_day


@dataclass(frozen=True)
class Home:
    role: str
    day: MyDay
    cases: list[tuple[str, str, str, int]]  # (number, client, stage, days in stage), in stage order
    team: list[tuple[str, str, str, int, str]]  # the cases they work on a team, with each one's manager
    acknowledged: dict[str, date]  # of those waiting on the insurer: the day the demand was acknowledged


def home(firm: Firm, user: str) -> Home:
    """Everything a manager's Home tab shows, in one read transaction: the person's row (once), one range
    scan for due and coming up, one for their open cases, one for their team's (and, when some wait on the
    insurer, one for the acknowledgments). A Home refresh after a change reads these again,
    and only these: a lead's overview is read only for a lead (bot/services/caseload.py)."""
    today = firm.today()
    with Transaction(firm, write=False) as s:
        role = role_of(s, firm, user)
        lists = case_lists_of(s, user, today, cases_of(s, user, today))
        return Home(role, my_day(firm, user, today, s=s), lists.own, lists.team, lists.acknowledged)
