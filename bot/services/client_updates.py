"""Client updates (`/case update`): the playbook's notice for an open client obligation, previewed in the
client's language, then queued through the outbox to go once, after a hold and inside the quiet hours.

What a notice can say is fixed by bot/rules/notices.py (a whitelist of fields). What may be sent, to whom:
- texts only to a number whose client agreed to texts, that the carrier has not refused, and whose client has
  not said STOP; checked when previewed, when queued, and again just before it goes (bot/delivery/client_sending.py);
- R2, R4, R5, R6, R8, R9, R13 as the notice itself; R1, R10, R11, R12 are calls: their only message asks the
  client to call the manager, and sending it records an attempt (the obligation stays open);
- only for an obligation of the case that is open: a notice never speaks of something that has not happened.
Queued, it waits CLIENT_MESSAGE_HOLD_MINUTES (`/case undo` cancels it meanwhile), then for the quiet hours."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from bot.errors import Conflict, InputError, PreconditionNotMet
from bot.rules.client_details import (
    CALL_RULES,
    CHANNELS,
    BadPhone,
    Segments,
    next_allowed,
    parse_phone,
    shown_phone,
)
from bot.rules.email_reply import message_id as reply_message_id
from bot.rules.email_reply import new_reply_token, reply_address
from bot.rules.notices import (
    FIRM_NAME_MAX,
    HOLDUP_PHRASES,
    NOTICE_RULES,
    STAGE_PHRASES,
    Notice,
    NoticeFields,
    cut,
    first_name,
    render_notice,
)
from bot.rules.playbook import LEAD_ROLES, HoldUp, Kind, Stage
from bot.rules.said import Command, command, said
from bot.services.access import may_change, staff_row
from bot.services.changes import audit, find_case, find_case_for
from bot.services.firm import Firm, Outcome, Transaction
from storage import client_queries as cq
from storage import deliveries
from storage.client_models import ClientMessage, ClientProfile
from storage.models import ACTIVE, Case, Delivery, Obligation

CLIENT_MESSAGE = "client-message"  # the outbox kind that sends one ClientMessage


def delivery_key(message_id: int) -> str:
    return f"{CLIENT_MESSAGE}:{message_id}"


@dataclass(frozen=True)
class UpdatePreview:
    case: str
    rule: str
    channel: str  # sms | email
    language: str  # en | es
    to: str  # as shown: (305) 555-0123, or the address
    text: str
    subject: str | None
    html: str | None
    segments: Segments | None  # SMS only
    call: bool  # a call rule: the message asks the client to call, and sending it records an attempt
    obligation_id: int
    check: str  # a digest of the text: `send` refuses if the notice has changed since the preview

    @property
    def notice(self) -> Notice:
        return Notice(self.rule, self.language, self.channel, self.text, self.subject, self.html)


@dataclass(frozen=True)
class UpdateQueued:
    preview: UpdatePreview
    message_id: int
    goes_at: datetime  # in the client's time zone
    held_for_quiet_hours: bool
    hold_minutes: int


def _turn_on(channel: str) -> str:
    if channel == "sms":
        return (
            "Texts to clients are off: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (or "
            "TWILIO_MESSAGING_SERVICE_SID) and FIRM_PHONE, as docs/operations.md says; `casebot console` "
            "prints what it would send."
        )
    return (
        "Email to clients is off: set SMTP_URL (smtp://user:pass@host:587?starttls=1) and CLIENT_EMAIL_FROM, "
        "as docs/operations.md says; `casebot console` prints what it would send."
    )


def _client_obligations(case: Case) -> list[Obligation]:
    """The case's open client obligations that have a notice, oldest due first."""
    rows = [
        o for o in case.obligations if o.kind == Kind.CLIENT and o.state in ACTIVE and o.rule in NOTICE_RULES
    ]
    return sorted(rows, key=lambda o: (o.due_on, o.id))


def _pick_obligation(case: Case, rule: str | None) -> Obligation:
    open_ones = _client_obligations(case)
    if rule is None:
        if not open_ones:
            raise PreconditionNotMet(f"{case.number} has no open client obligation with a notice to send.")
        return open_ones[0]
    rule = rule.upper()
    if rule not in NOTICE_RULES:
        raise InputError(
            f"{rule[:6]} is not a notice to the client: the notices are {', '.join(NOTICE_RULES)}.",
            example=command(f"update {case.number} sms R2"),
            field="rule",
        )
    found = next((o for o in open_ones if o.rule == rule), None)
    if found is None:
        raise PreconditionNotMet(
            f"{rule} is not open on {case.number}: a notice goes only for what the case is waiting on.",
            example=command(f"update {case.number}"),
        )
    return found


def _pick_channel(firm: Firm, case: Case, profile: ClientProfile, channel: str | None) -> str:
    if channel is None:
        if profile.prefer == "call":
            raise PreconditionNotMet(
                f"{case.number}'s client prefers a call. Call them, or say sms or email to send the update anyway.",
                example=command(f"update {case.number} email"),
            )
        if profile.prefer in CHANNELS:
            channel = profile.prefer
        elif profile.phone and profile.sms_consent:
            channel = "sms"
        elif profile.email:
            channel = "email"
        else:
            channel = "sms"
    if channel == "sms":
        _check_sms(case, profile)
    elif not profile.email:
        raise PreconditionNotMet(
            f"{case.number}'s client has no email address.",
            example=command(f"client {case.number} email ana.rivera@example.com"),
        )
    if not firm.settings.clients.ready(channel):
        raise PreconditionNotMet(_turn_on(channel))
    return channel


