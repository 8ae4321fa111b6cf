"""Shared set-up for the reminders tests: a firm whose Slack is the stand-in, and helpers to read DMs."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot import services
from bot.services.firm import Firm
from handlers.slack.client import make_client
from handlers.slack.notifier import SlackNotifier
from handlers.slack.standin import Call, SlackStandIn

LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")


def slack_firm(firm: Firm, slack: SlackStandIn) -> Firm:
    firm.settings = replace(firm.settings, slack_bot_token="xoxb-test", slack_api_base_url=slack.base_url)
    return firm


def notifier_for(firm: Firm, *, retries: int = 1) -> tuple[SlackNotifier, list[float]]:
    waits: list[float] = []
    return SlackNotifier(make_client(firm.settings, retries=retries, timeout=5), sleep=waits.append), waits


def posts(slack: SlackStandIn) -> list[Call]:
    return slack.calls_to("chat.postMessage")


def per_channel(slack: SlackStandIn) -> Counter[str]:
    return Counter(c.params["channel"] for c in posts(slack))


def digests(slack: SlackStandIn) -> Counter[str]:
    """Digests received, by DM channel."""
    return Counter(
        c.params["channel"]
        for c in posts(slack)
        if c.params.get("text", "").startswith("Your casebot digest")
    )


def texts(slack: SlackStandIn, channel: str) -> list[str]:
    return [c.params.get("text", "") for c in posts(slack) if c.params["channel"] == channel]


def at(clock: object, day: date, hh: int, mm: int = 0, tz: ZoneInfo = LA) -> None:
    clock.at = datetime.combine(day, time(hh, mm), tzinfo=tz)  # type: ignore[attr-defined]


def open_case(firm: Firm, number: str, manager: str, client: str = "Jane Roe") -> None:
    services.create_case(firm, "UADMIN", number, client, manager=manager)
