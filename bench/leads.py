"""The leads' views beside a manager's own list, over HTTP against the real server (issue 15).

Each round sends, one after the other: a random manager's `/case due`; the lead's `/case overdue` (its first
page); the lead's Next button to a random later page of that list (timed until casebot's answer reaches the
response URL); and the lead's `app_home_opened` (timed until `views.publish` reaches the Slack stand-in, and
apart from that until the event's HTTP answer, which is all Slack waits for)."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.commands import SIGNING_SECRET, Client, Latency
from bench.generate import LEAD
from tests.kit.slack_bodies import event_body, interaction_body, sign, slash_body

DUE = "manager's /case due"
OVERDUE = "lead's /case overdue (first page)"
OVERDUE_PAGE = "lead's overdue, a later page (Next)"
HOME = "lead's Home (event → views.publish)"
HOME_ACK = "lead's Home event answered (ack)"
VIEWS = (DUE, OVERDUE, OVERDUE_PAGE, HOME, HOME_ACK)
PAGE_ITEMS = 40  # handlers' OVERDUE_PAGE_ITEMS: pages of the overdue list


def _post(client: Client, body: str, content_type: str) -> tuple[int, str]:
    headers = sign(SIGNING_SECRET, body)
    headers["Content-Type"] = content_type
    client.conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
    response = client.conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def _home_opened(user: str, n: str) -> str:
    event = {"type": "app_home_opened", "user": user, "channel": "D0BENCH", "tab": "home"}
    return event_body(event, f"EvBench{n}")


def _next_click(user: str, page: int, response_url: str, trigger: str) -> str:
    return interaction_body(
        "block_actions",
        user,
        container={
            "type": "message",
            "message_ts": "1.000001",
            "channel_id": "D0BENCH",
            "is_ephemeral": True,
        },
        trigger_id=trigger,
        channel={"id": "D0BENCH", "name": "directmessage"},
        response_url=response_url,
        actions=[
            {
                "type": "button",
                "action_id": "overdue_page_next",
                "value": json.dumps({"page": page, "user": None}, separators=(",", ":")),
                "block_id": "overdue_pages",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    )


class Rounds:
    """The views above against one server, a round at a time (so that several servers can take turns)."""

    def __init__(
        self, port: int, standin: Any, managers: Sequence[str], overdue_items: int, seed: int, warmup: int = 5
    ) -> None:
        self.rng = random.Random(seed)
        self.standin, self.managers, self.warmup = standin, list(managers), warmup
        self.client = Client(port, standin.response_url("bench-leads"))
        self.found = {view: Latency(view) for view in VIEWS}
        self.pages = max(1, -(-overdue_items // PAGE_ITEMS))
        self.run = uuid.uuid4().hex[:8]  # event ids of this run's own: a kept database remembers earlier ones

    def _record(self, view: str, i: int, ms: float, ok: bool, what: str) -> None:
        if not ok:
            self.found[view].failures.append(what[:300])
        elif i >= self.warmup:
            self.found[view].samples.append(ms)
        if i == self.warmup:
            self.found[view].example = what[:400]

    def _command(self, view: str, i: int, text: str, user: str, expect: str) -> None:
        client = self.client
        body = slash_body(
            "/case",
            text,
            user,
            channel_id="D0BENCH",
            response_url=client.response_url,
            trigger_id=client.trigger(),
        )
        started = time.perf_counter()
        status, answer = _post(client, body, "application/x-www-form-urlencoded")
        ok = status == 200 and ":x:" not in answer and expect in answer
        self._record(view, i, (time.perf_counter() - started) * 1000, ok, answer)

    def round(self, i: int) -> None:
        client, standin = self.client, self.standin
        self._command(DUE, i, "due", self.rng.choice(self.managers), "")
        self._command(OVERDUE, i, "overdue", LEAD, "Overdue across the firm")

        page = self.rng.randint(2, self.pages) if self.pages > 1 else 1
        before = len(standin.calls_to("response_url"))
        started = time.time()
        status, _ = _post(
            client,
            _next_click(LEAD, page, client.response_url, client.trigger()),
            "application/x-www-form-urlencoded",
        )
        calls = standin.wait_for("response_url", before + 1, timeout=60)
        answer = json.dumps(calls[before].params)
        ok = status == 200 and f"Page {page} of" in answer
        self._record(OVERDUE_PAGE, i, (calls[before].at - started) * 1000, ok, answer)

        before = len(standin.calls_to("views.publish"))
        started = time.time()
        status, text = _post(client, _home_opened(LEAD, f"{self.run}{i:07d}"), "application/json")
        acked = (time.time() - started) * 1000
        calls = standin.wait_for("views.publish", before + 1, timeout=60)
        view = json.dumps(calls[before].params)
        ok = status == 200 and "The firm" in view
        self._record(HOME, i, (calls[before].at - started) * 1000, ok, view)
        self._record(HOME_ACK, i, acked, status == 200, text or f"{status}")

    def close(self) -> None:
        self.client.close()


def measure_leads(
    port: int, standin: Any, managers: Sequence[str], overdue_items: int, n: int, seed: int, warmup: int = 5
) -> dict[str, Latency]:
    """`n` timed rounds (after `warmup` untimed) of the views above; answers each view's latencies (ms)."""
    rounds = Rounds(port, standin, managers, overdue_items, seed, warmup)
    try:
        for i in range(warmup + n):
            rounds.round(i)
    finally:
        rounds.close()
    return rounds.found


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.leads <database-url> <database-url> …`: the leads' part against databases a run kept
    (`bench.run --keep`), one server each, taking turns round by round, so that every firm size sees the same
    machine at the same time: on a shared machine, the fairest measure of growth."""
    import argparse

    from sqlalchemy import select

    from bench import commands as cmd
    from bot.rules.calendar import BusinessCalendar
    from handlers.slack.standin import SlackStandIn
    from storage import queries as q
    from storage.db import Database
    from storage.models import Case, Staff

    parser = argparse.ArgumentParser(prog="python -m bench.leads", description=main.__doc__)
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args(argv)
    day = BusinessCalendar().today()
    sizes: list[tuple[str, int, int, list[str], list[str]]] = []
    for url in args.urls:
        db = Database(url)
        with db.uow(write=False) as s:
            cases = len(list(s.scalars(select(Case.id))))
            overdue = sum(n for _, n, _ in q.overdue_count_by_manager(s, day))
            staff = list(s.execute(select(Staff.user_id, Staff.role)).all())
        db.dispose()
        managers = sorted(u for u, role in staff if role == "manager")
        sizes.append((url, cases, overdue, managers, [u for u, _ in staff]))
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    with SlackStandIn() as standin:
        for *_, users in sizes:
            for user in users:
                standin.add_user(user)
        servers = [cmd.casebot_server(url, standin.base_url, out) for url, *_ in sizes]
        runs: list[Rounds] = []
        try:
            for server, (_, _cases, overdue, managers, _) in zip(servers, sizes, strict=True):
                server.start()
                runs.append(Rounds(server.port, standin, managers, overdue, args.seed))
            for i in range(5 + args.rounds):
                for run in runs:
                    run.round(i)
        finally:
            for run in runs:
                run.close()
            for server in servers:
                server.stop()
    print(f"leads' part, day {day}, {args.rounds} rounds, servers taking turns; medians (p99) in ms")
    print(
        f"{'view':<40}"
        + "".join(f"{f'{c:,} cases, {o:,} overdue':>34}" for _, c, o, _, _ in sizes)
        + "   growth"
    )
    for view in VIEWS:
        cells, medians = [], []
        for run in runs:
            lat = run.found[view]
            due = run.found[DUE].median
            medians.append(lat.median)
            cells.append(
                f"{lat.median:.1f} ({lat.p99:.1f}) {lat.median / due:.1f}× due, {len(lat.failures)} failed"
            )
        print(f"{view:<40}" + "".join(f"{c:>34}" for c in cells) + f"   {medians[-1] / medians[0]:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
