"""The leads' views beside a manager's own list, over HTTP against the real server (issue 15).

Each round sends, one after the other: a random manager's `/case due`; the lead's `/case overdue` (its first
page); the lead's Next button to a random later page of that list (timed until casebot's answer reaches the
response URL); and the lead's `app_home_opened` (timed until `views.publish` reaches the Slack stand-in, and
apart from that until the event's HTTP answer, which is all Slack waits for)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from bench.commands import SIGNING_SECRET, Client, Latency
from bench.generate import LEAD
from tests.slack_helpers import sign, slash_body

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


def _home_opened(user: str, n: int) -> str:
    return json.dumps(
        {
            "token": "unused",
            "team_id": "T0CASEBOT",
            "api_app_id": "ACASEBOT",
            "type": "event_callback",
            "event_id": f"EvBench{n:07d}",
            "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": user, "channel": "D0BENCH", "tab": "home"},
        }
    )


def _next_click(user: str, page: int, response_url: str, trigger: str) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": "T0CASEBOT"},
        "api_app_id": "ACASEBOT",
        "token": "unused",
        "team": {"id": "T0CASEBOT", "domain": "casebot"},
        "container": {
            "type": "message",
            "message_ts": "1.000001",
            "channel_id": "D0BENCH",
            "is_ephemeral": True,
        },
        "trigger_id": trigger,
        "channel": {"id": "D0BENCH", "name": "directmessage"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": "overdue_page_next",
                "value": json.dumps({"page": page, "user": None}, separators=(",", ":")),
                "block_id": "overdue_pages",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def measure_leads(
    port: int, standin: Any, managers: Sequence[str], overdue_items: int, n: int, seed: int, warmup: int = 5
) -> dict[str, Latency]:
    """`n` timed rounds (after `warmup` untimed) of the views above; answers each view's latencies (ms)."""
    rng = random.Random(seed)
    client = Client(port, standin.response_url("bench-leads"))
    found = {view: Latency(view) for view in VIEWS}
    pages = max(1, -(-overdue_items // PAGE_ITEMS))

    def record(view: str, i: int, ms: float, ok: bool, what: str) -> None:
        if not ok:
            found[view].failures.append(what[:300])
        elif i >= warmup:
            found[view].samples.append(ms)
        if i == warmup:
            found[view].example = what[:400]

    try:
        for i in range(warmup + n):
            manager = rng.choice(list(managers))
            body = slash_body(
                "/case",
                "due",
                manager,
                channel_id="D0BENCH",
                response_url=client.response_url,
                trigger_id=client.trigger(),
            )
            started = time.perf_counter()
            status, text = _post(client, body, "application/x-www-form-urlencoded")
            record(DUE, i, (time.perf_counter() - started) * 1000, status == 200 and ":x:" not in text, text)

            body = slash_body(
                "/case",
                "overdue",
                LEAD,
                channel_id="D0BENCH",
                response_url=client.response_url,
                trigger_id=client.trigger(),
            )
            started = time.perf_counter()
            status, text = _post(client, body, "application/x-www-form-urlencoded")
            ok = status == 200 and "Overdue across the firm" in text
            record(OVERDUE, i, (time.perf_counter() - started) * 1000, ok, text)

            page = rng.randint(2, pages) if pages > 1 else 1
            before = len(standin.calls_to("response_url"))
            started = time.time()
            status, text = _post(
                client,
                _next_click(LEAD, page, client.response_url, client.trigger()),
                "application/x-www-form-urlencoded",
            )
            calls = standin.wait_for("response_url", before + 1, timeout=60)
            answer = json.dumps(calls[before].params)
            ok = status == 200 and f"Page {page} of" in answer
            record(OVERDUE_PAGE, i, (calls[before].at - started) * 1000, ok, answer)

            before = len(standin.calls_to("views.publish"))
            started = time.time()
            status, text = _post(client, _home_opened(LEAD, i), "application/json")
            acked = (time.time() - started) * 1000
            calls = standin.wait_for("views.publish", before + 1, timeout=60)
            view = json.dumps(calls[before].params)
            ok = status == 200 and "The firm" in view
            record(HOME, i, (calls[before].at - started) * 1000, ok, view)
            record(HOME_ACK, i, acked, status == 200, text or f"{status}")
    finally:
        client.close()
    return found
