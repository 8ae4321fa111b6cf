"""The stand-in's server: loopback HTTP, every call recorded, failures injected; the methods are in methods.py."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from handlers.slack.standin.methods import SlackApiFailure, WebApiMethods

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
UPLOAD_PREFIX = "/upload/v1/"
RESPONSE_URL_PREFIX = "/response/"
UPLOAD_HEAD = 16  # bytes of an uploaded file kept on its recorded call

# Form-encoded callers (and slack_sdk for some methods) send these as JSON strings; decoding them lets a
# test assert on blocks and views the same way whichever encoding the client chose.
JSON_FORM_FIELDS = frozenset(
    {"attachments", "blocks", "files", "metadata", "option_groups", "options", "outputs", "profile", "view"}
)

# Slack answers these without a bot token (they authenticate with client credentials instead).
TOKENLESS_PREFIXES = ("oauth.", "openid.")


@dataclass
class Call:
    """One request the stand-in received."""

    method: str
    params: dict[str, Any]
    token: str | None
    at: float
    # The key given to SlackStandIn.response_url(), so a test can tell which command's URL was used.
    key: str = ""


@dataclass
class _Failure:
    method: str
    status: int
    remaining: int
    retry_after: int | None
    error: str | None


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]

    @classmethod
    def json(cls, data: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> _Reply:
        return cls(status, json.dumps(data).encode(), "application/json; charset=utf-8", headers or {})

    @classmethod
    def text(cls, text: str, status: int = 200, headers: dict[str, str] | None = None) -> _Reply:
        return cls(status, text.encode(), "text/plain; charset=utf-8", headers or {})


class SlackStandIn(WebApiMethods):
    """A loopback HTTP server that answers Web API methods the way Slack does and records every call.

    Point `slack_sdk.WebClient(base_url=standin.base_url)` at it. Failures are injected with `fail()`.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_user_id: str = "UCASEBOT",
        team_id: str = "T0CASEBOT",
        on_call: Callable[[Call], None] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.bot_user_id = bot_user_id
        self.team_id = team_id
        self.bot_id = "B" + bot_user_id[1:]
        self.app_id = "A" + bot_user_id[1:]
        self.on_call = on_call

        # One condition guards all mutable state and wakes wait_for() when a call arrives.
        self._cond = threading.Condition()
        self._calls: list[Call] = []
        self._failures: list[_Failure] = []
        self._users: dict[str, dict[str, Any]] = {}
        self._open_conversations: set[str] = set()
        self._home_view_ids: dict[str, str] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._last_ts_micros = 0

        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

        self.add_user(bot_user_id, name="casebot", real_name="casebot", is_bot=True)

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        if self._server is not None:
            raise RuntimeError("SlackStandIn is already running")
        server = ThreadingHTTPServer((self.host, self.port), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        # serve_forever only notices shutdown() between polls; a short poll keeps stop() quick in tests.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="slack-standin", daemon=True
        )
        self._thread.start()
        logger.debug("Slack stand-in listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self if self._server is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackStandIn is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    @property
    def base_url(self) -> str:
        return self.origin + API_PREFIX

    def upload_url(self, file_id: str) -> str:
        return self.origin + UPLOAD_PREFIX + file_id

    def response_url(self, key: str = "") -> str:
        return self.origin + RESPONSE_URL_PREFIX + quote(key, safe="")

    # -- what tests read and set up -------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A snapshot of every call so far, in arrival order."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if c.method == method]

    def file_content(self, file_id: str) -> bytes:
        """The whole of an uploaded file (its recorded call keeps only its first bytes)."""
        with self._cond:
            return bytes(self._files[file_id]["content"])

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls to `method` arrived; for work Bolt runs after the ack, in another thread."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                matching = [c for c in self._calls if c.method == method]
                if len(matching) >= count:
                    return matching
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self._calls]
                    raise TimeoutError(
                        f"{len(matching)} of {count} calls to {method} within {timeout}s; saw {seen}"
                    )
                self._cond.wait(left)

    def fail(
        self,
        method: str,
        *,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        error: str | None = None,
    ) -> None:
        """Make the next `times` calls to `method` fail with HTTP `status`.

        `method` is a Web API method, "files.upload_bytes", "response_url", or "*" for any of them.

        With status 200, `error` is required and the answer is `{"ok": false, "error": error}`.
        """
        if status == 200 and not error:
            raise ValueError("a 200 failure needs an error, e.g. error='channel_not_found'")
        if times < 1:
            raise ValueError("times must be at least 1")
        if status == HTTPStatus.TOO_MANY_REQUESTS and retry_after is None:
            retry_after = 1  # Slack always says how long to wait
        with self._cond:
            self._failures.append(_Failure(method, status, times, retry_after, error))

    def reset(self) -> None:
        """Forget calls and pending failures; users, open conversations and ids stay."""
        with self._cond:
            self._calls.clear()
            self._failures.clear()

    # -- request handling (server threads) --------------------------------------------------------

    def _handle(self, verb: str, raw_path: str, headers: Any, body: bytes) -> _Reply:
        url = urlsplit(raw_path)
        path = unquote(url.path)
        if path.startswith(API_PREFIX):
            return self._handle_api(path[len(API_PREFIX) :], url.query, headers, body)
        if path.startswith(UPLOAD_PREFIX) and verb == "POST":
            return self._handle_upload(path[len(UPLOAD_PREFIX) :], body)
        if path.startswith(RESPONSE_URL_PREFIX) and verb == "POST":
            return self._handle_response_url(path[len(RESPONSE_URL_PREFIX) :], headers, body)
        return _Reply.text("not found", status=404)

    def _handle_api(self, method: str, query: str, headers: Any, body: bytes) -> _Reply:
        params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        try:
            params.update(_parse_body(headers.get("Content-Type", ""), body))
        except ValueError:
            self._record(Call(method, params, _bearer(headers), time.time()))
            return _Reply.json({"ok": False, "error": "invalid_json"})
        form_token = params.pop("token", None)
        token = _bearer(headers) or form_token
        call = self._record(Call(method, params, token, time.time()))

        failure = self._take_failure(method)
        if failure is not None:
            return _failure_reply(failure, as_json=True)
        if token is None and not method.startswith(TOKENLESS_PREFIXES):
            return _Reply.json({"ok": False, "error": "not_authed"})

        answer = getattr(self, "_api_" + method.replace(".", "_"), None)
        try:
            data = answer(call.params) if answer is not None else {}
        except SlackApiFailure as failed:
            return _Reply.json({"ok": False, "error": failed.error})
        return _Reply.json({"ok": True, **data})

    def _handle_upload(self, file_id: str, body: bytes) -> _Reply:
        # The first bytes are kept so a test can check what kind of file it was (a PNG's signature).
        params = {"file_id": file_id, "length": len(body), "head": body[:UPLOAD_HEAD]}
        self._record(Call("files.upload_bytes", params, None, time.time()))
        failure = self._take_failure("files.upload_bytes")
        if failure is not None:
            return _failure_reply(failure, as_json=False)
        with self._cond:
            upload = self._files.get(file_id)
            if upload is None:
                return _Reply.text("file not found", status=404)
            upload["size"], upload["content"] = len(body), body
        return _Reply.text(f"OK - {len(body)}")

    def _handle_response_url(self, key: str, headers: Any, body: bytes) -> _Reply:
        try:
            params = _parse_body(headers.get("Content-Type", ""), body)
        except ValueError:
            self._record(Call("response_url", {}, None, time.time(), key=key))
            return _Reply.text("invalid_payload", status=400)
        self._record(Call("response_url", params, None, time.time(), key=key))
        failure = self._take_failure("response_url")
        if failure is not None:
            return _failure_reply(failure, as_json=False)
        return _Reply.text("ok")

    def _record(self, call: Call) -> Call:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
        if self.on_call is not None:
            try:
                self.on_call(call)
            except Exception:
                # A broken observer (e.g. the console's printer) must not turn into a Slack error.
                logger.exception("Failed to run on_call for %s", call.method)
        return call

    def _take_failure(self, method: str) -> _Failure | None:
        with self._cond:
            for failure in self._failures:
                if failure.method in (method, "*"):
                    failure.remaining -= 1
                    if failure.remaining == 0:
                        self._failures.remove(failure)
                    return failure
        return None


