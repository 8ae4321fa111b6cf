"""POST /twilio/inbound: a client's text, as Twilio delivers it to `casebot run --http`.

In order:
1. **Size and shape.** A form body (application/x-www-form-urlencoded) of at most MAX_BODY; else 413 / 400.
2. **Signature.** `X-Twilio-Signature` is checked (the twilio package's RequestValidator, shared with
   POST /twilio/status) against the address Twilio was given: PUBLIC_BASE_URL + /twilio/inbound. Missing,
   forged, or signed for another address or with an old auth token: 403, and nothing is read further or stored.
3. **Once.** The text is handed to the inbox with its MessageSid; the inbox records each MessageSid once, so
   Twilio delivering the same message again changes nothing and gets the same empty answer.
The answer is an empty TwiML `<Response/>`: whatever casebot sends back (a STOP's confirmation, HELP's
answer) goes through the outbox like every other message, so it is sent once and recorded. A failure to
record answers 503 (the database is down) or 500, so Twilio's retry or fallback gets another chance. The log
names the MessageSid's outcome, never the number or the words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from bot.errors import TryAgain
from bot.logs import failure
from bot.services.client_replies import Received
from bot.services.firm import Firm

log = logging.getLogger(__name__)

INBOUND_PATH = "/twilio/inbound"
MAX_BODY = 64 * 1024  # a text is at most 1,600 characters; with Twilio's other fields a few kilobytes
EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
# (the URL Twilio was given, the form's fields, the X-Twilio-Signature header) -> signed by our auth token?
SignatureCheck = Callable[[str, dict[str, str], str], bool]


@dataclass(frozen=True)
class InboundText:
    """A text from a client's phone, as Twilio's webhook describes it."""

    sid: str  # MessageSid: one per message, the same on every delivery of it
    from_number: str  # E.164
    to_number: str
    body: str
    media: int  # how many pictures came with it (NumMedia); casebot does not fetch them


def _answer(start_response: StartResponse, status: str, body: bytes, content_type: str) -> Iterable[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def _text(start_response: StartResponse, status: str, text: str) -> Iterable[bytes]:
    return _answer(start_response, status, text.encode(), "text/plain; charset=utf-8")


def _form(body: bytes) -> dict[str, str] | None:
    """Twilio's form as one value a field, or None when it is not one."""
    try:
        fields = parse_qs(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body), max_num_fields=200
        )
    except (UnicodeDecodeError, ValueError):
        return None
    if any(len(values) != 1 for values in fields.values()):
        return None
    return {k: v[0] for k, v in fields.items()}


def _read_body(environ: Environ) -> bytes | None:
    raw_length = str(environ.get("CONTENT_LENGTH") or "").strip()
    if raw_length and not raw_length.isdigit():
        return None
    length = int(raw_length) if raw_length else None
    if length is not None and length > MAX_BODY:
        return None
    stream = environ.get("wsgi.input")
    body = stream.read(length if length is not None else MAX_BODY + 1) if stream is not None else b""
    return body if isinstance(body, bytes) and len(body) <= MAX_BODY else None


def inbound_for(
    firm: Firm, received: Callable[[Received], None] = lambda _: None
) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """POST /twilio/inbound for this firm: Twilio's signature checked as POST /twilio/status checks it, the text
    handed to bot/services/client_replies.py; `received` hears what became of it (to send its DMs now)."""
    from bot.entrypoints.twilio_http import twilio_signature_ok
    from bot.services.client_replies import receive_text

    def receive(text: InboundText) -> None:
        outcome = receive_text(
            firm, sid=text.sid, sender=text.from_number, to=text.to_number, body=text.body, media=text.media
        )
        log.info(
            "Twilio message %s: %s%s", text.sid, outcome.what, f" on {outcome.case}" if outcome.case else ""
        )
        received(outcome)

    return inbound_endpoint(
        lambda: firm.settings.public_base_url,
        lambda url, form, signature: twilio_signature_ok(firm, url, form, signature),
        receive,
    )


def inbound_endpoint(
    public_base_url: Callable[[], str | None],
    check: SignatureCheck | None,
    receive: Callable[[InboundText], None],
) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """POST /twilio/inbound as the module docstring says. With no PUBLIC_BASE_URL or no Twilio auth token
    (`check` None) every request is refused: nothing can be verified."""

    def endpoint(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _text(start_response, "405 Method Not Allowed", "POST only")
        body = _read_body(environ)
        if body is None:
            return _text(start_response, "413 Request Entity Too Large", "too large")
        signature = str(environ.get("HTTP_X_TWILIO_SIGNATURE") or "")
        form = _form(body)
        content_type = str(environ.get("CONTENT_TYPE") or "")
        if form is None or not content_type.startswith("application/x-www-form-urlencoded"):
            return _text(start_response, "400 Bad Request", "malformed")
        base = public_base_url()
        query = str(environ.get("QUERY_STRING") or "")
        signed_url = (base or "").rstrip("/") + INBOUND_PATH + (f"?{query}" if query else "")
        if check is None or not base or not signature or not check(signed_url, form, signature):
            log.warning("Refused an unsigned or forged Twilio request")
            return _text(start_response, "403 Forbidden", "forbidden")
        sid = form.get("MessageSid") or form.get("SmsSid") or ""
        sender = form.get("From", "")
        if not sid or not sender:
            return _text(start_response, "400 Bad Request", "malformed")
        media = form.get("NumMedia", "0")
        text = InboundText(
            sid=sid[:64],
            from_number=sender[:32],
            to_number=form.get("To", "")[:32],
            body=form.get("Body", "")[:1600],
            media=int(media) if media.isdigit() else 0,
        )
        try:
            receive(text)
        except TryAgain:
            return _text(start_response, "503 Service Unavailable", "try again later")
        except Exception as exc:
            failure(log, "record a client's text", exc)
            return _text(start_response, "500 Internal Server Error", "casebot ran into a problem")
        return _answer(start_response, "200 OK", EMPTY_TWIML, "application/xml")

    return endpoint
