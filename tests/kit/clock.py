"""A clock the test moves by hand, and the firm's usual time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LA = ZoneInfo("America/Los_Angeles")


class Clock:
    """A clock the test moves by hand. Starts on Thursday 2026-11-26, 10:00 in Los Angeles."""

    def __init__(self, at: datetime | None = None) -> None:
        self.at = at or datetime(2026, 11, 26, 10, 0, tzinfo=LA)

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)

    def set(self, day: date, at: time = time(10, 0), tz: ZoneInfo = LA) -> None:
        self.at = datetime.combine(day, at, tzinfo=tz)

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.at = self.at + timedelta(**delta)
