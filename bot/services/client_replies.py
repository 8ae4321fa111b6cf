"""A client's text or email reply, received: matched to its case, STOP, START and HELP honoured at once, the
manager told (their cover while away) and the case given R15 (the client wrote: answer by the next business day).

Each message is one transaction: the message (kept as written), any change of consent (with its audit entry),
the confirmation the carrier expects (queued through the client-message outbox), the DM to whoever owns the
case (a `deliveries` row, sent by the outbox) and the re-plan that opens R15 commit together or not at all.
A message is recorded once: the same MessageSid (or email Message-ID) delivered again changes nothing.

Which case a text belongs to: the case whose client casebot last texted at that number; else the only open
case with that number; else nobody's, and the leads get it by DM as "a text from an unknown number".
An email comes back through its reply address's token (or the Message-ID it answers)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import CasebotError
from bot.rules.email_reply import InboundEmail
from bot.rules.keyword_replies import keyword_reply
from bot.rules.keywords import Keyword, Reading, keyword_of, reads_like_stop
from bot.services.access import is_away
from bot.services.changes import audit, replan
from bot.services.client_updates import queue_client_message
from bot.services.clients import record_consent
from bot.services.firm import Firm, Transaction
from bot.services.people import leads
from storage import client_queries as cq
from storage import deliveries
from storage import queries as q
from storage import reply_queries as rq
from storage.client_models import ClientMessage, ClientProfile
from storage.models import Case, Delivery, EventClaim

# The kinds of DM this module claims (bot/delivery/client_replies.py renders them).
CLIENT_WROTE = "client-wrote"
UNKNOWN_NUMBER = "client-unknown"
WROTE_R15 = "R15"  # an inbound message's rule: it asks for an answer (a keyword does not)
STOP_READ = "the client's message read as a request to stop"  # the consent source a manager may undo
MAX_TEXT = 1600  # Twilio's longest text; an email's new text is kept to the same length in the DM's preview
MAX_EMAIL_TEXT = 20_000
CASEBOT = "casebot"  # who sent a keyword's answer


@dataclass(frozen=True)
class Received:
    """What became of a message from a client (for the entry point and the tests; the DMs are claimed)."""

    what: str  # duplicate | message | stop | start | help | stop-request | unknown
    case: str | None = None
    message_id: int | None = None
    deliveries: tuple[str, ...] = ()  # the DMs claimed: their keys, to send now
    queued: tuple[int, ...] = ()  # client messages queued (a keyword's confirmation), to send now


def receive_text(firm: Firm, *, sid: str, sender: str, to: str, body: str, media: int = 0) -> Received:
    """A text from `sender` (E.164), as Twilio delivered it."""
    try:
        with Transaction(firm) as s:
            if not _first_time(s, firm, f"twilio:{sid}") or cq.message_by_provider_id(s, sid) is not None:
                return Received("duplicate")
            case, on_cases = _case_for_number(s, sender)
            if case is None:
                return _unknown_number(s, firm, sid, sender, body, media, on_cases)
            return _from_client(
                s, firm, case, sid=sid, channel="sms", sender=sender, to=to, text=body, media=media
            )
    except IntegrityError:  # the same message, delivered twice at once: the other delivery recorded it
        return Received("duplicate")


def known_reply_token(firm: Firm, token: str) -> bool:
    """Whether casebot sent an email with this reply token (the SMTP server refuses any other address)."""
    with Transaction(firm, write=False) as s:
        return rq.message_by_reply_token(s, token) is not None


def reply_token_to(firm: Firm, address: str) -> str | None:
    """The reply token of casebot's latest email to `address`, or None (`casebot console`'s pretend client
    answers that email, as a client's mail program would)."""
    with Transaction(firm, write=False) as s:
        sent = rq.last_answerable_email_to(s, address)
        return sent.reply_token if sent is not None else None