def _check_sms(case: Case, profile: ClientProfile) -> None:
    if not profile.phone:
        raise PreconditionNotMet(
            f"{case.number}'s client has no phone number.",
            example=command(f"client {case.number} phone (305) 555-0123"),
        )
    if profile.phone_problem == "opted-out":
        raise PreconditionNotMet(
            f"{case.number}'s client opted out of texts (STOP): casebot sends them none until they reply START.",
            example=command(f"update {case.number} email"),
        )
    if profile.phone_problem:
        raise PreconditionNotMet(
            f"The carrier refused {shown_phone(profile.phone)} ({profile.phone_problem}): check the number.",
            example=command(f"client {case.number} phone (305) 555-0123"),
        )
    if not profile.sms_consent:
        raise PreconditionNotMet(
            f"{case.number}'s client has not agreed to texts: record how they agreed first.",
            example=command(f"client {case.number} consent sms yes engagement letter"),
        )


def _firm_phone(firm: Firm) -> str:
    phone = firm.settings.clients.firm_phone
    if not phone:
        raise PreconditionNotMet(
            "FIRM_PHONE is not set: a notice tells the client which number to call. Set it, as docs/operations.md says."
        )
    try:
        return shown_phone(parse_phone(phone))
    except BadPhone:
        return phone


def notice_fields(s: Session, firm: Firm, case: Case, profile: ClientProfile, channel: str) -> NoticeFields:
    """The whitelisted fields for this case's notice, from its facts."""
    language = profile.language or "en"
    manager = staff_row(s, case.manager_id)  # often the caller, read already
    manager_name = first_name(manager.name) if manager and manager.name else ""
    open_holdups = [h for h in case.holdups if h.cleared_on is None]
    rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
    address = profile.phone if channel == "sms" else profile.email
    return NoticeFields(
        client_first_name=first_name(case.client_name),
        firm_name=cut(firm.settings.firm_name, FIRM_NAME_MAX),
        firm_phone=_firm_phone(firm),
        manager_first_name=manager_name or ("our office" if language == "en" else "la oficina"),
        stage_phrase=STAGE_PHRASES[language][Stage(case.stage)],
        providers_outstanding=sum(1 for p in case.providers if p.records_on is None or p.bills_on is None),
        demand_day=max((d.on for d in rounds), default=None),
        holdup_label=HOLDUP_PHRASES[language][HoldUp(open_holdups[0].kind)] if open_holdups else None,
        first_message=channel == "sms" and cq.sent_to_count(s, address or "", "sms") == 0,
    )


def _compose(s: Session, firm: Firm, case: Case, channel: str | None, rule: str | None) -> UpdatePreview:
    profile = cq.profile(s, case.id)
    if profile is None or not (profile.phone or profile.email):
        raise PreconditionNotMet(
            f"{case.number}'s client has no phone number or email address yet.",
            example=command(f"client {case.number} phone (305) 555-0123"),
        )
    obligation = _pick_obligation(case, rule)
    channel = _pick_channel(firm, case, profile, channel)
    f = notice_fields(s, firm, case, profile, channel)
    notice = render_notice(obligation.rule, profile.language or "en", channel, f)
    to = shown_phone(profile.phone or "") if channel == "sms" else profile.email or ""
    return UpdatePreview(
        case=case.number,
        rule=obligation.rule,
        channel=channel,
        language=notice.language,
        to=to,
        text=notice.text,
        subject=notice.subject,
        html=notice.html,
        segments=notice.segments if channel == "sms" else None,
        call=obligation.rule in CALL_RULES,
        obligation_id=obligation.id,
        check=hashlib.sha256(f"{channel}\n{to}\n{notice.subject}\n{notice.text}".encode()).hexdigest()[:16],
    )


def preview_update(
    firm: Firm, actor: str, number: str, *, channel: str | None = None, rule: str | None = None
) -> UpdatePreview:
    """The notice exactly as it would go, for someone who may see the case. Changes nothing."""
    with Transaction(firm, write=False) as s:
        case = find_case_for(s, firm, actor, number)
        may_change(s, firm, actor, case)
        return _compose(s, firm, case, channel, rule)


def client_zone(firm: Firm, profile: ClientProfile | None) -> ZoneInfo:
    try:
        return ZoneInfo(profile.tz) if profile is not None and profile.tz else firm.settings.tz
    except (ZoneInfoNotFoundError, ValueError):
        return firm.settings.tz


