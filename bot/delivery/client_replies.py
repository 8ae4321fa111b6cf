"""Rendering the DMs a client's message brings (bot/services/client_replies.py claims them): read at send
time, so the DM shows the case as it stands, and only to someone who may still see the case."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.delivery.reply_messages import ClientWroteMessage, UnknownNumberMessage
from bot.errors import CasebotError
from bot.rules.client_details import shown_phone
from bot.services.access import may_see
from bot.services.client_replies import CLIENT_WROTE, UNKNOWN_NUMBER
from bot.services.firm import Firm
from storage import client_queries as cq
from storage import deliveries
from storage.models import ACTIVE, Case, Delivery

log = logging.getLogger(__name__)

__all__ = [
    "CLIENT_WROTE",
    "UNKNOWN_NUMBER",
    "client_wrote_now",
    "render_client_wrote",
    "render_unknown_number",
]


def render_client_wrote(s: Session, firm: Firm, d: Delivery) -> ClientWroteMessage | None:
    message = cq.message(s, int(d.payload.get("message") or 0))
    case = s.get(Case, message.case_id) if message is not None else None
    if message is None or case is None:
        return None
    try:
        may_see(s, firm, d.user_id, case)
    except CasebotError:
        log.warning("Did not deliver %s: the recipient may no longer see the case", d.key)
        return None
    ob = next((o for o in case.obligations if o.key == f"R15:{message.id}" and o.state in ACTIVE), None)
    profile = cq.profile(s, case.id)
    return ClientWroteMessage(
        user_id=d.user_id,
        day=d.for_day,
        case=case.number,
        client=case.client_name,
        manager=case.manager_id,
        channel=message.channel,
        text=message.body,
        received_at=message.created_at.astimezone(firm.settings.tz),
        what=str(d.payload.get("what") or "message"),
        message_id=message.id,
        obligation_id=ob.id if ob is not None else None,
        due_on=ob.due_on if ob is not None else None,
        attachments=int(d.payload.get("media") or 0),
        covering_for=case.manager_id if d.user_id != case.manager_id else None,
        texts_on=bool(profile is not None and profile.sms_consent),
    )


def client_wrote_now(firm: Firm, message_id: int) -> ClientWroteMessage | None:
    """The DM a client's message brought, as it reads now (the Reply form redraws it once answered); None
    when it brought none, or its recipient may no longer see the case."""
    with firm.db.uow(write=False) as s:
        d = deliveries.get_delivery(s, f"{CLIENT_WROTE}:{message_id}")
        return render_client_wrote(s, firm, d) if d is not None else None


def render_unknown_number(s: Session, firm: Firm, d: Delivery) -> UnknownNumberMessage | None:
    p = d.payload
    if p.get("message"):  # a message a manager took off their case ("Not this case")
        message = cq.message(s, int(p["message"]))
        if message is None:
            return None
        number = message.from_addr or ""
        return UnknownNumberMessage(
            d.user_id,
            d.for_day,
            _shown(number),
            message.body,
            0,
            not_case=str(p.get("not_case") or ""),
            said_by=str(p.get("by") or ""),
        )
    cases = tuple(str(c) for c in p.get("cases") or ())
    number = str(p.get("from") or "")
    return UnknownNumberMessage(
        d.user_id, d.for_day, _shown(number), str(p.get("text") or ""), int(p.get("media") or 0), cases
    )


def _shown(number: str) -> str:
    try:
        return shown_phone(number) if number.startswith("+") else number
    except Exception:  # a number Twilio passed that phonenumbers can't read: as it came
        return number
