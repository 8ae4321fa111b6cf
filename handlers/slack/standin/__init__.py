"""A stand-in Slack Web API on loopback, so tests and `casebot console` drive the real WebClient with no Slack."""

from handlers.slack.standin.methods import SlackApiFailure
from handlers.slack.standin.server import Call, SlackStandIn

__all__ = ["Call", "SlackApiFailure", "SlackStandIn"]
