"""The client's side of a case: how to reach them (and whether they agreed to texts), and every message
exchanged with them, in either direction. Registered on the same metadata as storage/models.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

_PENDING_SQL = text("status IN ('held', 'sending')")


class ClientProfile(Base):
    """How to reach a case's client: one row per case, written by `/case client`. A phone number is kept in
    E.164 (`+13055550123`). Consent to texts is the latest ConsentChange for the case, copied here so that a
    send reads one row; `phone_problem` is what the carrier said of the number when it refused it for good."""

    __tablename__ = "case_clients"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2), default="en", server_default=text("'en'"))
    prefer: Mapped[str | None] = mapped_column(String(8))  # sms | email | call
    tz: Mapped[str | None] = mapped_column(String(64))  # the client's time zone; None: the firm's
    sms_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    sms_consent_source: Mapped[str | None] = mapped_column(String(200))
    sms_consent_by: Mapped[str | None] = mapped_column(String(32))
    sms_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # None, or what the carrier said when it refused the number for good: invalid | not-mobile | opted-out
    phone_problem: Mapped[str | None] = mapped_column(String(20))
    phone_problem_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(32))


class ConsentChange(Base):
    """Append-only: every change of a client's consent to texts, with its source (the engagement letter,
    told by phone, the client's START or STOP), who recorded it (a Slack user id, or `client`) and when."""

    __tablename__ = "client_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8), default="sms")
    phone: Mapped[str | None] = mapped_column(String(20))
    granted: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(200))
    by: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ClientMessage(Base):
    """One message to or from a client. Outgoing: rendered once, kept exactly as sent, and sent through the
    outbox (delivery key `client-message:<id>`); `status` goes held → sending → sent (the carrier accepted it)
    → delivered, or failed | undelivered (the carrier's callback), cancelled (undone inside the hold) or
    refused (the carrier refused it for good). Incoming: `direction` in, status `received`."""

    __tablename__ = "client_messages"
    __table_args__ = (
        Index("ix_client_messages_case", "case_id", "id"),
        Index("ix_client_messages_to", "to_addr", "id"),
        Index(
            "ix_client_messages_pending", "case_id", sqlite_where=_PENDING_SQL, postgresql_where=_PENDING_SQL
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))  # out | in
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    rule: Mapped[str | None] = mapped_column(String(4))  # the playbook notice it carries, if any
    language: Mapped[str | None] = mapped_column(String(2))
    to_addr: Mapped[str] = mapped_column(String(254))
    from_addr: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(
        String(200), unique=True
    )  # Twilio's SID, an email's Message-ID
    status: Mapped[str] = mapped_column(String(12))
    error_code: Mapped[str | None] = mapped_column(String(12))
    error: Mapped[str | None] = mapped_column(Text)
    attempt: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )  # a call rule's
    by: Mapped[str] = mapped_column(String(32))  # who sent it (a Slack user id), or `client`
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    send_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # end of the hold
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # accepted by the carrier
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    # Clients' replies (issue 22): an email's reply token (reply+<token>@INBOUND_EMAIL_DOMAIN), the client's
    # Message-ID a reply answers, and the keyword (stop | start | help) casebot's answer is for.
    reply_token: Mapped[str | None] = mapped_column(String(40), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(200))
    keyword: Mapped[str | None] = mapped_column(String(8))
