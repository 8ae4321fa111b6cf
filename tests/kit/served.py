"""The test workspace (tests/kit/workspace.py) with every request sent over HTTP to the real server (waitress and
casebot's front door) on loopback, and what the database was asked while it ran (`watch`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from waitress import wasyncore

from bot.entrypoints.http import http_server
from bot.entrypoints.server import FrontDoor
from bot.services.firm import Firm
from handlers.blocks import all_text
from handlers.slack.standin import SlackStandIn
from storage.db import Database
from tests.kit.slack_bodies import event_body, sign, slash_body
from tests.kit.workspace import SECRET, Answer, Slack


def kept_keys(db: Database) -> int:
    """How many requests' replay keys changes have kept with themselves (event_claims' `sig:` rows)."""
    from sqlalchemy import func, select

    from storage.models import EventClaim

    with db.uow(write=False) as s:
        return int(
            s.scalar(select(func.count()).select_from(EventClaim).where(EventClaim.event_id.like("sig:%")))
            or 0
        )


def sign_bytes(body: bytes, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + digest}


def stop(server: Any, thread: threading.Thread) -> None:
    """Stops a waitress server at once. Closed from this thread, its loop would notice only at its next poll,
    up to a second later; here its own thread closes every socket it holds (the listener, idle keep-alive
    connections, its wake-up pipe) between polls, and the loop ends as its map empties. Then its worker
    threads end too: left waiting for work, each would keep the server, the app and the firm's database
    alive for the rest of the test run."""
    if thread.is_alive():  # not stopped already (a test that restarts the server stops the first itself)
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        except OSError:  # its wake-up pipe is closed already
            wasyncore.close_all(server._map)  # from this thread, then; the loop ends at its next poll
        thread.join(timeout=5)
        assert not thread.is_alive(), "the server did not stop"
    workers = server.task_dispatcher
    workers.shutdown(timeout=5)
    assert not workers.threads, "the server's workers did not stop"


class ServedSlack(Slack):
    """Commands, clicks, forms and events go to http://127.0.0.1:<port>/slack/events, signed."""

    def __init__(self, firm: Firm, standin: SlackStandIn, *, door: FrontDoor | None = None) -> None:
        super().__init__(firm, standin)
        self.server = http_server(
            self.app, firm=self.firm, host="127.0.0.1", port=0, threads=4, front_door=door
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.port = int(self.server.effective_port)
        self.base = f"http://127.0.0.1:{self.port}"

    def post(self, body: bytes, headers: dict[str, str], *, timeout: float = 10) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.base + "/slack/events", data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        self.ctx.drain()
        return status, raw

    def signed(self, body: bytes, content_type: str) -> int:
        """A body signed as Slack would, under this Content-Type: the status it gets."""
        return self.post(body, {**sign_bytes(body), "Content-Type": content_type})[0]

    def dispatch(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        secret: str = SECRET,
    ) -> Answer:
        headers = {**sign(secret, body, timestamp), "Content-Type": content_type}
        status, raw = self.post(body.encode(), headers)
        parsed: dict[str, Any] = {}
        if raw.startswith(b"{"):
            parsed = json.loads(raw)
        elif raw:
            parsed = {"text": raw.decode()}
        if parsed and status == 200:
            self.acks.append(parsed)
        return Answer(status, parsed)

    def close(self) -> None:
        stop(self.server, self.thread)
        super().close()


@contextmanager
def served_slack(firm: Firm, *users: str) -> Iterator[ServedSlack]:
    """A served workspace with these members besides the usual ones; afterwards, everything casebot sent is
    checked as Slack would check it."""
    with SlackStandIn() as standin:
        workspace = ServedSlack(firm, standin)
        for user in users:
            standin.add_user(user, name=user.lower())
        yield workspace
        workspace.close()
        workspace.check_everything_sent()


class Server:
    """The served workspace from Slack's side of the wire: a body posted, signed unless the headers say
    otherwise, answers its status and JSON (and the seconds it took, for the record, never asserted); a
    command answers its JSON."""

    def __init__(self, slack: ServedSlack) -> None:
        self.slack = slack
        self.url = slack.base
        self._n = 0

    def post(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any], float]:
        headers = headers if headers is not None else sign(SECRET, body)
        started = time.perf_counter()
        status, raw = self.slack.post(body.encode(), {**headers, "Content-Type": content_type})
        took = time.perf_counter() - started
        data = json.loads(raw) if raw.startswith(b"{") else {}
        if data:
            self.slack.acks.append(data)
        return status, data, took

    def command(self, user: str, text: str, command: str = "/case") -> dict[str, Any]:
        self._n += 1
        body = slash_body(
            command,
            text,
            user,
            response_url=self.slack.standin.response_url(f"h{self._n}"),
            trigger_id=f"trig.{self._n}",
        )
        status, data, _ = self.post(body)
        assert status == 200, (text, status, data)
        return data

    def payload(self, payload: dict[str, Any]) -> int:
        status, _, _ = self.post(urlencode({"payload": json.dumps(payload)}))
        return status

    def home(self, user: str = "U1") -> str:
        """The person opens their Home tab: the text of the view casebot publishes for them."""
        self._n += 1
        event = {"type": "app_home_opened", "user": user, "tab": "home"}
        status, _, _ = self.post(event_body(event, f"EvHome{self._n}"), content_type="application/json")
        assert status == 200
        views = [c for c in self.slack.standin.calls_to("views.publish") if c.params.get("user_id") == user]
        return all_text(views[-1].params["view"]["blocks"])
