"""What the client-update tests share: a firm with texts and email configured against loopback stand-ins."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot import services as sv
from bot.services.client_updates import send_update
from bot.services.clients import set_client_detail, set_sms_consent
from bot.services.firm import Firm
from bot.settings_clients import ClientSettings, SmtpRelay

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token"


def client_settings(
    *, twilio_base: str | None = None, smtp_port: int | None = None, hold: int = 10, **more: object
) -> ClientSettings:
    return ClientSettings(
        twilio_account_sid=ACCOUNT_SID if twilio_base else None,
        twilio_auth_token=AUTH_TOKEN if twilio_base else None,
        twilio_from="+13055550199" if twilio_base else None,
        twilio_api_base_url=twilio_base or "https://api.twilio.com",
        smtp=SmtpRelay("127.0.0.1", smtp_port) if smtp_port else None,
        email_from="Rivera Law <updates@riveralaw.example>" if smtp_port else None,
        firm_phone="(305) 555-0100",
        hold_minutes=hold,
        **more,  # type: ignore[arg-type]
    )


def with_clients(firm: Firm, clients: ClientSettings, public_base_url: str | None = None) -> Firm:
    settings = replace(
        firm.settings, clients=clients, firm_name="Rivera Law", public_base_url=public_base_url
    )
    return Firm(db=firm.db, settings=settings, calendar=firm.calendar, clock=firm.clock)


def case_with_client(
    firm: Firm,
    number: str = "PI-2041",
    *,
    language: str = "en",
    phone: str | None = "(305) 555-0123",
    email: str | None = "ana.rivera@example.com",
    consent: bool = True,
    on: date = date(2026, 11, 2),
) -> None:
    """A case in records whose R1 call and R2 update are open, its client reachable as asked."""
    sv.create_case(firm, "U1", number, "Ana Rivera", on=on)
    sv.add_provider(firm, "U1", number, "Valley Ortho", on=on)
    if phone:
        set_client_detail(firm, "U1", number, "phone", phone)
    if email:
        set_client_detail(firm, "U1", number, "email", email)
    if language != "en":
        set_client_detail(firm, "U1", number, "language", language)
    if consent and phone:
        set_sms_consent(firm, "U1", number, True, "engagement letter")


def queue(firm: Firm, number: str = "PI-2041", **kw: object) -> int:
    return send_update(firm, "U1", number, **kw).message_id  # type: ignore[arg-type]