def send_update(
    firm: Firm,
    actor: str,
    number: str,
    *,
    channel: str | None = None,
    rule: str | None = None,
    check: str | None = None,
) -> UpdateQueued:
    """Queue the notice as previewed (with `check`, only if it is still exactly the previewed one): a client
    message held for the hold minutes, then sent through the outbox inside the client's quiet hours."""
    settings = firm.settings.clients
    with Transaction(firm) as s:
        case = find_case(s, number, firm=firm, actor=actor, for_update=True)
        may_change(s, firm, actor, case)
        preview = _compose(s, firm, case, channel, rule)
        if check is not None and check != preview.check:
            raise Conflict(
                said(
                    f"The notice for {case.number} has changed since that preview; nothing was sent. See it again: ",
                    Command(f"update {case.number} {preview.channel} {preview.rule}"),
                )
            )
        waiting = [
            m
            for m in cq.pending_messages(s, case.id)
            if m.rule == preview.rule and m.channel == preview.channel
        ]
        if waiting:
            raise Conflict(
                said(
                    f"The {preview.rule} {preview.channel} to {case.number}'s client is already queued; "
                    "nothing more was sent. ",
                    Command(f"undo {case.number}"),
                    " cancels it while it is held.",
                )
            )
        profile = cq.profile(s, case.id)
        assert profile is not None  # _compose refused a case without one
        now = firm.now()
        zone = client_zone(firm, profile)
        after_hold = now + timedelta(minutes=settings.hold_minutes)
        goes_at = next_allowed(after_hold, zone, settings.quiet_start, settings.quiet_end)
        message = ClientMessage(
            case_id=case.id,
            direction="out",
            channel=preview.channel,
            rule=preview.rule,
            language=preview.language,
            to_addr=(profile.phone if preview.channel == "sms" else profile.email) or "",
            from_addr=settings.twilio_from if preview.channel == "sms" else settings.email_from,
            subject=preview.subject,
            body=preview.text,
            html=preview.html,
            status="held",
            attempt=preview.call,
            by=actor,
            created_at=now,
            send_after=goes_at,
        )
        s.add(message)
        s.flush()
        queue_client_message(s, firm, message, actor, goes_at)
        audit(
            s,
            firm,
            case,
            actor,
            "client_update",
            rule=preview.rule,
            channel=preview.channel,
            message=message.id,
        )
        return UpdateQueued(
            preview=preview,
            message_id=message.id,
            goes_at=goes_at.astimezone(zone),
            held_for_quiet_hours=goes_at > after_hold,
            hold_minutes=settings.hold_minutes,
        )


def queue_client_message(
    s: Session, firm: Firm, message: ClientMessage, user: str, goes_at: datetime
) -> Delivery:
    """Put an outgoing ClientMessage (flushed, so it has its id) in the outbox: it goes once, at `goes_at` or
    the first tick after, whatever replica or restart sends it. `user` hears of any problem with it."""
    domain = firm.settings.clients.inbound_email_domain
    if message.channel == "email" and domain and message.reply_token is None:
        message.reply_token = new_reply_token()  # its reply address and Message-ID (issue 22)
    delivery = Delivery(
        key=delivery_key(message.id),
        kind=CLIENT_MESSAGE,
        user_id=user,
        for_day=firm.today(),
        state="pending",
        attempts=0,
        payload={"message": message.id},
        next_try_at=goes_at,
        created_at=firm.now(),
    )
    s.add(delivery)
    return delivery


def reply_headers(firm: Firm, message: ClientMessage) -> dict[str, str | None]:
    """An email's reply address and Message-ID from its token, and the client's Message-ID it answers: a
    client's reply comes back to this message (bot/services/client_replies.py). Nothing for a text."""
    domain = firm.settings.clients.inbound_email_domain
    if message.channel != "email" or not domain or not message.reply_token:
        return {"in_reply_to": message.in_reply_to} if message.channel == "email" else {}
    return {
        "reply_to": reply_address(message.reply_token, domain),
        "mail_message_id": reply_message_id(message.reply_token, domain),
        "in_reply_to": message.in_reply_to,
    }


def cancel_held_update(firm: Firm, actor: str, number: str) -> Outcome | None:
    """`/case undo` while a client update is held: cancel the caller's latest one (a lead's or an admin's:
    anyone's) so that nothing goes. None when there is none to cancel (undo then undoes a change)."""
    with Transaction(firm) as s:
        case = find_case(s, number, firm=firm, actor=actor, for_update=True)
        role = may_change(s, firm, actor, case)
        held = [
            m
            for m in cq.pending_messages(s, case.id)
            if m.status == "held" and (m.by == actor or role in LEAD_ROLES)
        ]
        if not held:
            return None
        message = held[-1]
        if not cq.set_status(s, message.id, ("held",), status="cancelled", status_at=firm.now()):
            raise Conflict(
                f"The {message.rule or ''} {message.channel} to {case.number}'s client is already on its way."
            )
        delivery = deliveries.get_delivery(s, delivery_key(message.id))
        if delivery is not None and delivery.state == "pending":
            delivery.state, delivery.next_try_at, delivery.last_error = "cancelled", None, "undone"
        audit(s, firm, case, actor, "client_update_cancelled", rule=message.rule, message=message.id)
        what = f"{message.rule} {message.channel}" if message.rule else message.channel
        return Outcome(f"Cancelled the {what} to {case.number}'s client: nothing was sent.")