def receive_email(firm: Firm, token: str, mail: InboundEmail) -> Received:
    """An email reply to the message that carried `token` (its reply address). The reply's own Message-ID
    makes it once: a mail server delivering it again changes nothing."""
    digest = hashlib.sha256(f"{token}\n{mail.message_id}\n{mail.text}".encode()).hexdigest()
    key = mail.message_id or f"<{digest[:40]}@casebot.invalid>"
    try:
        with Transaction(firm) as s:
            answered = rq.message_by_reply_token(s, token)
            if answered is None:
                raise CasebotError("No message carried that reply address.")
            if (
                not _first_time(s, firm, f"mail:{digest[:50]}")
                or cq.message_by_provider_id(s, key) is not None
            ):
                return Received("duplicate")
            case = s.get(Case, answered.case_id)
            assert case is not None
            text = mail.text[:MAX_EMAIL_TEXT]
            return _from_client(
                s,
                firm,
                case,
                sid=key,
                channel="email",
                sender=mail.sender,
                to=answered.from_addr or "",
                text=text,
                media=mail.attachments,
                subject=answered.subject,
            )
    except IntegrityError:
        return Received("duplicate")


def _first_time(s: Session, firm: Firm, key: str) -> bool:
    if s.get(EventClaim, key[:64]) is not None:
        return False
    s.add(EventClaim(event_id=key[:64], claimed_at=firm.now()))
    return True


def _case_for_number(s: Session, number: str) -> tuple[Case | None, tuple[str, ...]]:
    """The case a text from `number` belongs to, or None with the open cases that have the number (when more
    than one does)."""
    last = rq.last_sent_to(s, number, "sms")
    if last is not None:
        return s.get(Case, last.case_id), ()
    open_cases = [c for c in rq.cases_with_phone(s, number) if c.closed_on is None]
    if len(open_cases) == 1:
        return open_cases[0], ()
    return None, tuple(sorted(c.number for c in open_cases))


def _from_client(
    s: Session,
    firm: Firm,
    case: Case,
    *,
    sid: str,
    channel: str,
    sender: str,
    to: str,
    text: str,
    media: int,
    subject: str | None = None,
) -> Received:
    profile = cq.profile(s, case.id, create=True)
    assert profile is not None
    reading = keyword_of(text) if channel == "sms" else None
    if reading is not None and reading.only_if_opted_out and profile.sms_consent:
        reading = None  # YES / SÍ answers the manager: the number is not opted out
    # In an email, STOP is no carrier keyword: like a request to stop in words, a person confirms it.
    said_stop = (
        channel == "email" and (found := keyword_of(text)) is not None and found.keyword is Keyword.STOP
    )
    stop_request = reading is None and (said_stop or reads_like_stop(text))
    now = firm.now()
    message = ClientMessage(
        case_id=case.id,
        direction="in",
        channel=channel,
        rule=None if reading is not None else WROTE_R15,
        language=profile.language,
        to_addr=to[:254],
        from_addr=sender[:254],
        subject=("Re: " + subject)[:200] if subject else None,
        body=text,
        provider_id=sid,
        status="received",
        by="client",
        created_at=now,
    )
    s.add(message)
    s.flush()
    audit(s, firm, case, "client", "client_wrote", channel=channel, message=message.id, media=media or None)
    what: str = "message"
    queued: tuple[int, ...] = ()
    if reading is not None:
        what, queued = _keyword(s, firm, case, profile, reading, message)
    elif stop_request:
        what = "stop-request"
        if profile.sms_consent:
            record_consent(s, firm, case, granted=False, source=STOP_READ, by="client")
    replan(s, firm, case, "client")
    keys = _tell_owner(s, firm, case, message, what)
    return Received(what, case.number, message.id, keys, queued)


