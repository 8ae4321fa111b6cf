"""What casebot sends on its own, each kind of message (bot/delivery/ports.py) to its builder."""

from __future__ import annotations

from bot.delivery.ports import (
    ClaimDeadlineAlertMessage,
    ClientProblemMessage,
    ClientWroteMessage,
    DigestMessage,
    EscalationMessage,
    HandoverMessage,
    LimitationAlertMessage,
    Message,
    ReminderMessage,
    UnknownNumberMessage,
    WeeklyReportMessage,
)
from handlers.blocks.alerts import (
    build_claim_deadline_alert,
    build_escalation,
    build_handover,
    build_limitation_alert,
    build_weekly_report,
)
from handlers.blocks.client_replies import build_client_wrote, build_unknown_number
from handlers.blocks.client_updates import build_client_problem
from handlers.blocks.digests import build_digest, build_reminder
from handlers.blocks.kit import Block


def build_notification(m: Message) -> tuple[str, list[Block]]:
    """A message's fallback text and blocks."""
    if isinstance(m, DigestMessage):
        return build_digest(m)
    if isinstance(m, ReminderMessage):
        return build_reminder(m)
    if isinstance(m, EscalationMessage):
        return build_escalation(m)
    if isinstance(m, WeeklyReportMessage):
        return build_weekly_report(m)
    if isinstance(m, LimitationAlertMessage):
        return build_limitation_alert(m)
    if isinstance(m, HandoverMessage):
        return build_handover(m)
    if isinstance(m, ClaimDeadlineAlertMessage):
        return build_claim_deadline_alert(m)
    if isinstance(m, ClientProblemMessage):
        return build_client_problem(m)
    if isinstance(m, ClientWroteMessage):
        return build_client_wrote(m)
    if isinstance(m, UnknownNumberMessage):
        return build_unknown_number(m)
    builder = getattr(m, "build", None)  # other kinds may carry their own builder
    if callable(builder):
        result: tuple[str, list[Block]] = builder()
        return result
    raise TypeError(f"no Block Kit builder for {type(m).__name__}")
