"""The request path's invariants (issue 23), through the real HTTP server against the stand-in Slack: a read
writes nothing (on SQLite it opens no write transaction), a change is one transaction that also keeps its
request's replay key, the caller's row is read once, and a replayed request is refused: within one process
on SQLite (and after a restart), across two processes on PostgreSQL. Counts of what the database was asked,
never timings (those are bench/'s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.entrypoints.http import wsgi_app
from bot.services.firm import Firm
from handlers import home
from handlers.slack.standin import SlackStandIn
from storage.db import Database
from storage.models import Contact, EventClaim, Obligation, Offer, Provider
from tests.kit.served import ServedSlack, kept_keys
from tests.kit.slack_bodies import sign, slash_body, wsgi_environ
from tests.kit.statements import LATER, watch
from tests.kit.workspace import SECRET, TOKEN

ROOT = Path(__file__).resolve().parents[2]


class HotPath(ServedSlack):
    """The served workspace, sending a signed request as Slack would, and the same one again as a replay."""

    @property
    def url(self) -> str:
        return self.base + "/slack/events"

    def send(self, body: str, headers: dict[str, str], url: str | None = None) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(url or self.url, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        self.ctx.drain()
        return status, json.loads(raw) if raw.startswith(b"{") else {}

    def signed_command(self, command: str, text: str, user: str) -> tuple[str, dict[str, str]]:
        self._n += 1
        body = slash_body(
            command,
            text,
            user,
            response_url=self.standin.response_url(f"h{self._n}"),
            trigger_id=f"hot.{self._n}",
        )
        return body, {**sign(SECRET, body), "Content-Type": "application/x-www-form-urlencoded"}

    def say(self, command: str, text: str, user: str = "U1") -> tuple[int, dict[str, Any]]:
        return self.send(*self.signed_command(command, text, user))

    def home_opened(self, user: str, event_id: str, *, retry: int = 0) -> int:
        """The event, or (`retry` > 0) Slack's retry of it: the same body, signed again a little later."""
        body = json.dumps(
            {
                "type": "event_callback",
                "event_id": event_id,
                "team_id": "T0CASEBOT",
                "event": {"type": "app_home_opened", "user": user, "tab": "home", "channel": "D" + user},
            }
        )
        headers = sign(SECRET, body, int(time.time()) + retry)
        return self.send(body, {**headers, "Content-Type": "application/json"})[0]


@pytest.fixture
def hot(firm: Firm, standin: SlackStandIn) -> Iterator[HotPath]:
    workspace = HotPath(firm, standin)
    yield workspace
    workspace.close()


def _text(reply: dict[str, Any]) -> str:
    from handlers.blocks import all_text

    return str(reply.get("text", "")) + "\n" + all_text(reply.get("blocks") or [])


def _open_case(hot: HotPath) -> None:
    assert hot.say("/case", "new PI-1 Jane Roe 2026-11-02")[0] == 200
    assert hot.say("/case", "provider PI-1 add Valley Ortho 2026-11-02")[0] == 200


def test_reads_write_nothing_and_on_sqlite_open_no_write_transaction(hot: HotPath) -> None:
    _open_case(hot)
    seen = watch(hot.firm.db)
    status, shown = hot.say("/case", "show PI-1")
    assert status == 200 and "Jane Roe" in _text(shown)
    status, due = hot.say("/case", "due")
    assert status == 200 and "ran into a problem" not in _text(due)
    published = len(hot.standin.calls_to("views.publish"))
    assert hot.home_opened("U1", "EvHot1") == 200
    assert len(hot.standin.calls_to("views.publish")) == published + 1
    claims = [w for w in seen.writes() if w.startswith("INSERT INTO request_claims")]
    # The Home's opening, noted after the ack for the other replicas (PostgreSQL only: SQLite's one process
    # remembers it); never on the request's thread.
    opened = [
        sql for thread, sql in seen.statements if "INSERT INTO home_opens" in sql and thread.startswith(LATER)
    ]
    assert len(opened) == (1 if hot.firm.db.is_postgres else 0), opened
    others = [w for w in seen.writes() if w not in claims and w not in opened]
    assert others == [], "a read wrote (or took SQLite's write lock)"
    if hot.firm.db.is_postgres:
        # The replay check's one statement a request (and the event its event_id), into an unlogged table,
        # in no transaction.
        assert len(claims) == 4 and "ON CONFLICT DO NOTHING" in claims[0]
    else:
        assert claims == [], "SQLite keeps what it has seen in the process"
        assert [engine for _, engine in seen.begins] and {e for _, e in seen.begins} == {"read"}
    # The same reads, replayed, are refused: the process remembers them without writing.
    body, headers = hot.signed_command("/case", "show PI-1", "U1")
    assert hot.send(body, headers)[0] == 200
    assert hot.send(body, headers) == (401, {})
    assert hot.home_opened("U1", "EvHot1", retry=1) == 200  # Slack's retry of a handled event: nothing again
    assert len(hot.standin.calls_to("views.publish")) == published + 1
    assert [
        w for w in seen.writes() if not w.startswith("INSERT INTO request_claims") and w not in opened
    ] == []


