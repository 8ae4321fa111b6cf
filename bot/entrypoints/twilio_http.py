"""POST /twilio/status: Twilio's status callbacks for the texts casebot sent, checked before anything reads them.

1. **Size.** A body over MAX_BODY (64 KiB; Twilio's callbacks are a few hundred bytes) is answered 413.
2. **Signature.** X-Twilio-Signature is checked with the `twilio` package's RequestValidator and
   TWILIO_AUTH_TOKEN against the URL Twilio was given: PUBLIC_BASE_URL + the path (+ the query), never the
   Host header a caller chose. Missing or wrong: 403, and nothing changes.
3. **Seen once.** A signed callback already served (the same signature over the same body) is refused 403:
   a captured callback replayed later changes nothing. Claimed in the database, so every replica refuses it.
Then `failed` or `undelivered` voids the contact the message logged and reopens what it closed
(bot/services/client_outcomes.py); `delivered` is recorded. A callback for a message casebot doesn't know is
answered 200 and changes nothing (Twilio would only retry it)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator

from bot.errors import CasebotError
from bot.logs import failure
from bot.services.client_outcomes import message_status
from bot.services.firm import Firm
from bot.services.people import claim_event

log = logging.getLogger(__name__)

STATUS_PATH = "/twilio/status"
MAX_BODY = 64 * 1024

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


def _answer(start_response: StartResponse, status: str, text: str = "") -> Iterable[bytes]:
    body = text.encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


def twilio_signature_ok(firm: Firm, url: str, form: dict[str, str], signature: str) -> bool:
    """Whether Twilio signed this form for `url` with TWILIO_AUTH_TOKEN (the twilio package's RequestValidator):
    shared by POST /twilio/status and POST /twilio/inbound."""
    token = firm.settings.clients.twilio_auth_token
    return bool(token and signature) and bool(RequestValidator(token).validate(url, form, signature))


def signed_form(firm: Firm, environ: Environ) -> tuple[str, dict[str, str] | None]:
    """The callback's form if Twilio signed it for the URL casebot gave it; else the HTTP status to answer."""
    settings = firm.settings
    token, base = settings.clients.twilio_auth_token, settings.public_base_url
    raw_length = str(environ.get("CONTENT_LENGTH") or "0").strip()
    if not raw_length.isdigit():
        return "400 Bad Request", None
    if int(raw_length) > MAX_BODY:
        return "413 Request Entity Too Large", None
    stream = environ.get("wsgi.input")
    body = stream.read(int(raw_length)) if stream is not None and int(raw_length) else b""
    signature = str(environ.get("HTTP_X_TWILIO_SIGNATURE") or "")
    if not token or not base or not signature:
        return "403 Forbidden", None
    try:
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body)))
    except (UnicodeDecodeError, ValueError):
        return "403 Forbidden", None
    query = str(environ.get("QUERY_STRING") or "")
    url = f"{base}{environ.get('PATH_INFO', STATUS_PATH)}" + (f"?{query}" if query else "")
    if not twilio_signature_ok(firm, url, form, signature):
        return "403 Forbidden", None
    key = "twilio:" + hashlib.sha256(signature.encode() + b"\n" + body).hexdigest()[:56]
    if not claim_event(firm, key):
        log.warning("Refused a replayed Twilio callback")
        return "403 Forbidden", None
    return "200 OK", form


def status_endpoint(firm: Firm) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """POST /twilio/status, checked as the module docstring says."""

    def endpoint(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, "405 Method Not Allowed", "POST only")
        try:
            status, form = signed_form(firm, environ)
            if form is None:
                return _answer(start_response, status, "refused")
            sid = form.get("MessageSid") or form.get("SmsSid") or ""
            state = form.get("MessageStatus") or form.get("SmsStatus") or ""
            if sid and state:
                message_status(firm, sid, state, form.get("ErrorCode") or None)
        except CasebotError:
            return _answer(start_response, "503 Service Unavailable", "try again later")
        except Exception as exc:
            failure(log, "handle a Twilio status callback", exc)
            return _answer(start_response, "500 Internal Server Error", "casebot ran into a problem")
        start_response("204 No Content", [("Content-Length", "0")])
        return []

    return endpoint
