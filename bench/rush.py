"""The morning rush (issue 23): N managers at once, each on a keep-alive connection of their own, sending a mix
of their morning for a fixed time against the real server: `/case due`, `/case show`, `/case contacted`,
`/offer received`, button clicks (a digest's Open case, a read; its Log contact, a change) and Home opens
(timed until the event's HTTP answer, all Slack waits for; the Home tab is built after it).

Together they offer a fixed rate (default 50 requests a second, each manager on its own schedule with a
random start); a manager behind schedule sends at once, so a server that can't keep up shows it in the
throughput. The same plan is then sent to the echo app (a bare Bolt app on the same server stack).
Traffic goes to 127.0.0.1 only and stops by itself after `seconds`.

    python -m bench.rush <database-url> [--managers 20] [--seconds 30] [--rate 50]

runs it against a database `python -m bench.run --keep` left (bench/out or casebot_bench_<scale>)."""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.commands import SIGNING_SECRET, not_refused
from tests.kit.slack_bodies import event_body, interaction_body, sign, slash_body

DUE, SHOW, CONTACTED, OFFER = "/case due", "/case show", "/case contacted", "/offer received"
OPEN_CLICK, LOG_CLICK, HOME = "click Open case", "click Log contact", "Home opened"
# How a manager's morning is made up (weights): mostly reading, a third changing something.
MIX: dict[str, int] = {DUE: 20, SHOW: 25, CONTACTED: 15, OFFER: 5, OPEN_CLICK: 10, LOG_CLICK: 10, HOME: 15}
READS, WRITES = (DUE, SHOW, OPEN_CLICK, HOME), (CONTACTED, OFFER, LOG_CLICK)

Step = tuple[str, str]  # (kind, argument: a case number, an obligation id, or "")


@dataclass
class Manager:
    user: str
    cases: list[str]
    later: list[str]  # cases whose demand is out or in negotiation (for an offer)
    due: list[int]  # obligation ids due, for Log contact from the digest


