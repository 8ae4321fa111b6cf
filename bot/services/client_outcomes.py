"""What happens to a client message after it leaves casebot's hands: accepted by the carrier (the client
contact is logged, or for a call rule an attempt is recorded), refused for good (the number is marked and
the manager told), or reported failed or undelivered later by the carrier's callback (the contact is voided
as `/case fix … void` would, what it closed reopens, and the manager is told)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.rules.playbook import Attempt, ContactKind
from bot.services.changes import audit, replan
from bot.services.contacts import add_attempt, record_contact
from bot.services.corrections import recompute_contacts
from bot.services.firm import Firm, Transaction
from storage import client_queries as cq
from storage import deliveries
from storage import queries as q
from storage.client_models import ClientMessage
from storage.models import Case, Delivery

log = logging.getLogger(__name__)

CLIENT_PROBLEM = "client-problem"  # the outbox kind that DMs people what went wrong with a client message
CARRIER = "carrier"  # who voids a contact when the carrier reports a message failed
FAILED_STATUSES = ("failed", "undelivered")
# Twilio's statuses after `sent`, in the order they can come; a late callback never moves a message back.
_LATER = {"queued": 0, "accepted": 0, "sending": 1, "sent": 2, "delivered": 3, "read": 4}


def _lock(s: Session, message_id: int) -> tuple[ClientMessage, Case] | None:
    message = cq.message(s, message_id)
    if message is None:
        return None
    case = q.get_case_by_id(s, message.case_id, for_update=True)
    if case is None:
        return None
    message = cq.message(s, message_id, for_update=True)
    return (message, case) if message is not None else None


def _record_attempt(s: Session, firm: Firm, case: Case, message: ClientMessage) -> None:
    """A call rule's message asks the client to call: an attempt by sms or email, which closes nothing."""
    add_attempt(
        s,
        firm,
        case,
        message.by,
        ContactKind.CLIENT,
        firm.today(),
        Attempt(message.channel),
        f"{message.channel} asking the client to call ({message.rule})",
        rule=message.rule,
    )


def message_accepted(firm: Firm, message_id: int, provider_id: str) -> None:
    """The carrier accepted it: it is sent, and it is a client contact on the day it was accepted (or, for a
    call rule, an attempt), closing what a contact that day closes."""
    with Transaction(firm) as s:
        found = _lock(s, message_id)
        if found is None:
            return
        message, case = found
        now = firm.now()
        message.status, message.provider_id, message.sent_at, message.status_at = (
            "sent",
            provider_id,
            now,
            now,
        )
        message.error = message.error_code = None
        day = firm.today()
        what = f"{message.channel} update ({message.rule})" if message.rule else f"{message.channel} message"
        if message.attempt:
            _record_attempt(s, firm, case, message)
        elif message.direction == "out" and message.keyword is None:  # a keyword's answer is no contact
            record_contact(s, firm, case, message.by, "client", day, f"sent by casebot: {what}")
            contact = case.contacts[-1]
            contact.channel = message.channel
            s.flush()
            message.contact_id = contact.id
        audit(
            s,
            firm,
            case,
            message.by,
            "client_message_sent",
            message=message.id,
            rule=message.rule,
            channel=message.channel,
        )
        replan(s, firm, case, message.by)


def message_refused(
    firm: Firm, message_id: int, *, problem: str | None, code: str | None, reason: str
) -> None:
    """The carrier refused it for good (21211 invalid number, 21614 not a mobile, 21610 the client sent STOP):
    the message is refused, the number is marked, and the manager (and the sender) are told."""
    with Transaction(firm) as s:
        found = _lock(s, message_id)
        if found is None:
            return
        message, case = found
        now = firm.now()
        message.status, message.status_at, message.error_code, message.error = (
            "refused",
            now,
            code,
            reason[:2000],
        )
        profile = cq.profile(s, case.id)
        if problem and profile is not None and message.channel == "sms" and profile.phone == message.to_addr:
            profile.phone_problem, profile.phone_problem_at = problem, now
            if problem == "opted-out" and profile.sms_consent:
                from bot.services.clients import record_consent

                record_consent(
                    s,
                    firm,
                    case,
                    granted=False,
                    source="the carrier: the client opted out (STOP)",
                    by=CARRIER,
                )
        audit(
            s, firm, case, CARRIER, "client_message_refused", message=message.id, code=code, problem=problem
        )
        _tell(s, firm, case, message, "refused", reason)


def message_skipped(firm: Firm, message_id: int, why: str) -> None:
    """It was not sent after all (consent withdrawn, STOP, the number changed while it was held)."""
    with Transaction(firm) as s:
        found = _lock(s, message_id)
        if found is None:
            return
        message, case = found
        message.status, message.status_at, message.error = "cancelled", firm.now(), why
        audit(s, firm, case, CARRIER, "client_message_skipped", message=message.id, why=why)
        _tell(s, firm, case, message, "skipped", why)


def message_status(firm: Firm, provider_id: str, status: str, error_code: str | None = None) -> bool:
    """The carrier's later word on a message (its status callback). `failed` or `undelivered` voids the
    contact it logged and reopens what it closed, and tells the manager. Answers whether it knew the message."""
    status = status.strip().lower()
    with Transaction(firm) as s:
        message = cq.message_by_provider_id(s, provider_id)
        if message is None:
            return False
        found = _lock(s, message.id)
        if found is None:
            return False
        message, case = found
        if message.status in FAILED_STATUSES or message.status in ("refused", "cancelled"):
            return True  # already settled: a repeated or late callback changes nothing
        now = firm.now()
        if status in FAILED_STATUSES:
            message.status, message.status_at, message.error_code = status, now, error_code
            voided = _void_contact(s, firm, case, message)
            audit(
                s,
                firm,
                case,
                CARRIER,
                "client_message_failed",
                message=message.id,
                status=status,
                code=error_code,
            )
            reason = f"the carrier reported it {status}" + (f" (error {error_code})" if error_code else "")
            _tell(
                s,
                firm,
                case,
                message,
                status,
                reason + ("; the contact it logged is voided" if voided else ""),
            )
            return True
        if _LATER.get(status, -1) > _LATER.get(message.status, 2):
            message.status, message.status_at = status, now
        return True


def _void_contact(s: Session, firm: Firm, case: Case, message: ClientMessage) -> bool:
    contact = next((c for c in case.contacts if c.id == message.contact_id), None)
    if contact is None or contact.voided_at is not None:
        return False
    contact.voided_at, contact.voided_by = firm.now(), CARRIER
    recompute_contacts(case)
    replan(s, firm, case, CARRIER, reopen=True)
    return True


def _tell(s: Session, firm: Firm, case: Case, message: ClientMessage, what: str, why: str) -> None:
    """DM the case's manager (and whoever sent it, if someone else) through the outbox, once."""
    for user in dict.fromkeys((case.manager_id, message.by)):
        if user == "client":
            continue
        key = f"{CLIENT_PROBLEM}:{message.id}:{what}:{user}"
        if deliveries.get_delivery(s, key) is not None:
            continue
        s.add(
            Delivery(
                key=key,
                kind=CLIENT_PROBLEM,
                user_id=user,
                for_day=firm.today(),
                state="pending",
                attempts=0,
                payload={"message": message.id, "what": what, "why": why[:500]},
                created_at=firm.now(),
            )
        )