# -- helpers ---------------------------------------------------------------------------------------


def _make_handler(standin: SlackStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "casebot-slack-standin"

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, verb: str) -> None:
            try:
                reply = standin._handle(verb, self.path, self.headers, self._read_body())
            except Exception:
                logger.exception("Failed to answer %s %s", verb, self.path)
                reply = _Reply.json({"ok": False, "error": "internal_error"}, status=500)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        def _read_body(self) -> bytes:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                return b"".join(self._chunks())
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""

        def _chunks(self) -> Iterator[bytes]:
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                yield self.rfile.read(size)
                self.rfile.readline()
            # Trailers end with an empty line.
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("stand-in: " + format, *args)

    return Handler


def _bearer(headers: Any) -> str | None:
    scheme, _, token = headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """JSON, urlencoded or multipart into one dict; raises ValueError on malformed JSON."""
    if not body:
        return {}
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("a JSON body must be an object")
        return data
    if kind == "multipart/form-data":
        return _decode_json_fields(_parse_multipart(content_type, body))
    return _decode_json_fields(dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)))


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        # File contents would bloat every recorded call; their size is what tests check.
        fields[name] = {"filename": filename, "length": len(data)} if filename else data.decode("utf-8")
    return fields


def _decode_json_fields(fields: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_FORM_FIELDS & fields.keys():
        value = fields[key]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            # Slack would reject malformed JSON; keep the raw text so the test can see what was sent.
            with contextlib.suppress(ValueError):
                fields[key] = json.loads(value)
    return fields


def _failure_reply(failure: _Failure, *, as_json: bool) -> _Reply:
    error = failure.error or ("ratelimited" if failure.status == 429 else "internal_error")
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
    if as_json:
        return _Reply.json({"ok": False, "error": error}, status=failure.status, headers=headers)
    return _Reply.text(error, status=failure.status, headers=headers)
