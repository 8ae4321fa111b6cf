"""Several replicas on one PostgreSQL database: exactly one sends, and when it dies another takes over
within a minute, with nothing sent twice and nothing skipped. Real processes, real HTTP, stand-in Slack."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import services
from handlers.slack.standin import SlackStandIn
from storage.models import Delivery
from tests.kit.clock import LA
from tests.kit.reminders import digests
from tests.kit.slack_bodies import sign, slash_body

MANAGERS = [f"UM{i:03d}" for i in range(60)]
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LA)  # a Tuesday morning in the firm's time zone
SENDER_LINE = "now the one that sends reminders"


@dataclass
class Replica:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def says(self, text: str) -> bool:
        return text in self.log.read_text(errors="replace")

    def health(self) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                return r.status
        except OSError:
            return 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pg_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database; SQLite serves one process")
    return database_url


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as slack:
        for user in MANAGERS:
            slack.add_user(user, tz="America/Los_Angeles")
        yield slack


def _start(name: str, pg_url: str, standin: SlackStandIn, tmp_path: Path, *extra: str) -> Replica:
    port, log = _free_port(), tmp_path / f"{name}.log"
    env = {
        **os.environ,
        "DATABASE_URL": pg_url,
        "SLACK_BOT_TOKEN": "xoxb-replicas",
        "SLACK_SIGNING_SECRET": "replica-secret",
        "SLACK_API_BASE_URL": standin.base_url,
        "CASEBOT_NOW": NOW.isoformat(),
        "REMINDER_TICK_SECONDS": "1",
        "DIGEST_TIME": "08:30",
    }
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.entrypoints.cli",
            "run",
            "--http",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *extra,
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return Replica(name, port, process, log)


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _sent(firm) -> int:
    with firm.db.uow() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.kind == "digest", Delivery.state == "sent")
            )
            or 0
        )


def _kill_between_attempts(sender: Replica, standin: SlackStandIn, firm) -> None:
    """Freeze the sender; kill it only when no attempt is in flight (every digest Slack has is marked sent).
    A kill inside an attempt is the documented at-least-once window (bot/delivery/outbox.py), tested there."""
    for _ in range(500):
        os.kill(sender.process.pid, signal.SIGSTOP)
        time.sleep(0.05)  # let a commit already on the wire land
        if sum(digests(standin).values()) == _sent(firm):
            sender.process.kill()
            sender.process.wait(10)
            return
        os.kill(sender.process.pid, signal.SIGCONT)
        time.sleep(0.003)
    raise AssertionError("never caught the sender between two attempts")


def test_three_replicas_one_sender_killed_mid_fanout_nothing_twice_nothing_skipped(
    pg_url, standin, firm, clock, tmp_path
):
    clock.at = NOW.replace(hour=7)
    for i, manager in enumerate(MANAGERS):
        services.create_case(firm, "UADMIN", f"PI-{i}", f"Client {i}", manager=manager, on=date(2026, 11, 2))
    replicas = [_start(f"r{i}", pg_url, standin, tmp_path) for i in range(3)]
    replicas.append(_start("serve-only", pg_url, standin, tmp_path, "--no-scheduler"))
    try:
        _wait(lambda: all(r.health() == 200 for r in replicas), 60, "every replica to serve /healthz")
        _wait(lambda: sum(digests(standin).values()) >= 10, 60, "the fan-out to start")
        senders = [r for r in replicas if r.says(SENDER_LINE)]
        assert len(senders) == 1, [r.name for r in senders]
        sender = senders[0]
        _kill_between_attempts(sender, standin, firm)
        killed_at, received_at_kill = time.monotonic(), sum(digests(standin).values())
        assert received_at_kill < len(MANAGERS), "the sender finished before it could be killed mid-fan-out"
        print(f"killed {sender.name} after {received_at_kill} of {len(MANAGERS)} digests")

        _wait(lambda: sum(digests(standin).values()) == len(MANAGERS), 60, "every digest after the takeover")
        took_over = [r for r in replicas if r is not sender and r.says(SENDER_LINE)]
        assert len(took_over) == 1 and took_over[0].name != "serve-only"
        assert time.monotonic() - killed_at < 60
        time.sleep(3)  # a few more ticks of the survivors: nothing more may arrive
        assert digests(standin) == {f"D{m}": 1 for m in MANAGERS}
        assert _sent(firm) == len(MANAGERS)

        # The serve-only replica answers Slack like any other.
        body = slash_body("/case", "show PI-1", "UM001", response_url=standin.response_url("x"))
        request = urllib.request.Request(
            f"http://127.0.0.1:{replicas[-1].port}/slack/events",
            data=body.encode(),
            headers={**sign("replica-secret", body)},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200 and b"PI-1" in response.read()
    finally:
        for r in replicas:
            if r.process.poll() is None:
                os.kill(r.process.pid, signal.SIGCONT)
                r.process.terminate()
        for r in replicas:
            try:
                r.process.wait(15)
            except subprocess.TimeoutExpired:
                r.process.kill()
