"""Building every manager's digest for one day, timed, in this process against a benchmark database."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.services.firm import Firm
from bot.settings import Settings
from storage.db import Database


def digest_builder() -> tuple[str, Callable[[Firm, date], list[Any]]]:
    """The reminders' own builder when this build has it, else the same work from the services."""
    try:
        from bot.delivery.digests import preview_digests
    except ImportError:
        return "services.due_for + DigestMessage (fallback)", _fallback
    return "bot.delivery.digests.preview_digests", preview_digests


def _fallback(firm: Firm, day: date) -> list[Any]:
    from bot import services
    from bot.delivery.ports import DigestMessage

    by_manager: dict[str, list[Any]] = {}
    for item in services.due_for(firm, None, day):
        by_manager.setdefault(item.manager, []).append(item)
    return [
        DigestMessage(
            user, day, tuple(i for i in items if i.due_on < day), tuple(i for i in items if i.due_on >= day)
        )
        for user, items in sorted(by_manager.items())
    ]


@dataclass
class DigestTiming:
    scale: int
    backend: str
    builder: str
    fixes: bool = False
    digests: int = 0
    items: int = 0
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _time_digests(
    url: str,
    scale: int,
    backend: str,
    day: date,
    *,
    repeat: int = 5,
    budget: float = 20.0,
    fixes: bool = False,
) -> DigestTiming:
    """One untimed build to warm the caches (as a running bot's would be), then `repeat` timed builds, fewer
    (at least one) when they would take longer than `budget` seconds."""
    name, build = digest_builder()
    db = Database(url)
    firm = Firm.from_settings(Settings(database_url=url), db=db)
    timing = DigestTiming(scale, backend, name, fixes)
    try:
        started = time.perf_counter()
        messages = build(firm, day)
        first = time.perf_counter() - started
        timing.digests = len(messages)
        timing.items = sum(len(m.overdue) + len(m.due_today) for m in messages)
        if first > budget:  # far off the target anyway: the first build is the measurement
            timing.seconds.append(first)
            repeat = 0
        for _ in range(max(1, min(repeat, int(budget / max(first, 1e-3)))) if repeat else 0):
            started = time.perf_counter()
            build(firm, day)
            timing.seconds.append(time.perf_counter() - started)
    finally:
        db.dispose()
    return timing


def time_digests(
    url: str, scale: int, backend: str, day: date, *, fixes: bool = False, **kwargs: Any
) -> DigestTiming:
    if not fixes:
        return _time_digests(url, scale, backend, day, fixes=False, **kwargs)
    from bench.fixes import applied

    with applied():
        return _time_digests(url, scale, backend, day, fixes=True, **kwargs)
