"""A stand-in Twilio REST API on loopback, so tests and rehearsals drive the real `twilio` package with no
Twilio: point TWILIO_API_BASE_URL at `standin.base_url`.

It answers `POST /2010-04-01/Accounts/<sid>/Messages.json` as Twilio does (201 with the message's SID, or
Twilio's error body), checks the account's basic auth, and records every message it accepted. Failures are
injected with `fail(status, code, times)`: 429 (with Retry-After), 5xx, or a permanent refusal (21211 invalid
number, 21614 not a mobile, 21610 the recipient sent STOP). `callback(sid, status)` POSTs the status
callback Twilio would, signed with the auth token exactly as Twilio signs it (X-Twilio-Signature)."""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import threading
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlencode

from twilio.request_validator import RequestValidator

_MESSAGES = "/2010-04-01/Accounts/{sid}/Messages.json"
_ERRORS = {
    21211: "The 'To' number is not a valid phone number.",
    21614: "'To' number is not a valid mobile number",
    21610: "Attempt to send to unsubscribed recipient",
    20429: "Too Many Requests",
    20500: "Internal Server Error",
}


@dataclass
class SentSms:
    sid: str
    to: str
    body: str
    from_: str | None
    messaging_service_sid: str | None
    status_callback: str | None
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class _Failure:
    status: int
    code: int
    remaining: int
    retry_after: int | None


class TwilioStandIn:
    """Use as a context manager; `messages` is what was accepted, in order."""

    def __init__(self, account_sid: str = "AC" + "0" * 32, auth_token: str = "standin-token") -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[SentSms] = []
        self.requests = 0
        self._failures: list[_Failure] = []
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="twilio-standin")

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> TwilioStandIn:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> TwilioStandIn:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def fail(
        self, status: int, code: int | None = None, *, times: int = 1, retry_after: int | None = None
    ) -> None:
        """The next `times` Messages.create answer `status` with Twilio's error `code`."""
        with self._lock:
            self._failures.append(
                _Failure(status, code or (20429 if status == 429 else 20500), times, retry_after)
            )

    def callback(
        self, sid: str, status: str, *, error_code: str | None = None, url: str | None = None
    ) -> int:
        """POST the status callback Twilio would send for message `sid`, signed; answer the HTTP status."""
        sms = next(m for m in self.messages if m.sid == sid)
        target = url or sms.status_callback
        if not target:
            raise ValueError("that message asked for no status callback")
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": self.account_sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "To": sms.to,
            "From": sms.from_ or "",
        }
        if error_code:
            params["ErrorCode"] = error_code
        return post_signed(target, params, self.auth_token)

    # ------------------------------------------------------------------ the server

    def _take_failure(self) -> _Failure | None:
        with self._lock:
            for f in self._failures:
                if f.remaining > 0:
                    f.remaining -= 1
                    return f
        return None

    def _authorised(self, header: str) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}"

    def _create(self, form: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
        failure = self._take_failure()
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            body = {
                "code": failure.code,
                "message": _ERRORS.get(failure.code, "error"),
                "status": failure.status,
            }
            return failure.status, body, headers
        if (
            not form.get("To")
            or not form.get("Body")
            or not (form.get("From") or form.get("MessagingServiceSid"))
        ):
            return (
                400,
                {"code": 21604, "message": "A 'To', 'Body' and 'From' are required", "status": 400},
                {},
            )
        sid = f"SM{next(self._sids):032x}"
        sms = SentSms(
            sid=sid,
            to=form["To"],
            body=form["Body"],
            from_=form.get("From"),
            messaging_service_sid=form.get("MessagingServiceSid"),
            status_callback=form.get("StatusCallback"),
            params=dict(form),
        )
        with self._lock:
            self.messages.append(sms)
        body = {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": sms.to,
            "from": sms.from_,
            "body": sms.body,
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "uri": _MESSAGES.format(sid=self.account_sid).replace(".json", f"/{sid}.json"),
        }
        return 201, body, {}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                pass

            def _answer(
                self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                with standin._lock:
                    standin.requests += 1
                if self.path.split("?")[0] != _MESSAGES.format(sid=standin.account_sid):
                    self._answer(
                        404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
                    )
                    return
                if not standin._authorised(self.headers.get("Authorization") or ""):
                    self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                    return
                status, body, headers = standin._create(dict(parse_qsl(raw, keep_blank_values=True)))
                self._answer(status, body, headers)

        return Handler


def post_signed(url: str, params: dict[str, str], auth_token: str, *, signature: str | None = None) -> int:
    """POST a form to `url` with the X-Twilio-Signature Twilio would give it (or `signature`, to forge one)."""
    sig = signature if signature is not None else RequestValidator(auth_token).compute_signature(url, params)
    request = urllib.request.Request(
        url,
        data=urlencode(params).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": sig},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback in tests
            return int(response.status)
    except urllib.error.HTTPError as exc:
        with contextlib.suppress(Exception):
            exc.read()
        return int(exc.code)