def test_a_change_is_one_transaction_that_keeps_its_replay_key(hot: HotPath) -> None:
    _open_case(hot)
    assert hot.say("/case", "demand PI-1 sent 2026-11-20")[0] == 200
    seen = watch(hot.firm.db)
    for command, text in (("/case", "contacted PI-1 client"), ("/offer", "received PI-1 25000 2026-11-24")):
        kept = kept_keys(hot.firm.db)
        seen.clear()
        body, headers = hot.signed_command(command, text, "U1")
        status, reply = hot.send(body, headers)
        assert status == 200 and not _text(reply).lstrip().startswith((":warning:", ":x:")), reply
        assert len(seen.on_request_thread(seen.begins)) == 1, f"{command} {text}: {seen.begins}"
        staff_reads = [s for s in seen.on_request_thread(seen.statements) if "FROM staff" in s]
        assert len(staff_reads) == 1, f"the caller's row read {len(staff_reads)} times"
        assert kept_keys(hot.firm.db) == kept + 1, "the change kept its request's key with itself"
    with hot.firm.db.uow(write=False) as s:
        assert s.scalar(select(func.count(Contact.id))) == 1
        assert s.scalar(select(func.count(Offer.id))) == 1


def test_a_home_refresh_starts_only_once_the_server_has_taken_the_reply(
    hot: HotPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work after the reply waits for quiet, and a request is not quiet until the server has taken its reply:
    a Home refresh started while the reply was still being written competed with the write (bench/RESULTS.md,
    run R13). Here the front door's reply is held, built but not taken, while the refresh waits."""
    _open_case(hot)
    assert hot.home_opened("U1", "EvHot0") == 200  # U1 is looking at their Home
    hot.ctx.drain()
    monkeypatch.setattr(home, "QUIET_WAIT", 30.0)  # the refresh waits for quiet as long as it takes
    published = len(hot.standin.calls_to("views.publish"))
    # PI-1's client update is due: the contact closes it, so U1's Home changes.
    body, headers = hot.signed_command("/case", "contacted PI-1 client called back", "U1")
    statuses: list[str] = []
    door = wsgi_app(hot.app, signing_secret=SECRET)
    reply = door(wsgi_environ(body, headers), lambda status, _headers, *_: statuses.append(status))
    assert statuses == ["200 OK"]
    time.sleep(0.3)  # long enough for a refresh that did not wait to publish
    assert len(hot.standin.calls_to("views.publish")) == published, "a refresh ran beside the reply's write"
    answer = json.loads(b"".join(reply))  # the server takes the reply: now the request is over
    assert "Logged a client contact on PI-1" in _text(answer), answer
    hot.ctx.drain()
    views = hot.standin.calls_to("views.publish")
    assert len(views) == published + 1 and views[-1].params["user_id"] == "U1"


def test_a_change_writes_what_it_did_in_one_flush_with_its_plan(hot: HotPath) -> None:
    """The contact (or offer), the case and the re-planned obligations go to the database together, in one
    flush (the undo record follows at commit); a flush before the plan only for a new provider, whose id
    names its follow-ups. Undo still puts each back."""
    _open_case(hot)
    assert hot.say("/case", "demand PI-1 sent 2026-11-20")[0] == 200
    flushes: list[tuple[str, set[str]]] = []

    def flushed(session: Any, _context: Any) -> None:
        tables = {o.__tablename__ for o in (*session.new, *session.dirty, *session.deleted)}
        flushes.append((threading.current_thread().name, tables))

    def active() -> set[tuple[str, str]]:
        with hot.firm.db.uow(write=False) as s:
            return {(key, state) for key, state in s.execute(select(Obligation.key, Obligation.state))}

    event.listen(hot.firm.db.sessions, "after_flush", flushed)
    try:
        for command, text, wrote in (
            ("/case", "contacted PI-1 client", "contacts"),
            ("/offer", "received PI-1 25000 2026-11-24", "offers"),
        ):
            before = active()
            flushes.clear()
            status, reply = hot.say(command, text)
            assert status == 200 and not _text(reply).lstrip().startswith((":warning:", ":x:")), reply
            mine = [tables for thread, tables in flushes if not thread.startswith(LATER)]
            with_it = [tables for tables in mine if wrote in tables]
            assert len(with_it) == 1, f"{text}: {mine}"
            assert {"cases", "obligations", "audit"} <= with_it[0], f"{text}: {mine}"
            assert all(tables <= {"case_changes"} for tables in mine if tables is not with_it[0]), mine
            assert active() != before
            assert "Undid" in _text(hot.say("/case", "undo PI-1")[1])
            assert active() == before, f"{text}: undo put back the obligations"
        with hot.firm.db.uow(write=False) as s:
            assert s.scalar(select(func.count(Contact.id))) == 0
            assert s.scalar(select(func.count(Offer.id))) == 0

        # Two providers added one after the other: each one's follow-up is keyed by its own id.
        assert hot.say("/case", "provider PI-1 add Mercy Imaging 2026-11-03")[0] == 200
        with hot.firm.db.uow(write=False) as s:
            ids = set(s.scalars(select(Provider.id)))
            keyed = {
                k.split(":")[1] for k in s.scalars(select(Obligation.key).where(Obligation.rule == "R3"))
            }
        assert len(ids) == 2 and {str(i) for i in ids} <= keyed, (ids, keyed)
    finally:
        event.remove(hot.firm.db.sessions, "after_flush", flushed)


def test_a_replayed_change_is_refused_after_a_restart_and_changes_nothing(
    hot: HotPath, database_url: str
) -> None:
    """SQLite keeps claims in the process: a change's key is kept in its own transaction, and what the
    process saw is written back at a clean stop, so a new process refuses both."""
    _open_case(hot)
    change, change_headers = hot.signed_command("/case", "contacted PI-1 client", "U1")
    read, read_headers = hot.signed_command("/case", "show PI-1", "U1")
    assert hot.send(change, change_headers)[0] == 200
    assert hot.send(read, read_headers)[0] == 200
    hot.firm.db.claims.keep(hot.firm.now())  # what `casebot run` does as it stops
    hot.close()

    restarted = Database(database_url)
    try:
        firm = Firm(
            db=restarted, settings=hot.firm.settings, calendar=hot.firm.calendar, clock=hot.firm.clock
        )
        again = HotPath(firm, hot.standin)
        try:
            assert again.send(change, change_headers)[0] == 401
            assert again.send(read, read_headers)[0] == 401
            with restarted.uow(write=False) as s:
                assert s.scalar(select(func.count(Contact.id))) == 1
        finally:
            again.close()
    finally:
        restarted.dispose()


def test_a_replay_inside_a_change_is_refused_and_changes_nothing(hot: HotPath) -> None:
    """The front door missed it (another process forgot it): the change's own claim refuses it."""
    _open_case(hot)
    change, headers = hot.signed_command("/case", "contacted PI-1 client", "U1")
    assert hot.send(change, headers)[0] == 200
    hot.firm.db.claims = type(hot.firm.db.claims)(
        hot.firm.db.engine, hot.firm.db.sessions, hot.firm.db.read_sessions
    )
    if hot.firm.db.is_postgres:
        with hot.firm.db.uow() as s:
            s.execute(select(1))
            s.execute(EventClaim.__table__.metadata.tables["request_claims"].delete())
    else:
        hot.firm.db.claims._seeded = True  # a process that never read event_claims
    status, reply = hot.send(change, headers)
    assert status == 200 and "already handled" in _text(reply) and "nothing was changed" in _text(reply)
    with hot.firm.db.uow(write=False) as s:
        assert s.scalar(select(func.count(Contact.id))) == 1


def _casebot_process(database_url: str, standin: SlackStandIn, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PLAYBOOK_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_BASE_URL": standin.base_url,
            "ADMIN_USERS": "",
            "PYTHONPATH": str(ROOT),
        }
    )
    argv = [
        sys.executable,
        "-m",
        "bot.entrypoints.cli",
        "run",
        "--http",
        "--port",
        str(port),
        "--no-scheduler",
    ]
    return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_replay_is_refused_across_two_processes_on_postgresql(hot: HotPath, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serves one process")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    other = _casebot_process(database_url, hot.standin, port)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert other.poll() is None, "the second casebot process exited"
                time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/slack/events"
        _open_case(hot)
        change, change_headers = hot.signed_command("/case", "contacted PI-1 client", "U1")
        assert hot.send(change, change_headers)[0] == 200
        assert hot.send(change, change_headers, url)[0] == 401, "the other process refuses it too"
        read, read_headers = hot.signed_command("/case", "show PI-1", "U1")
        assert hot.send(read, read_headers, url)[0] == 200, "served by the other process first"
        assert hot.send(read, read_headers)[0] == 401
        with hot.firm.db.uow(write=False) as s:
            assert s.scalar(select(func.count(Contact.id))) == 1
    finally:
        other.terminate()
        other.wait(10)
