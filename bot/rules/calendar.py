"""The firm's business-day calendar: weekends, public holidays for its country and state, its own closed days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


class BusinessCalendar:
    def __init__(
        self,
        *,
        country: str = "US",
        subdiv: str | None = None,
        closed_days: Iterable[date] = (),
        timezone: str = "America/Los_Angeles",
    ) -> None:
        self._holidays = holidays.country_holidays(country, subdiv=subdiv)
        self._closed = frozenset(closed_days)
        self.tz = ZoneInfo(timezone)
        # One cache per calendar: the dates a firm asks about cluster in a few years.
        self.is_business_day = lru_cache(maxsize=8192)(self._is_business_day)
        # A lead's lists ask this for the same few due days over and over (one a manager on the Home tab).
        between = lru_cache(maxsize=8192)(self._business_days_between)
        self.business_days_between = between

    def _is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays and day not in self._closed

    def holiday_name(self, day: date) -> str | None:
        if day in self._closed:
            return "firm closed"
        return self._holidays.get(day)

    def on_or_after(self, day: date) -> date:
        """The day itself if the firm is open, else the next business day."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def due(self, trigger: date, days: int = 0) -> date:
        """A due date `days` calendar days after `trigger`, moved forward to a business day."""
        return self.on_or_after(trigger + timedelta(days=days))

    def add_business_days(self, day: date, n: int) -> date:
        while n > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                n -= 1
        return day

    def _business_days_between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_business_day(day)
        return count

    def today(self, now: datetime | None = None) -> date:
        return (now or datetime.now(self.tz)).astimezone(self.tz).date()
