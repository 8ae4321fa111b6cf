"""The client-message settings (issue 21): Twilio for texts, an SMTP relay for email, the hold and the quiet
hours. Read with the rest of the settings (bot/settings.py); a secret never appears in a repr."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from urllib.parse import parse_qs, unquote, urlsplit

TWILIO_API_DEFAULT = "https://api.twilio.com"


class ClientSettingsError(ValueError):
    """A client-message setting is present but cannot be used; the message names it and shows a valid value."""


@dataclass(frozen=True)
class SmtpRelay:
    """SMTP_URL, read: `smtp://user:pass@host:587?starttls=1` (or `smtps://…` for TLS from the start)."""

    host: str
    port: int
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False


@dataclass(frozen=True)
class ClientSettings:
    twilio_account_sid: str | None = field(default=None, repr=False)
    twilio_auth_token: str | None = field(default=None, repr=False)
    twilio_from: str | None = None  # the number texts come from, E.164
    twilio_messaging_service_sid: str | None = None
    twilio_api_base_url: str = TWILIO_API_DEFAULT
    smtp: SmtpRelay | None = field(default=None, repr=False)
    email_from: str | None = None  # CLIENT_EMAIL_FROM
    inbound_email_domain: str | None = None  # INBOUND_EMAIL_DOMAIN (replies; issue 22)
    firm_phone: str | None = None  # FIRM_PHONE: the number a client is asked to call
    hold_minutes: int = 10  # CLIENT_MESSAGE_HOLD_MINUTES
    quiet_start: time = time(9, 0)  # CLIENT_QUIET_HOURS: messages go only between these, the client's time
    quiet_end: time = time(20, 0)
    print_only: frozenset[str] = frozenset()  # `casebot console`: channels not configured are printed instead

    @property
    def sms_ready(self) -> bool:
        return bool(
            self.twilio_account_sid
            and self.twilio_auth_token
            and (self.twilio_from or self.twilio_messaging_service_sid)
        )

    @property
    def email_ready(self) -> bool:
        return self.smtp is not None and bool(self.email_from)

    def ready(self, channel: str) -> bool:
        if channel in self.print_only:
            return True
        return self.sms_ready if channel == "sms" else self.email_ready


def client_settings(get: Callable[[str], str | None]) -> ClientSettings:
    """Read the client-message settings through `get` (a setting's value, or None when unset)."""
    start, end = _hours(get("CLIENT_QUIET_HOURS") or "09:00-20:00")
    return ClientSettings(
        twilio_account_sid=get("TWILIO_ACCOUNT_SID"),
        twilio_auth_token=get("TWILIO_AUTH_TOKEN"),
        twilio_from=get("TWILIO_FROM"),
        twilio_messaging_service_sid=get("TWILIO_MESSAGING_SERVICE_SID"),
        twilio_api_base_url=_web_address(get("TWILIO_API_BASE_URL") or TWILIO_API_DEFAULT),
        smtp=smtp_relay(get("SMTP_URL")),
        email_from=_email(get("CLIENT_EMAIL_FROM")),
        inbound_email_domain=get("INBOUND_EMAIL_DOMAIN"),
        firm_phone=get("FIRM_PHONE"),
        hold_minutes=_minutes(get("CLIENT_MESSAGE_HOLD_MINUTES") or "10"),
        quiet_start=start,
        quiet_end=end,
    )


def _web_address(url: str) -> str:
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
        raise ClientSettingsError(
            f"TWILIO_API_BASE_URL={url!r} is not a web address; e.g. https://api.twilio.com"
        )
    return url.rstrip("/")


def _email(text: str | None) -> str | None:
    if text is None:
        return None
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+|.+<[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>", text):
        raise ClientSettingsError(
            f"CLIENT_EMAIL_FROM={text!r} is not an address; e.g. Smith Law <updates@smithlaw.com>"
        )
    return text


def _minutes(text: str) -> int:
    if not text.isdigit() or int(text) > 24 * 60:
        raise ClientSettingsError(
            f"CLIENT_MESSAGE_HOLD_MINUTES={text!r} is not a number of minutes (0 to 1440); e.g. 10"
        )
    return int(text)


def _hours(text: str) -> tuple[time, time]:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*", text)
    if match:
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2):
            return time(h1, m1), time(h2, m2)
    raise ClientSettingsError(
        f"CLIENT_QUIET_HOURS={text!r} is not a span of the day; e.g. 09:00-20:00 (messages go only then)"
    )


def smtp_relay(url: str | None) -> SmtpRelay | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ClientSettingsError(
            "SMTP_URL is not an SMTP address; e.g. smtp://user:pass@smtp.example.com:587?starttls=1"
        )
    query = parse_qs(parts.query)
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError as exc:
        raise ClientSettingsError("SMTP_URL has a port that is not a number; e.g. :587") from exc
    return SmtpRelay(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls=(query.get("starttls") or ["0"])[0].lower() in ("1", "true", "yes"),
        ssl=parts.scheme == "smtps",
    )
