"""The Notifier port: how the core hands a message to someone, and the plain messages it hands over.

bot/delivery/ decides what is owed to whom and calls a Notifier; handlers/slack/notifier.py is the Slack
implementation (Block Kit from handlers/blocks/outbound.py). Tests and the console may plug in their own.
Nothing here knows Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.delivery.client_ports import ClientProblemMessage
from bot.delivery.reply_messages import ClientWroteMessage, UnknownNumberMessage
from bot.services.cards import DueItem
from bot.services.people import PersonInfo

__all__ = [
    "ClientProblemMessage",
    "ClientWroteMessage",
    "UnknownNumberMessage",
    "PersonInfo",
]  # the Notifier's `person` answers the services' own PersonInfo


class DeliveryFailed(Exception):
    """A message did not go out. `retryable` (rate limit, server error, network) keeps it pending for a
    later try; otherwise (no such user, deactivated account) it is marked failed and logged."""

    def __init__(self, reason: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class DigestMessage:
    """A person's daily digest: overdue (most overdue first), then due today."""

    user_id: str
    day: date
    overdue: tuple[DueItem, ...]
    due_today: tuple[DueItem, ...]
    covering: tuple[str, ...] = ()  # away managers whose items are included
    flags: tuple[CaseFlags, ...] = ()  # cases with something to flag (limitation red, an offer not told)
    notes: tuple[LastNote, ...] = ()  # the last note typed with a client contact, for client items' cases

    def flags_for(self, case: str) -> CaseFlags | None:
        return next((f for f in self.flags if f.case == case), None)

    def note_for(self, case: str) -> LastNote | None:
        return next((n for n in self.notes if n.case == case), None)


@dataclass(frozen=True)
class LastNote:
    """The note typed with the case's latest client contact that has one: shown in the manager's own DM."""

    case: str
    on: date
    note: str


@dataclass(frozen=True)
class ReminderMessage:
    """One obligation that came due today after the person's digest went out."""

    user_id: str
    day: date
    item: DueItem
    covering_for: str | None = None  # the away manager, when sent to their cover


@dataclass(frozen=True)
class EscalationMessage:
    """Client or adjuster obligations overdue past the playbook's limit, raised to a lead. No amounts."""

    user_id: str
    day: date
    items: tuple[DueItem, ...]
    after_business_days: int


@dataclass(frozen=True)
class WeeklyReportMessage:
    """Monday's report to a lead: open cases by stage, overdue by manager, the oldest overdue items."""

    user_id: str
    week_of: date
    by_stage: tuple[tuple[str, int], ...]  # (stage label, open cases)
    overdue_by_manager: tuple[tuple[str, int], ...]  # (manager user id, overdue obligations)
    oldest: tuple[DueItem, ...]


@dataclass(frozen=True)
class LateOffer:
    """An offer the client was not told of within the playbook's business days. No amount."""

    n: int
    received_on: date
    final: bool
    business_days: int  # business days since it came in


@dataclass(frozen=True)
class CaseFlags:
    """What a digest item flags about its case: the limitation date inside the red window (with the open
    hold-ups, flagged red), and offers the client was not told of in time."""

    case: str
    limitation_on: date | None = None
    days_left: int | None = None
    red: bool = False  # inside the red window while the case is open and not in litigation
    holdups: tuple[str, ...] = ()  # labels of the open hold-ups; shown only when red
    late_offers: tuple[LateOffer, ...] = ()

    @property
    def any(self) -> bool:
        return self.red or bool(self.late_offers)


@dataclass(frozen=True)
class LimitationAlertMessage:
    """A statute-of-limitations alert as the case crosses a threshold (180, 90, 60, 30 days). Names the case,
    the client, the date, the days left and the open hold-ups (red inside the red window); no amounts and
    no medical details."""

    user_id: str
    day: date
    case: str
    client: str
    manager: str
    limitation_on: date
    days_left: int
    threshold: int
    stage_label: str
    holdups: tuple[str, ...] = ()
    red: bool = False
    covering_for: str | None = None  # the away manager, when sent to their cover
    basis: str = ""  # where the date comes from ("suit against a public entity: 1 year … § 12-821(A) …")
    public: bool = False  # the last day to sue a public entity


@dataclass(frozen=True)
class ClaimDeadlineAlertMessage:
    """A claim-deadline alert as a claim against a public entity crosses a threshold (90, 60, 30, 14, 7 days
    before the last day to present it). Names the case, the client, the deadline, the days left and where
    the deadline comes from (the statute, or entered by hand); no amounts and no medical details."""

    user_id: str
    day: date
    case: str
    client: str
    manager: str
    deadline_on: date
    days_left: int
    threshold: int
    basis: str  # the statute and period, or "entered by hand"
    stage_label: str
    covering_for: str | None = None  # the away manager, when sent to their cover


@dataclass(frozen=True)
class WeeklyChartMessage:
    """The weekly report's picture (open cases by stage and days in stage), uploaded to a lead's DM."""

    user_id: str
    week_of: date
    png: bytes
    title: str
    alt_text: str


@dataclass(frozen=True)
class HandoverMessage:
    """To a lead: a manager can no longer receive client data (made a guest, deactivated, of another
    workspace), so their open cases need another manager. Case numbers only."""

    user_id: str
    day: date
    person: str
    why: str  # "was deactivated", "is now a guest", …
    cases: tuple[str, ...]


Message = (
    DigestMessage
    | ReminderMessage
    | EscalationMessage
    | WeeklyReportMessage
    | LimitationAlertMessage
    | ClaimDeadlineAlertMessage
    | WeeklyChartMessage
    | HandoverMessage
    | ClientProblemMessage
    | ClientWroteMessage
    | UnknownNumberMessage
)


class Notifier(Protocol):
    def send(self, message: Message) -> str:
        """Deliver `message` as a direct message to `message.user_id` (a WeeklyChartMessage as a file in
        that DM); answer the message's id (Slack ts, or the file's id). Raises DeliveryFailed."""
        ...

    def person(self, user_id: str) -> PersonInfo | None:
        """What is known about this person (for their time zone), or None if it can't be found now."""
        ...
