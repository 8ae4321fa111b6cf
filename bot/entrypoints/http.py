"""casebot's HTTP front door: what a request must be before Bolt, or anything else, reads it.

In order, for POST /slack/events:
1. **Size.** A body over MAX_BODY (1 MiB; Slack's own payloads are a few kilobytes) is answered 413 unread:
   waitress refuses it from the Content-Length header before reading it, and so does this layer.
2. **Signature, on the raw bytes.** `v0=HMAC-SHA256(signing secret, "v0:<timestamp>:<body>")`, compared in
   constant time, with a timestamp within five minutes of now, before the body is decoded or parsed.
   Missing, malformed, stale or wrong: 401.
3. **Seen once.** A signed request is refused (401) if the same timestamp and signature were served before:
   a captured request replayed inside the five minutes changes nothing. A read writes nothing for it: the
   pair is kept in this process on SQLite (which serves one process) and in an unlogged table on
   PostgreSQL, one statement outside any transaction, so every replica sees it (storage/claims.py); a
   change also keeps it in its own transaction, so a replay of a change is refused after a restart too.
   Slack's own retries carry a fresh timestamp and signature, so they still get through.
4. **Read once.** The body must be UTF-8 and the shape its Content-Type says, with who is asking
   (bodies.py): else 400. Bolt is handed the body so read, never the text, so no word in a form (a note
   about a truck's "payload") changes how it is read; Bolt does not check the signature again.
Nothing here answers 500 for anything a caller sent; an unexpected failure inside casebot is logged by
what, never by what was sent.

GET (or HEAD) /calendar/<token>.ics, when the server has a firm: a person's deadlines as iCalendar. The token
is the credential (256 random bits; bot/services/calendars.py keeps only its hash); any token that opens no
calendar, however malformed, gets the same 404, and the token is never logged. Nothing is read from the
request but its path.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from slack_bolt import App

from bot.entrypoints.bodies import bolt_request, read_body
from bot.entrypoints.twilio_http import STATUS_PATH as TWILIO_STATUS_PATH
from bot.entrypoints.twilio_http import status_endpoint
from bot.entrypoints.twilio_inbound import INBOUND_PATH, inbound_for
from bot.logs import failure
from bot.services import request
from bot.services.firm import Firm
from bot.services.people import claim_request

if TYPE_CHECKING:
    from bot.entrypoints.server import FrontDoor

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
CALENDAR_PREFIX, CALENDAR_SUFFIX = "/calendar/", ".ics"  # GET /calendar/<token>.ics: a person's deadlines
MAX_BODY = 1024 * 1024
WINDOW_SECONDS = 5 * 60  # Slack's: a timestamp further from now than this is refused
_TIMESTAMP = re.compile(r"^\d{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
Endpoint = Callable[[Environ, StartResponse], Iterable[bytes]]


def signature_of(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    return "v0=" + digest.hexdigest()


class Replays:
    """Signed requests already served, by (timestamp, signature), kept where it costs least
    (storage/claims.py): in this process on SQLite, which serves one process; on PostgreSQL in an unlogged
    table every replica sees, one statement and no transaction. A change also keeps its request's key in its
    own transaction (bot/services/request.py). Without a firm, or while PostgreSQL is down, in memory."""

    def __init__(self, firm: Firm | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.firm = firm
        self.clock = clock
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(timestamp: str, signature: str) -> str:
        return "sig:" + hashlib.sha256(f"{timestamp}:{signature}".encode()).hexdigest()[:60]

    def first_time(self, timestamp: str, signature: str) -> bool:
        key = self.key(timestamp, signature)
        if self.firm is not None:
            return claim_request(self.firm, key)
        now = self.clock()
        with self._lock:
            for old in [k for k, at in self._seen.items() if now - at > 2 * WINDOW_SECONDS]:
                del self._seen[old]
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


def _answer(start_response: StartResponse, status: str, text: str = "") -> Iterable[bytes]:
    body = text.encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


def slack_endpoint(
    app: App, signing_secret: str, replays: Replays, *, clock: Callable[[], float] = time.time
) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """POST /slack/events, checked as the module docstring says, then handed to Bolt."""

    def endpoint(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        raw_length = str(environ.get("CONTENT_LENGTH") or "").strip()
        if raw_length and not raw_length.isdigit():
            return _answer(start_response, "400 Bad Request", "bad Content-Length")
        length = int(raw_length) if raw_length else None
        if length is not None and length > MAX_BODY:
            return _answer(start_response, "413 Request Entity Too Large", "too large")
        stream = environ.get("wsgi.input")
        body = stream.read(length if length is not None else MAX_BODY + 1) if stream is not None else b""
        if len(body) > MAX_BODY:
            return _answer(start_response, "413 Request Entity Too Large", "too large")

        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")
        if not signing_secret or not _TIMESTAMP.match(timestamp) or not _SIGNATURE.match(signature):
            return _answer(start_response, "401 Unauthorized", "unsigned")
        if abs(clock() - int(timestamp)) > WINDOW_SECONDS:
            return _answer(start_response, "401 Unauthorized", "stale")
        if not hmac.compare_digest(signature_of(signing_secret, timestamp, body), signature):
            return _answer(start_response, "401 Unauthorized", "bad signature")
        if not replays.first_time(timestamp, signature):
            log.warning("Refused a replayed request (timestamp %s)", timestamp)
            return _answer(start_response, "401 Unauthorized", "replayed")

        content_type = str(environ.get("CONTENT_TYPE") or "")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _answer(start_response, "400 Bad Request", "not UTF-8")
        parsed = read_body(text, content_type)
        if parsed is None:
            return _answer(start_response, "400 Bad Request", "malformed")

        headers: dict[str, str | Sequence[str]] = {
            k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")
        }
        headers["content-type"] = content_type
        # Being served until the server has taken the reply (Handed), not just until it is built: work after
        # the reply (a Home refresh) waits for that, so it never competes with the reply's own write.
        end = request.in_flight.begin()
        try:
            with request.serving(claims=(Replays.key(timestamp, signature),)):
                response = app.dispatch(bolt_request(parsed, headers, str(environ.get("QUERY_STRING") or "")))
        except Exception as exc:
            end()
            failure(log, "dispatch a request", exc)
            return _answer(start_response, "500 Internal Server Error", "casebot ran into a problem")
        try:
            out = response.body.encode() if isinstance(response.body, str) else bytes(response.body or b"")
            listed = [
                (name, value)
                for name, values in (response.headers or {}).items()
                if name.lower() != "content-length"
                for value in values
            ]
            start_response(
                f"{response.status} {_reason(response.status)}", [*listed, ("Content-Length", str(len(out)))]
            )
        except BaseException:
            end()
            raise
        return Handed(out, end)

    return endpoint


class Handed:
    """A reply's body that calls `end` once the server has taken it: iterated past it or closed, whichever
    comes first. Waitress has then written a body out; an empty one (an event's acknowledgment) leaves only
    the status line and headers, which it writes straight after."""

    def __init__(self, body: bytes, end: Callable[[], None]) -> None:
        self._body, self._end = body, end

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield self._body
        finally:
            self._end()

    def close(self) -> None:
        self._end()


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def calendar_endpoint(firm: Firm) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """GET or HEAD /calendar/<token>.ics: 200 with the feed, or 404 for any token that opens none. icalendar
    is loaded by the first request for a feed, not when the server starts."""
    from bot.errors import TryAgain

    def endpoint(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        from bot.delivery.calendar_feed import calendar_for_token

        path, method = str(environ.get("PATH_INFO", "")), environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _answer(start_response, "405 Method Not Allowed", "GET only")
        token = path[len(CALENDAR_PREFIX) :]
        if not token.endswith(CALENDAR_SUFFIX):
            return _answer(start_response, "404 Not Found", "not found")
        try:
            body = calendar_for_token(firm, token[: -len(CALENDAR_SUFFIX)])
        except TryAgain:
            return _answer(start_response, "503 Service Unavailable", "try again later")
        except Exception as exc:
            failure(log, "build a calendar feed", exc)
            return _answer(start_response, "500 Internal Server Error", "casebot ran into a problem")
        if body is None:
            return _answer(start_response, "404 Not Found", "not found")
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Content-Disposition", 'inline; filename="casebot-deadlines.ics"'),
                ("Cache-Control", "private, max-age=300"),
                ("Referrer-Policy", "no-referrer"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
        return [] if method == "HEAD" else [body]

    return endpoint


def health_endpoint(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """GET or HEAD /healthz: 200 "ok" while the server answers."""
    if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
        return _answer(start_response, "405 Method Not Allowed", "GET only")
    return _answer(start_response, "200 OK", "ok")


def post_only(endpoint: Endpoint) -> Endpoint:
    def checked(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD", "GET") != "POST":
            return _answer(start_response, "405 Method Not Allowed", "POST only")
        return endpoint(environ, start_response)

    return checked


def wsgi_app(
    app: App, *, signing_secret: str, replays: Replays | None = None, calendars: Firm | None = None
) -> Endpoint:
    """The routing table: POST /slack/events for commands, interactivity and events; GET /healthz; with
    `calendars` (the firm), GET /calendar/<token>.ics; 404 for anything else. Each endpoint checks its own
    method; to add one, add a line to `routes` (an exact path) or `prefixes` (a path and what follows)."""
    routes: dict[str, Endpoint] = {
        HEALTH_PATH: health_endpoint,
        EVENTS_PATH: post_only(slack_endpoint(app, signing_secret, replays or Replays())),
    }
    prefixes: list[tuple[str, Endpoint]] = []
    if calendars is not None:
        prefixes.append((CALENDAR_PREFIX, calendar_endpoint(calendars)))
        routes[TWILIO_STATUS_PATH] = post_only(status_endpoint(calendars))  # delivery reports (issue 21)
        routes[INBOUND_PATH] = post_only(inbound_for(calendars))  # clients' texts (issue 22)

    def application(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        endpoint = routes.get(path) or next((e for p, e in prefixes if path.startswith(p)), None)
        if endpoint is None:
            return _answer(start_response, "404 Not Found", "not found")
        return endpoint(environ, start_response)

    return application


def http_server(
    app: App,
    *,
    firm: Firm | None = None,
    signing_secret: str | None = None,
    host: str = "127.0.0.1",
    port: int = 3000,
    threads: int = 8,
    front_door: FrontDoor | None = None,
) -> Any:
    """A waitress server (not yet running): `.run()` serves, `.close()` stops, `.effective_port` is the port.
    Listens on loopback unless told otherwise (`casebot run --http --host 0.0.0.0` behind a proxy). With a
    firm it also serves the calendar feeds. Configured for the internet by `front_door` (server.py)."""
    from bot.entrypoints.server import FrontDoor, serve

    if signing_secret is None:
        signing_secret = (firm.settings.slack_signing_secret if firm else None) or ""  # "": every request 401
    return serve(
        wsgi_app(app, signing_secret=signing_secret, replays=Replays(firm), calendars=firm),
        host=host,
        port=port,
        threads=threads,
        door=front_door or FrontDoor(),
        max_body=MAX_BODY,
    )
