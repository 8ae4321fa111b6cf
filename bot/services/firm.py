"""The ports every service takes (the firm: database, calendar, settings, clock), the shape of a
service's answer, and the transaction each service runs in."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import (
    NotAllowed,
    TryAgain,
)
from bot.rules.calendar import BusinessCalendar
from bot.rules.playbook import Numbers
from bot.services import request
from bot.services.cards import CaseCard
from bot.services.home_marks import HomeStore
from bot.services.request import Request
from bot.settings import Settings
from storage import queries as q
from storage.claims import claim_in
from storage.db import Database, DatabaseUnavailable

log = logging.getLogger(__name__)


@dataclass
class Firm:
    """The ports every service takes: the database, the firm's calendar, its settings and a clock."""

    db: Database
    settings: Settings
    calendar: BusinessCalendar
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    on_change: list[Callable[[str, str], None]] = field(
        default_factory=list
    )  # (actor, case number) after commit
    # After commit: the people (besides the actor) whose view of casebot a change altered: what they may see
    # (a case given or taken away, a team, a cover) or whether they may use casebot at all. Their Homes are
    # published again (handlers/home.py's Homes, which bot/entrypoints/app.py's create_app puts on both
    # hooks), so that none keeps what they may no longer see.
    on_views: list[Callable[[frozenset[str]], None]] = field(default_factory=list)
    # The Homes this process last built, used again only as far as the database's versions allow
    # (bot/services/home_marks.py): never what another process may have changed.
    homes: HomeStore = field(default_factory=HomeStore)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, db: Database | None = None, clock: Callable[[], datetime] | None = None
    ) -> Firm:
        calendar = BusinessCalendar(
            country=settings.holidays_country,
            subdiv=settings.holidays_subdiv,
            closed_days=settings.extra_closed_days,
            timezone=settings.firm_timezone,
        )
        firm = cls(db=db or Database(settings.database_url), settings=settings, calendar=calendar)
        if clock is not None:
            firm.clock = clock
        elif settings.now is not None:
            firm.clock = _shifted_clock(settings.now)
        return firm

    @property
    def numbers(self) -> Numbers:
        return self.settings.numbers

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.calendar.today(self.clock())


def _shifted_clock(start: datetime) -> Callable[[], datetime]:
    """A clock that reads `start` now and runs on in real time from there (CASEBOT_NOW)."""
    offset = start - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


@dataclass(frozen=True)
class Outcome:
    """What a change did: a one-line message for the person, and the case as it now stands."""

    message: str
    card: CaseCard | None = None
    moved_to: str | None = None
    undo: int | None = None  # the change's audit entry, which an Undo button carries
    views: frozenset[str] = frozenset()  # who else now sees the case, or no longer does (see Firm.on_views)


class Transaction:
    """One service call's transaction; database trouble becomes a friendly TryAgain.

    Inside a request (bot/services/request.py) it also does, once per request, what the request left to
    the first transaction that can: a change claims the request's replay key with itself (a replay is
    refused and changes nothing), and the caller's deferred check reads and checks the caller's row here."""

    def __init__(self, firm: Firm, *, write: bool = True) -> None:
        self.firm = firm
        self.write = write
        self._claiming: Request | None = None

    def __enter__(self) -> Session:
        try:
            self._cm = self.firm.db.uow(write=self.write)
            session = self._cm.__enter__()
        except DatabaseUnavailable as exc:
            raise _try_again() from exc
        serving = request.current()
        if serving is not None:
            try:
                self._for_request(session, serving)
            except BaseException:
                self.__exit__(*sys.exc_info())
                raise
        return session

    def _for_request(self, session: Session, serving: Request) -> None:
        if self.write and serving.claims and not serving.claimed:
            now = self.firm.now()
            for key in serving.claims:
                if not claim_in(session, key, now):
                    log.warning("Refused a replayed request inside its change")
                    raise NotAllowed("That request was already handled; nothing was changed.")
            self._claiming = serving
        request.run_pending(lambda user: q.get_staff(session, user))

    def __exit__(self, *exc: Any) -> None:
        try:
            self._cm.__exit__(*exc)
        except DatabaseUnavailable as err:
            raise _try_again() from err
        if self._claiming is not None and exc[0] is None:
            self._claiming.claimed = True


def _try_again() -> TryAgain:
    return TryAgain(
        "casebot could not reach its database just now, so nothing was saved. Please try again in a moment."
    )
