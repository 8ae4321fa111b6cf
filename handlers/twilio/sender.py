"""Texts to clients through Twilio, with the real `twilio` package.

Its REST client builds every URL on Twilio's own host (https://api.twilio.com/2010-04-01/...); its `edge` and
`region` settings only rename that host within twilio.com. So TWILIO_API_BASE_URL (a stand-in on loopback in
tests and rehearsals) is applied by the one place every request passes: a TwilioHttpClient whose request()
puts the base URL's scheme, host and path prefix in place of Twilio's before the request is made. Nothing
else of the package is changed: its form encoding, its auth, its error parsing (TwilioRestException)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.delivery.client_ports import ClientSendFailed, OutgoingClientMessage
from bot.settings_clients import TWILIO_API_DEFAULT, ClientSettings

log = logging.getLogger(__name__)

TIMEOUT = 15.0
# Twilio's error codes that refuse a number for good, and what they say of it.
PERMANENT: dict[int, str] = {21211: "invalid", 21614: "not-mobile", 21610: "opted-out"}


class BaseUrlHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio ships no type hints
    """TwilioHttpClient that sends every request to `base_url` instead of Twilio's host, and keeps the last
    response's Retry-After (a 429's), which TwilioRestException does not carry."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = urlsplit(base_url.rstrip("/"))
        self.retry_after: float | None = None

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        if self.base.netloc != urlsplit(TWILIO_API_DEFAULT).netloc:
            url = urlunsplit(
                (self.base.scheme, self.base.netloc, self.base.path + parts.path, parts.query, "")
            )
        response = super().request(method, url, *args, **kwargs)
        raw = (response.headers or {}).get("Retry-After")
        try:
            self.retry_after = float(raw) if raw is not None else None
        except ValueError:
            self.retry_after = None
        return response


class TwilioSender:
    """The ClientSender for texts."""

    def __init__(self, settings: ClientSettings) -> None:
        if not settings.sms_ready:
            raise ValueError("Twilio is not configured")
        self.settings = settings
        self.http = BaseUrlHttpClient(settings.twilio_api_base_url, timeout=TIMEOUT)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=self.http)

    def send(self, message: OutgoingClientMessage) -> str:
        kwargs: dict[str, Any] = {"to": message.to, "body": message.text}
        if self.settings.twilio_messaging_service_sid:
            kwargs["messaging_service_sid"] = self.settings.twilio_messaging_service_sid
        else:
            kwargs["from_"] = self.settings.twilio_from
        if message.status_callback:
            kwargs["status_callback"] = message.status_callback
        try:
            created = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            raise _failure(exc, self.http.retry_after) from None
        except Exception as exc:  # the network: connection refused, reset, timed out
            raise ClientSendFailed(f"could not reach Twilio ({type(exc).__name__})", retryable=True) from None
        return str(created.sid)


def _failure(exc: TwilioRestException, retry_after: float | None) -> ClientSendFailed:
    status, code = int(exc.status or 0), int(exc.code or 0) if str(exc.code or "").isdigit() else 0
    reason = (
        f"Twilio answered {status}"
        + (f", error {code}" if code else "")
        + (f": {exc.msg}" if exc.msg else "")
    )
    if status == 429 or status >= 500:
        return ClientSendFailed(reason, retryable=True, retry_after=retry_after, code=str(code or status))
    return ClientSendFailed(reason, retryable=False, code=str(code or status), problem=PERMANENT.get(code))
