"""What a reply shows, and a line refused that must change nothing (over HTTP, by its warning; in process,
by the error's type: `Slack.refused`)."""

from __future__ import annotations

from typing import Any

from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.blocks import all_text
from tests.kit.served import Server
from tests.kit.workspace import snapshot


def shown(data: dict[str, Any]) -> str:
    return str(data.get("text", "")) + "\n" + all_text(data.get("blocks") or [])


def ok(http: Server, text: str, user: str = "U1") -> str:
    said = shown(http.command(user, text, "/case"))
    assert ":warning:" not in said and ":x:" not in said, (text, said)
    return said


def refused(http: Server, text: str, user: str = "U1") -> str:
    """A line that must be refused and change nothing at all."""
    before = snapshot(http.slack.firm)
    said = shown(http.command(user, text, "/case"))
    assert ":warning:" in said, (text, said)
    assert snapshot(http.slack.firm) == before, text
    return said


def case_of(firm: Firm, number: str) -> dict[str, Any]:
    return next(c for c in export_data(firm)["cases"] if c["number"] == number)
