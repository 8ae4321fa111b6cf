"""Signed slash commands over HTTP: start a server as a subprocess, time each request on one keep-alive
connection, and read the server's peak memory."""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.kit.slack_bodies import event_body, sign, slash_body

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A server subprocess listening on loopback."""

    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120.0) -> Server:
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            self.argv, env=self.env, cwd=self.log_path.parent, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer /healthz within {timeout:.0f}s; see {self.log_path}")

    def memory_kb(self) -> dict[str, int]:
        """VmHWM (peak resident) and VmRSS of the server process, in kB."""
        assert self.proc is not None
        found: dict[str, int] = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0])
        return found

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def server_env(database_url: str, slack_base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PLAYBOOK_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_BASE_URL": slack_base_url,
            "ADMIN_USERS": "",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def casebot_server(database_url: str, slack_base_url: str, log_dir: Path, *, fixes: bool = False) -> Server:
    """`casebot run --http --no-scheduler`; with `fixes`, the same through bench.fixes."""
    port = free_port()
    # `python -m bot.entrypoints.cli` is the `casebot` command, importing from this tree (PYTHONPATH) whatever is installed.
    program = [sys.executable, "-m", "bench.fixes" if fixes else "bot.entrypoints.cli"]
    argv = [*program, "run", "--http", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"]
    name = "casebot-fixes" if fixes else "casebot"
    return Server(name, argv, server_env(database_url, slack_base_url), port, log_dir / f"{name}-server.log")


def echo_server(slack_base_url: str, log_dir: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "bench.echo", "--host", "127.0.0.1", "--port", str(port)]
    return Server("echo", argv, server_env("sqlite://", slack_base_url), port, log_dir / "echo-server.log")


@dataclass
class Latency:
    """Milliseconds per request, one command on one server."""

    label: str
    samples: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    example: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]


Request = tuple[str, str, str]  # (command, text, user)
HOME_OPENED = "app_home_opened"  # as a Request's command: the user's Home opened


def home_opened(user: str, n: str) -> str:
    event = {"type": "app_home_opened", "user": user, "channel": "D0BENCH", "tab": "home"}
    return event_body(event, f"EvHome{n.replace('.', '')}")


class Client:
    """One keep-alive connection to a server's POST /slack/events, signing each request as Slack does."""

    def __init__(self, port: int, response_url: str) -> None:
        self.port = port
        self.response_url = response_url
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.sent = 0

    def trigger(self) -> str:
        """A trigger_id of its own for each request, as Slack gives: casebot refuses a signed request it
        has already served (the same body and signature within a second would be one)."""
        self.sent += 1
        return f"bench.{self.port}.{self.sent}"

    def send(self, command: str, text: str, user: str) -> tuple[float, int, str]:
        """A slash command; or, with `command` HOME_OPENED, that user's app_home_opened event (answered
        before the Home is built: the time Slack waits for)."""
        if command == HOME_OPENED:
            body, content_type = home_opened(user, self.trigger()), "application/json"
        else:
            body = slash_body(
                command,
                text,
                user,
                channel_id="D0BENCH",
                response_url=self.response_url,
                trigger_id=self.trigger(),
            )
            content_type = "application/x-www-form-urlencoded"
        headers = {**sign(SIGNING_SECRET, body), "Content-Type": content_type}
        started = time.perf_counter()
        self.conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
        response = self.conn.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        return elapsed, response.status, payload.decode("utf-8", "replace")

    def close(self) -> None:
        self.conn.close()


def measure(
    bot: Client,
    bare: Client,
    label: str,
    requests: Sequence[Request],
    *,
    warmup: int = 10,
    ok: Callable[[int, str], bool] | None = None,
) -> tuple[Latency, Latency]:
    """Send each request to the bot, then the same to the echo app, so both see the same machine; the first
    `warmup` untimed. Answers (bot, echo)."""
    real, base = Latency(label), Latency(label)
    for i, (command, text, user) in enumerate(requests):
        for client, result, check in ((bot, real, ok), (bare, base, None)):
            elapsed, status, body = client.send(command, text, user)
            answered = command == HOME_OPENED or (bool(body) and (check is None or check(status, body)))
            if not (status == 200 and answered):
                result.failures.append(f"{status} {command} {text}: {body[:200]}")
            if i == warmup:
                result.example = body[:400]
            if i >= warmup:
                result.samples.append(elapsed)
    return real, base


def not_refused(status: int, body: str) -> bool:
    """The reply is not a refusal (handlers.blocks.build_error opens with :warning:) nor an unexpected
    failure (:x:)."""
    try:
        blocks = json.loads(body).get("blocks") or [{}]
    except ValueError:
        return False
    first = str((blocks[0].get("text") or {}).get("text", ""))
    return not first.startswith((":warning:", ":x:"))


def pick(rng: random.Random, pool: Sequence[tuple[str, str, str]], n: int) -> list[tuple[str, str, str]]:
    """`n` distinct entries of `pool` (each mutating request gets a case of its own)."""
    return rng.sample(list(pool), min(n, len(pool)))
