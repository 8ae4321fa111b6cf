"""The HTTP lane: the real server (waitress, casebot's front door, Bolt) on a loopback port, every request
signed as Slack or Twilio signs it, against the stand-ins."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.services.firm import Firm
from handlers.slack.standin import SlackStandIn
from tests.kit.served import ServedSlack, Server


@pytest.fixture
def served(firm: Firm, standin: SlackStandIn) -> Iterator[ServedSlack]:
    """The workspace with every request sent over HTTP to the real server. Afterwards every message, modal and
    Home view casebot sent is checked as Slack would check it."""
    slack = ServedSlack(firm, standin)
    yield slack
    slack.close()
    slack.check_everything_sent()


@pytest.fixture
def http(served: ServedSlack) -> Server:
    """The same server, posted to as raw bodies: (status, JSON) for any body, signed or not."""
    return Server(served)