@dataclass
class Result:
    """Every request of one run: (kind, milliseconds, ok, what went wrong)."""

    seconds: float = 0.0
    samples: list[tuple[str, float]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    behind: list[float] = field(default_factory=list)  # how late each request left, ms

    def times(self, kinds: Sequence[str] | None = None) -> list[float]:
        return sorted(ms for kind, ms in self.samples if kinds is None or kind in kinds)

    @staticmethod
    def p(values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]

    def summary(self, kinds: Sequence[str] | None = None) -> dict[str, float]:
        t = self.times(kinds)
        return {
            "requests": len(t),
            "median_ms": round(statistics.median(t), 2) if t else float("nan"),
            "p99_ms": round(self.p(t, 0.99), 2),
            "max_ms": round(t[-1], 2) if t else float("nan"),
        }


def managers_from(url: str, index: Sequence[tuple[str, str, str]], n: int, seed: int) -> list[Manager]:
    """The `n` managers with the most cases, with their cases and what they have due today."""
    from bot.rules.calendar import BusinessCalendar
    from storage.db import Database
    from storage.models import Obligation

    by_manager: dict[str, list[tuple[str, str]]] = {}
    for number, manager, stage in index:
        by_manager.setdefault(manager, []).append((number, stage))
    chosen = sorted(by_manager, key=lambda m: (-len(by_manager[m]), m))[:n]
    rng = random.Random(seed)
    db = Database(url)
    today = BusinessCalendar().today()
    try:
        from sqlalchemy import select

        with db.uow(write=False) as s:
            rows = s.execute(
                select(Obligation.id, Obligation.manager_id).where(
                    Obligation.manager_id.in_(chosen),
                    Obligation.state == "open",
                    Obligation.due_on <= today,
                )
            ).all()
    finally:
        db.dispose()
    due: dict[str, list[int]] = {}
    for ob, manager in rows:
        due.setdefault(manager, []).append(int(ob))
    out = []
    for m in chosen:
        cases = [c for c, _ in by_manager[m]]
        rng.shuffle(cases)
        later = [c for c, st in by_manager[m] if st in ("demand_sent", "negotiation")]
        rng.shuffle(later)
        out.append(Manager(m, cases, later, due.get(m, [])))
    return out


class Morning:
    """One manager's requests, in a random order fixed by the seed; changes never repeat a case or item."""

    def __init__(self, manager: Manager, rng: random.Random) -> None:
        self.m = manager
        self.rng = rng
        self.kinds = list(MIX)
        self.weights = [MIX[k] for k in self.kinds]
        self.n = {CONTACTED: 0, OFFER: 0, LOG_CLICK: 0}

    def next(self) -> Step:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        if kind in (SHOW, OPEN_CLICK):
            return kind, self.rng.choice(self.m.cases)
        if kind == CONTACTED:
            self.n[kind] += 1
            return kind, self.m.cases[self.n[kind] % len(self.m.cases)]
        if kind == OFFER and self.m.later:
            self.n[kind] += 1
            return kind, self.m.later[self.n[kind] % len(self.m.later)]
        if kind == LOG_CLICK and self.n[kind] < len(self.m.due):
            self.n[kind] += 1
            return kind, str(self.m.due[self.n[kind] - 1])
        if kind in (OFFER, LOG_CLICK):
            return SHOW, self.rng.choice(self.m.cases)
        return kind, ""


def _click(user: str, action_id: str, value: str, response_url: str) -> str:
    return interaction_body(
        "block_actions",
        user,
        container={
            "type": "message",
            "message_ts": "1.000001",
            "channel_id": "D0RUSH",
            "is_ephemeral": False,
        },
        trigger_id=f"rush.{uuid.uuid4().hex}",
        channel={"id": "D0RUSH", "name": "directmessage"},
        response_url=response_url,
        message={"type": "message", "text": "digest", "blocks": [], "ts": "1.000001"},
        actions=[
            {
                "type": "button",
                "action_id": action_id,
                "value": value,
                "block_id": "b",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    )


def request_for(step: Step, user: str, response_url: str) -> tuple[str, str]:
    """(body, content type) for one step."""
    from handlers.blocks.digests import LOG_CONTACT, OPEN_CASE

    kind, arg = step
    form = "application/x-www-form-urlencoded"
    trigger = f"rush.{uuid.uuid4().hex}"
    if kind == HOME:
        event = {"type": "app_home_opened", "user": user, "channel": "D0RUSH", "tab": "home"}
        body = event_body(event, f"EvRush{uuid.uuid4().hex[:20]}")
        return body, "application/json"
    if kind == OPEN_CLICK:
        return _click(user, OPEN_CASE, arg, response_url), form
    if kind == LOG_CLICK:
        return _click(user, LOG_CONTACT, json.dumps({"o": int(arg)}), response_url), form
    command, text = {
        DUE: ("/case", "due"),
        SHOW: ("/case", f"show {arg}"),
        CONTACTED: ("/case", f"contacted {arg} client"),
        OFFER: ("/offer", f"received {arg} 25000"),
    }[kind]
    return slash_body(
        command, text, user, channel_id="D0RUSH", response_url=response_url, trigger_id=trigger
    ), form


def _answered(kind: str, status: int, body: str) -> bool:
    if status != 200:
        return False
    if kind in (DUE, SHOW, CONTACTED, OFFER):
        return bool(body) and not_refused(status, body)
    return True  # a click or an event is answered with an empty 200; the work's result goes elsewhere


def rush(
    port: int,
    managers: Sequence[Manager],
    response_url: str,
    *,
    seconds: float,
    rate: float,
    seed: int,
    checked: bool = True,
) -> Result:
    """Every manager at once for `seconds`, together offering `rate` requests a second."""
    result = Result()
    lock = threading.Lock()
    interval = len(managers) / rate
    start = time.perf_counter() + 3.0  # after each manager's first, untimed, request
    stop = start + seconds

    def morning(i: int, manager: Manager) -> None:
        rng = random.Random(seed * 1000 + i)
        plan = Morning(manager, rng)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        due_at = start + rng.random() * interval
        try:
            # Untimed: the first request of each (casebot asks Slack who they are once).
            body, kind_of = request_for((DUE, ""), manager.user, response_url)
            conn.request(
                "POST",
                "/slack/events",
                body=body.encode(),
                headers={**sign(SIGNING_SECRET, body), "Content-Type": kind_of},
            )
            conn.getresponse().read()
            while True:
                now = time.perf_counter()
                if due_at >= stop:
                    return
                if due_at > now:
                    time.sleep(due_at - now)
                step = plan.next()
                body, kind_of = request_for(step, manager.user, response_url)
                headers = {**sign(SIGNING_SECRET, body), "Content-Type": kind_of}
                sent = time.perf_counter()
                try:
                    conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
                    response = conn.getresponse()
                    status, text = response.status, response.read().decode("utf-8", "replace")
                except (OSError, http.client.HTTPException) as exc:
                    status, text = 0, type(exc).__name__
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                took = (time.perf_counter() - sent) * 1000
                ok = _answered(step[0], status, text) if checked else status == 200
                with lock:
                    result.samples.append((step[0], took))
                    result.behind.append(max(0.0, (sent - due_at) * 1000))
                    if not ok:
                        result.failures.append(f"{status} {step[0]} {step[1]}: {text[:160]}")
                due_at += interval
        finally:
            conn.close()

    threads = [threading.Thread(target=morning, args=(i, m), daemon=True) for i, m in enumerate(managers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    result.seconds = max(time.perf_counter() - start, 1e-9)
    return result


def report_lines(name: str, result: Result) -> list[str]:
    total = result.summary()
    lines = [
        f"  {name:<9}{total['requests']:>9,}{total['requests'] / result.seconds:>9.1f}/s"
        f"{total['median_ms']:>9.1f} ms{total['p99_ms']:>8.1f} ms{total['max_ms']:>9.1f} ms{len(result.failures):>7}"
    ]
    for kind in MIX:
        k = result.summary([kind])
        if k["requests"]:
            lines.append(
                f"    {kind:<20}{k['requests']:>7,}{k['median_ms']:>11.1f} ms{k['p99_ms']:>8.1f} ms"
                f"{k['max_ms']:>9.1f} ms"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rush", description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="a database bench.run --keep left")
    parser.add_argument("--managers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=50.0, help="requests a second, all managers together")
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()

    from bench import commands as cmd
    from bench.load import OUT, case_index
    from handlers.slack.standin import SlackStandIn

    index = case_index(args.url)
    with SlackStandIn() as standin:
        chosen = managers_from(args.url, index, args.managers, args.seed)
        for m in chosen:
            standin.add_user(m.user)
        server = cmd.casebot_server(args.url, standin.base_url, OUT).start()
        echo = cmd.echo_server(standin.base_url, OUT).start()
        try:
            print(
                f"  {'server':<9}{'requests':>9}{'throughput':>11}{'median':>12}{'p99':>11}{'max':>12}{'fails':>7}"
            )
            for name, port in (("casebot", server.port), ("echo", echo.port)):
                found = rush(
                    port,
                    chosen,
                    standin.response_url("rush"),
                    seconds=args.seconds,
                    rate=args.rate,
                    seed=args.seed,
                    checked=name == "casebot",
                )
                for line in report_lines(name, found):
                    print(line)
                for failure in found.failures[:5]:
                    print(f"      failed: {failure}")
            mem = server.memory_kb()
            print(f"  casebot peak resident {mem['VmHWM'] / 1024:.0f} MB")
        finally:
            server.stop()
            echo.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
