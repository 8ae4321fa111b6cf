"""A realistic firm for the benchmark: open cases over every stage, their history, and the obligations the
real planner gives them, as rows ready for storage.bulk.

Everything is dated relative to the benchmark day (today, in the firm's time zone) and drawn from one
seeded random generator, so a scale and a seed always give the same firm. Whatever the scale, about
`due_target` obligations are due on or before the benchmark day: most cases were looked after recently
and owe nothing until later; a random few have slipped. So the digest's cost follows what is due, not
how many cases the firm has."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bench.case_maker import CaseMaker
from bench.firm_data import FIRST, LAST
from bot.rules.calendar import BusinessCalendar
from bot.rules.playbook import Numbers
from storage.models import Base, Staff

LEAD = "ULEAD0001"  # the firm's lead, whose views bench/leads.py times


def manager_ids(n: int) -> list[str]:
    return [f"UBM{i:05d}" for i in range(1, n + 1)]


@dataclass
class Firm:
    """The rows of a generated firm, produced case batch by case batch (see `batches`)."""

    cases: int
    managers: int = 500
    due_target: int = 5000
    seed: int = 20261126
    today: date = field(default_factory=lambda: datetime.now(ZoneInfo("America/Los_Angeles")).date())
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    numbers: Numbers = field(default_factory=Numbers)
    # Filled in while generating:
    due_items: int = 0
    slipped_cases: int = 0
    events: int = 0
    obligations: int = 0
    open_obligations: int = 0
    touched_up: int = 0
    index: list[tuple[str, str, str]] = field(default_factory=list)  # (case number, manager, stage)

    def staff_rows(self, now: datetime) -> list[dict[str, Any]]:
        rng = random.Random(self.seed - 1)
        return [
            {
                "user_id": uid,
                "role": "manager",
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "email": f"{uid.lower()}@firm.example",
                "tz": "America/Los_Angeles",
                "is_guest": False,
                "is_bot": False,
                "deleted": False,
                "info_fetched_at": now,
                "away": False,
            }
            for uid in manager_ids(self.managers)
        ] + [
            # The lead whose views bench/leads.py times: no cases of their own.
            {
                "user_id": LEAD,
                "role": "lead",
                "name": "Lead One",
                "email": f"{LEAD.lower()}@firm.example",
                "tz": "America/Los_Angeles",
                "is_guest": False,
                "is_bot": False,
                "deleted": False,
                "info_fetched_at": now,
                "away": False,
            }
        ]

    def batches(self, size: int = 5000) -> Iterator[dict[type[Base], list[dict[str, Any]]]]:
        """Rows for every table, `size` cases at a time; staff come with the first batch."""
        rng = random.Random(self.seed)
        managers = manager_ids(self.managers)
        now = datetime.now(UTC)
        maker = CaseMaker(self, rng)
        provider_ids = iter(range(1, 10**9))
        batch: dict[type[Base], list[dict[str, Any]]] = {Staff: self.staff_rows(now)}
        for case_id in range(1, self.cases + 1):
            # Cases slip at random until the day's due obligations reach the target; the rest are up to date.
            left = self.cases - case_id + 1
            want = self.due_target - self.due_items
            slipped = want > 0 and rng.random() < min(1.0, want / (2.2 * left))
            maker.make(case_id, rng.choice(managers), slipped, provider_ids, batch)
            if case_id % size == 0:
                yield batch
                batch = {}
        if batch:
            yield batch