def _keyword(
    s: Session, firm: Firm, case: Case, profile: ClientProfile, reading: Reading, message: ClientMessage
) -> tuple[str, tuple[int, ...]]:
    """STOP opts every case with the number out at once and confirms once (a repeated STOP gets nothing);
    START opts back in and confirms; HELP answers with the firm's name and phone."""
    word = message.body.strip()[:20]
    if reading.keyword is Keyword.STOP:
        consenting = [p for p in cq.profiles_with_phone(s, message.from_addr or "") if p.sms_consent]
        for other in consenting:
            other_case = s.get(Case, other.case_id)
            assert other_case is not None
            record_consent(
                s, firm, other_case, granted=False, source=f"the client texted {word}", by="client"
            )
        for other in cq.profiles_with_phone(s, message.from_addr or ""):
            # Opted out: the card and a refused update say so, until START (record_consent clears it).
            other.phone_problem, other.phone_problem_at = "opted-out", firm.now()
        if not consenting and rq.last_keyword_reply(s, message.from_addr or "") == Keyword.STOP.value:
            return "stop", ()  # opted out already, and told so: nothing after a STOP
        return "stop", (_confirm(s, firm, case, profile, Keyword.STOP, message),)
    if reading.keyword is Keyword.START:
        for other in cq.profiles_with_phone(s, message.from_addr or ""):
            other_case = s.get(Case, other.case_id)
            assert other_case is not None
            if not other.sms_consent and other_case.closed_on is None:
                record_consent(
                    s, firm, other_case, granted=True, source=f"the client texted {word}", by="client"
                )
        return "start", (_confirm(s, firm, case, profile, Keyword.START, message),)
    return "help", (_confirm(s, firm, case, profile, Keyword.HELP, message),)


def _confirm(
    s: Session, firm: Firm, case: Case, profile: ClientProfile, keyword: Keyword, answering: ClientMessage
) -> int:
    """The one answer a carrier expects to a keyword, in the client's language, sent at once: no hold, no
    quiet hours, and (for STOP) though the number has just opted out. It is not a client contact."""
    reply = keyword_reply(
        keyword, profile.language or "en", firm.settings.firm_name, firm.settings.clients.firm_phone or ""
    )
    message = ClientMessage(
        case_id=case.id,
        direction="out",
        channel="sms",
        rule=None,
        language=profile.language,
        to_addr=answering.from_addr or "",
        from_addr=answering.to_addr,
        body=reply,
        status="held",
        by=CASEBOT,
        created_at=firm.now(),
        send_after=firm.now(),
        keyword=keyword.value,
    )
    s.add(message)
    s.flush()
    queue_client_message(s, firm, message, case.manager_id, firm.now())
    return message.id


def owner_of(s: Session, firm: Firm, case: Case) -> str:
    """Who hears about the client's message: the manager, or their cover while they are away."""
    day, who, seen = firm.today(), case.manager_id, set()
    while True:
        staff = q.get_staff(s, who)
        if not is_away(staff, day) or staff is None or not staff.cover_id or staff.cover_id in seen:
            return who
        seen.add(who)
        who = staff.cover_id


def _tell_owner(s: Session, firm: Firm, case: Case, message: ClientMessage, what: str) -> tuple[str, ...]:
    owner = owner_of(s, firm, case)
    key = f"{CLIENT_WROTE}:{message.id}"
    s.add(
        Delivery(
            key=key,
            kind=CLIENT_WROTE,
            user_id=owner,
            for_day=firm.today(),
            state="pending",
            attempts=0,
            payload={"message": message.id, "what": what, "for": case.manager_id},
            created_at=firm.now(),
        )
    )
    return (key,)


def _unknown_number(
    s: Session, firm: Firm, sid: str, sender: str, body: str, media: int, on_cases: tuple[str, ...]
) -> Received:
    """A text from a number no case can claim: every lead gets it by DM to route it. Its words live only in
    those DMs' rows (there is no case to keep them on)."""
    keys = []
    for lead in leads(s, firm):
        key = f"{UNKNOWN_NUMBER}:{sid}:{lead}"[:200]
        if deliveries.get_delivery(s, key) is not None:
            continue
        s.add(
            Delivery(
                key=key,
                kind=UNKNOWN_NUMBER,
                user_id=lead,
                for_day=firm.today(),
                state="pending",
                attempts=0,
                payload={"from": sender, "text": body[:MAX_TEXT], "media": media, "cases": list(on_cases)},
                created_at=firm.now(),
            )
        )
        keys.append(key)
    return Received("unknown", deliveries=tuple(keys))
