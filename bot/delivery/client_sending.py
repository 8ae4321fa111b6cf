"""Sending client messages through the outbox (kind `client-message`, key `client-message:<id>`).

Each one is claimed when it is queued (bot/services/client_updates.py), so it exists once. Here, each tick:
1. **Lease** the due ones, as every delivery is leased (outbox.py): one sender at a time, across replicas.
2. **Check again**, just before it goes: still held (not undone); inside the client's quiet hours (else it
   waits for them); for a text, the client still agrees to texts at that number and has not said STOP.
3. **Move it to `sending`** (atomically, from `held`): from then on `/case undo` can no longer cancel it.
4. **Hand it to the carrier.** Accepted: `sent`, and the client contact is logged (or, for a call rule, an
   attempt). 429, 5xx, the network: back off (honouring Retry-After) and try again. Refused for good
   (21211, 21614, 21610): `refused`, the number is marked, the manager is told by DM (kind `client-problem`).

The crash window: a sender that dies between the carrier's acceptance and marking the message sent leaves it
`sending`; when the lease ends the message is NOT sent again (a client must never get the same text twice)
but marked `failed` with "outcome unknown" and the manager is told, so they can check with the client.
Twilio's Messages API has no idempotency key, so at-most-once is the only safe choice for a client."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.delivery.client_ports import (
    ClientProblemMessage,
    ClientSender,
    ClientSendFailed,
    OutgoingClientMessage,
)
from bot.delivery.outbox import LEASE, backoff, finish
from bot.logs import failure, where
from bot.rules.client_details import next_allowed
from bot.services.client_outcomes import CLIENT_PROBLEM, message_accepted, message_refused, message_skipped
from bot.services.client_updates import CLIENT_MESSAGE, client_zone, reply_headers
from bot.services.firm import Firm
from storage import client_queries as cq
from storage import deliveries
from storage import queries as q
from storage.client_models import ClientMessage
from storage.models import Delivery

log = logging.getLogger(__name__)

STATUS_PATH = "/twilio/status"


@dataclass
class ClientSendReport:
    sent: int = 0
    waiting: int = 0
    failed: int = 0
    skipped: int = 0


def status_callback_url(firm: Firm) -> str | None:
    base = firm.settings.public_base_url
    return f"{base}{STATUS_PATH}" if base else None


def _recheck(firm: Firm, message: ClientMessage, now: datetime) -> tuple[str, datetime | None] | None:
    """Why it must not go now: ("skip", None) with the reason in the log, or ("wait", until). None: it may go."""
    if message.keyword is not None:
        return None  # the answer to STOP, START or HELP: the carrier expects it at once (issue 22)
    with firm.db.uow(write=False) as s:
        profile = cq.profile(s, message.case_id)
        zone = client_zone(firm, profile)
        settings = firm.settings.clients
        allowed = next_allowed(now, zone, settings.quiet_start, settings.quiet_end)
        if allowed > now:
            return "wait", allowed
        if message.channel == "sms" and (
            profile is None
            or not profile.sms_consent
            or profile.phone != message.to_addr
            or profile.phone_problem is not None
        ):
            return "skip", None
    return None


def _skip_reason(firm: Firm, message: ClientMessage) -> str:
    with firm.db.uow(write=False) as s:
        profile = cq.profile(s, message.case_id)
    if profile is None or profile.phone != message.to_addr:
        return "the client's number changed while it was held"
    if profile.phone_problem == "opted-out":
        return "the client opted out of texts (STOP) while it was held"
    if profile.phone_problem:
        return f"the carrier refused the number ({profile.phone_problem})"
    return "the client's consent to texts was withdrawn while it was held"


def send_client_messages(
    firm: Firm, senders: Mapping[str, ClientSender], *, limit: int = 200
) -> ClientSendReport:
    """Send every client message that is due, each as the module docstring says."""
    report = ClientSendReport()
    now = firm.now()
    with firm.db.uow() as s:
        due = deliveries.deliveries_to_send(s, now, limit, kind=CLIENT_MESSAGE)
    for d in due:
        with firm.db.uow() as s:
            if not deliveries.lease_delivery(s, d.id, now, now + LEASE):
                continue  # another sender has it
        _send_one(firm, senders, d, now, report)
    return report


def _send_one(
    firm: Firm, senders: Mapping[str, ClientSender], d: Delivery, now: datetime, report: ClientSendReport
) -> None:
    message_id = int(d.payload.get("message", 0))
    with firm.db.uow(write=False) as s:
        message = cq.message(s, message_id)
    if message is None or message.status != "held":
        if message is not None and message.status == "sending":
            # Its last attempt died with the carrier's answer unknown: never send a client the same text twice.
            finish(firm, d.id, state="failed", next_try_at=None, last_error="outcome unknown")
            message_refused(
                firm,
                message.id,
                problem=None,
                code=None,
                reason="casebot stopped while sending it; check with the client whether it arrived",
            )
            report.failed += 1
            return
        finish(firm, d.id, state="skipped", next_try_at=None, last_error="no longer held")
        report.skipped += 1
        return
    why = _recheck(firm, message, now)
    if why is not None and why[0] == "wait":
        finish(firm, d.id, next_try_at=why[1], last_error="waiting for the client's quiet hours to end")
        report.waiting += 1
        return
    if why is not None:
        reason = _skip_reason(firm, message)
        finish(firm, d.id, state="skipped", next_try_at=None, last_error=reason)
        message_skipped(firm, message.id, reason)
        report.skipped += 1
        return
    sender = senders.get(message.channel)
    if sender is None:
        finish(
            firm,
            d.id,
            next_try_at=now + backoff(d.attempts + 1),
            last_error=f"no {message.channel} sender configured",
        )
        report.waiting += 1
        return
    with firm.db.uow() as s:
        if not cq.set_status(s, message.id, ("held",), status="sending", status_at=now):
            finish(firm, d.id, state="skipped", next_try_at=None, last_error="undone")
            report.skipped += 1
            return
    outgoing = OutgoingClientMessage(
        message_id=message.id,
        channel=message.channel,
        to=message.to_addr,
        text=message.body,
        subject=message.subject,
        html=message.html,
        status_callback=status_callback_url(firm) if message.channel == "sms" else None,
        **reply_headers(firm, message),
    )
    try:
        provider_id = sender.send(outgoing)
    except ClientSendFailed as exc:
        _failed(firm, d, message, exc, now, report)
        return
    except Exception as exc:  # unknown trouble: it may or may not have gone; try again later
        failure(log, "send a client message", exc, key=d.key)
        _back_to_held(firm, message.id)
        finish(firm, d.id, next_try_at=now + backoff(d.attempts + 1), last_error=where(exc)[:2000])
        report.waiting += 1
        return
    message_accepted(firm, message.id, provider_id)
    finish(
        firm,
        d.id,
        state="sent",
        sent_at=firm.now(),
        slack_ts=provider_id[:40],
        next_try_at=None,
        last_error=None,
    )
    report.sent += 1


def _back_to_held(firm: Firm, message_id: int) -> None:
    with firm.db.uow() as s:
        cq.set_status(s, message_id, ("sending",), status="held")


def _failed(
    firm: Firm,
    d: Delivery,
    message: ClientMessage,
    exc: ClientSendFailed,
    now: datetime,
    report: ClientSendReport,
) -> None:
    if exc.retryable:
        _back_to_held(firm, message.id)
        finish(
            firm,
            d.id,
            next_try_at=now + backoff(d.attempts + 1, exc.retry_after),
            last_error=exc.reason[:2000],
        )
        report.waiting += 1
        return
    finish(firm, d.id, state="failed", next_try_at=None, last_error=exc.reason[:2000])
    message_refused(firm, message.id, problem=exc.problem, code=exc.code, reason=exc.reason)
    log.error("The carrier refused client message %s: %s", message.id, exc.reason)
    report.failed += 1


def render_client_problem(s: Session, firm: Firm, d: Delivery) -> ClientProblemMessage | None:
    """The DM for a `client-problem` delivery (see client_outcomes._tell)."""
    message = cq.message(s, int(d.payload.get("message", 0)))
    if message is None:
        return None
    case = q.get_case_by_id(s, message.case_id)
    if case is None:
        return None
    return ClientProblemMessage(
        user_id=d.user_id,
        day=d.for_day,
        case=case.number,
        client=case.client_name,
        rule=message.rule,
        channel=message.channel,
        what=str(d.payload.get("what", "failed")),
        why=str(d.payload.get("why", "")),
    )


__all__ = ["CLIENT_PROBLEM", "render_client_problem", "send_client_messages", "status_callback_url"]
