"""Answering a client and reading the conversation: `/case reply` and the Reply form send the manager's own
words back by the channel the client last used, through the client-message outbox (its hold, consent and
quiet hours), logged as the client contact once the carrier accepts it; `/case messages` shows every message
both ways, newest first, to those who may see the case. The DM's other buttons: Not this case, and the
manager's answer to a message that read like a request to stop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.errors import Conflict, InputError, PreconditionNotMet
from bot.rules.client_details import next_allowed, shown_phone
from bot.rules.parsing import printable
from bot.rules.said import command
from bot.services.access import may_change
from bot.services.changes import audit, find_case, find_case_for, replan
from bot.services.client_replies import STOP_READ, UNKNOWN_NUMBER, WROTE_R15
from bot.services.client_updates import _check_sms, _turn_on, client_zone, queue_client_message
from bot.services.clients import record_consent
from bot.services.firm import Firm, Outcome, Transaction
from bot.services.people import leads
from storage import client_queries as cq
from storage import deliveries
from storage import reply_queries as rq
from storage.client_models import ClientMessage, ClientProfile
from storage.models import Case, Delivery

PAGE = 10
SMS_MAX = 1600  # Twilio's longest message
EMAIL_MAX = 20_000


@dataclass(frozen=True)
class ConversationLine:
    direction: str  # in | out
    channel: str  # sms | email
    at: datetime  # in the firm's time zone
    by: str  # a Slack user id, `client` or `casebot`
    status: str
    rule: str | None
    text: str


@dataclass(frozen=True)
class Conversation:
    case: str
    client: str
    page: int
    pages: int
    messages: tuple[ConversationLine, ...]


def conversation(firm: Firm, actor: str, number: str, page: int = 1) -> Conversation:
    """`/case messages`: a page of the case's messages with its client, newest first."""
    with Transaction(firm, write=False) as s:
        case = find_case_for(s, firm, actor, number)
        total = rq.message_count(s, case.id)
        pages = max(1, -(-total // PAGE))
        if page < 1 or page > pages:
            raise InputError(
                f"{case.number} has {pages} page{'s' if pages != 1 else ''} of messages.",
                example=command(f"messages {case.number} {pages}"),
                field="page",
            )
        rows = cq.messages_of(s, case.id, limit=PAGE, offset=(page - 1) * PAGE)
        tz = firm.settings.tz
        lines = tuple(
            ConversationLine(
                direction=m.direction,
                channel=m.channel,
                at=(m.sent_at or m.created_at).astimezone(tz),
                by=m.by,
                status=m.status,
                rule=m.rule if m.rule != WROTE_R15 else None,
                text=m.body,
            )
            for m in rows
        )
        return Conversation(case.number, case.client_name, page, pages, lines)


@dataclass(frozen=True)
class ReplyQueued:
    case: str
    channel: str
    to: str  # as shown
    message_id: int
    goes_at: datetime  # in the client's time zone
    held_for_quiet_hours: bool
    hold_minutes: int


def _reply_channel(s: Session, firm: Firm, case: Case, profile: ClientProfile | None) -> tuple[str, str]:
    """The channel the client last wrote by and where the reply goes; the client's preference when they
    have not written."""
    last = rq.last_received(s, case.id)
    if last is not None:
        channel = last.channel
    elif profile is not None and profile.prefer in ("sms", "email"):
        channel = profile.prefer
    else:
        raise PreconditionNotMet(
            f"{case.number}'s client has not written, so there is nothing to reply to; send an update instead.",
            example=command(f"update {case.number}"),
        )
    if profile is None:
        profile = cq.profile(s, case.id, create=True)
        assert profile is not None
    if channel == "sms":
        _check_sms(case, profile)
        to = profile.phone or ""
    else:
        to = (last.from_addr if last is not None and last.channel == "email" else None) or profile.email or ""
        if not to:
            raise PreconditionNotMet(
                f"{case.number}'s client has no email address.",
                example=command(f"client {case.number} email ana.rivera@example.com"),
            )
    if not firm.settings.clients.ready(channel):
        raise PreconditionNotMet(_turn_on(channel))
    return channel, to


def reply_to_client(firm: Firm, actor: str, number: str, text: str) -> ReplyQueued:
    """Send the manager's own words to the client, the way the client last wrote."""
    words = "\n".join(" ".join(printable(line).split()) for line in text.strip().splitlines()).strip()
    if not words:
        raise InputError(
            "Write the reply after the case number.",
            example=command(f"reply {number} Thanks, I'll call you tomorrow morning."),
            field="text",
        )
    settings = firm.settings.clients
    with Transaction(firm) as s:
        case = find_case(s, number, firm=firm, actor=actor, for_update=True)
        may_change(s, firm, actor, case)
        profile = cq.profile(s, case.id)
        channel, to = _reply_channel(s, firm, case, profile)
        limit = SMS_MAX if channel == "sms" else EMAIL_MAX
        if len(words) > limit:
            raise InputError(
                f"That reply is {len(words)} characters; a {'text' if channel == 'sms' else 'reply'} holds {limit}.",
                example=command(f"reply {case.number} Thanks, I'll call you tomorrow morning."),
                field="text",
            )
        now = firm.now()
        zone = client_zone(firm, profile)
        after_hold = now + timedelta(minutes=settings.hold_minutes)
        goes_at = next_allowed(after_hold, zone, settings.quiet_start, settings.quiet_end)
        last = rq.last_received(s, case.id)
        message = ClientMessage(
            case_id=case.id,
            direction="out",
            channel=channel,
            rule=None,
            language=profile.language if profile else "en",
            to_addr=to,
            from_addr=settings.twilio_from if channel == "sms" else settings.email_from,
            subject=_subject(firm, last) if channel == "email" else None,
            body=words,
            status="held",
            by=actor,
            created_at=now,
            send_after=goes_at,
        )
        if channel == "email" and last is not None and last.channel == "email":
            message.in_reply_to = last.provider_id  # the client's Message-ID: their mail client threads it
        s.add(message)
        s.flush()
        queue_client_message(s, firm, message, actor, goes_at)
        audit(s, firm, case, actor, "client_reply", channel=channel, message=message.id)
        shown = shown_phone(to) if channel == "sms" else to
        return ReplyQueued(
            case.number,
            channel,
            shown,
            message.id,
            goes_at.astimezone(zone),
            goes_at > after_hold,
            settings.hold_minutes,
        )


def _subject(firm: Firm, last: ClientMessage | None) -> str:
    if last is not None and last.subject:
        return last.subject[:200]
    return f"A message from {firm.settings.firm_name}"[:200]


def reply_target(firm: Firm, actor: str, message_id: int) -> tuple[str, str, str, str]:
    """What the Reply form shows: the case, the client, the channel and where it goes. Refuses (nothing
    opened) whoever may not see the case, and a reply that could not be sent."""
    with Transaction(firm, write=False) as s:
        message = cq.message(s, message_id)
        case = s.get(Case, message.case_id) if message is not None else None
        if message is None or case is None or message.direction != "in":
            raise InputError("That message is no longer there.")
        may_change(s, firm, actor, case)
        channel, to = _reply_channel(s, firm, case, cq.profile(s, case.id))
        return case.number, case.client_name, channel, shown_phone(to) if channel == "sms" else to


def _inbound(s: Session, firm: Firm, actor: str, message_id: int) -> tuple[ClientMessage, Case]:
    message = cq.message(s, message_id, for_update=True)
    case = s.get(Case, message.case_id) if message is not None else None
    if message is None or case is None or message.direction != "in":
        raise InputError("That message is no longer there.")
    may_change(s, firm, actor, case)
    return message, case


def not_this_case(firm: Firm, actor: str, message_id: int) -> Outcome:
    """The manager says the message is not from this case's client: it leaves the case (its R15 is cancelled)
    and goes to the leads to route, like a text from an unknown number."""
    with Transaction(firm) as s:
        message, case = _inbound(s, firm, actor, message_id)
        if message.status != "received":
            raise Conflict(f"That message was taken off {case.number} already.")
        message.status, message.status_at = "misrouted", firm.now()
        audit(s, firm, case, actor, "client_message_not_this_case", message=message.id)
        replan(s, firm, case, actor)
        for lead in leads(s, firm):
            key = f"{UNKNOWN_NUMBER}:{message.provider_id or message.id}:{lead}"[:200]
            if deliveries.get_delivery(s, key) is None:
                s.add(
                    Delivery(
                        key=key,
                        kind=UNKNOWN_NUMBER,
                        user_id=lead,
                        for_day=firm.today(),
                        state="pending",
                        attempts=0,
                        payload={"message": message.id, "not_case": case.number, "by": actor},
                        created_at=firm.now(),
                    )
                )
        return Outcome(f"Took that message off {case.number}; the leads will route it.")


def answer_stop_request(firm: Firm, actor: str, message_id: int, *, stop: bool) -> Outcome:
    """The manager's answer to a message that read like a request to stop: yes (texts stay off), or no (texts
    are on again, as they were before it). Either is on the case's history."""
    with Transaction(firm) as s:
        message, case = _inbound(s, firm, actor, message_id)
        profile = cq.profile(s, case.id, create=True)
        assert profile is not None
        if stop:
            if profile.sms_consent:
                record_consent(
                    s, firm, case, granted=False, source="the client asked to stop (confirmed)", by=actor
                )
            else:
                audit(s, firm, case, actor, "client_stop_confirmed", message=message.id)
            return Outcome(f"{case.number}'s client gets no texts; casebot sends them nothing by SMS.")
        stopped_by_it = profile.sms_consent_source == STOP_READ and profile.sms_consent_by == "client"
        if profile.sms_consent or not stopped_by_it:
            raise Conflict(f"That message did not stop texts to {case.number}'s client; nothing changed.")
        record_consent(
            s,
            firm,
            case,
            granted=True,
            source="the manager read the client's message: not a request to stop",
            by=actor,
        )
        return Outcome(f"Texts to {case.number}'s client are on again.")
