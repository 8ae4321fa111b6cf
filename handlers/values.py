"""Strict readers for what casebot's buttons, menus and forms carry back, and for the parts of Slack's
payloads the listeners use.

Every value casebot puts on a button has one shape (handlers/blocks builds them); anything else did not come
from casebot's own message, so it is refused whole: CraftedValue, which Bolt's error handler answers 400 and
logs by the reader that refused it, never by the value. Integers are ASCII digits within bounds (no
`1e309`, no `²`, no 5,000 digits), ids match their pattern, JSON is an object of the expected fields."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bot.rules.parsing import CASE_NUMBER_RE

MAX_ID = 2**31 - 1  # a database id (obligation, audit entry), an offer's or a provider's number
MAX_PAGE = 100_000
MAX_VALUE = 2000  # Slack's own limit on a button's value
USER_ID = re.compile(r"[UW][A-Z0-9]{1,30}")
CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{1,30}")
MESSAGE_TS = re.compile(r"[0-9]{1,12}\.[0-9]{1,9}")
_DIGITS = re.compile(r"[0-9]{1,10}")


class CraftedValue(Exception):
    """A value no casebot button, menu or form sends back. Its one argument names the reader (for the log)."""


def integer(value: Any, what: str, *, low: int = 1, high: int = MAX_ID) -> int:
    """A bounded integer: a JSON integer (not a bool, not a float) or ASCII digits."""
    if isinstance(value, bool):
        raise CraftedValue(what)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        raise CraftedValue(what)
    if not low <= number <= high:
        raise CraftedValue(what)
    return number


def case_number(value: Any, what: str) -> str:
    if not isinstance(value, str) or not CASE_NUMBER_RE.match(value) or value.endswith("\n"):
        raise CraftedValue(what)
    return value


def user_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not USER_ID.fullmatch(value):
        raise CraftedValue(what)
    return value


def channel_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not CHANNEL_ID.fullmatch(value):
        raise CraftedValue(what)
    return value


def text(value: Any, what: str, *, most: int = MAX_VALUE) -> str:
    if not isinstance(value, str) or len(value) > most:
        raise CraftedValue(what)
    return value


def json_object(value: Any, what: str) -> dict[str, Any]:
    try:
        data = json.loads(text(value, what))
    except ValueError:
        raise CraftedValue(what) from None
    if not isinstance(data, dict):
        raise CraftedValue(what)
    return data


def action(body: Mapping[str, Any]) -> dict[str, Any]:
    """The one action a click carries (the front door has checked `actions` is a list of objects)."""
    actions = body.get("actions")
    if not isinstance(actions, list) or len(actions) != 1 or not isinstance(actions[0], dict):
        raise CraftedValue("actions")
    found: dict[str, Any] = actions[0]
    return found


def button_value(body: Mapping[str, Any], what: str) -> str:
    return text(action(body).get("value"), what)


def actor(body: Mapping[str, Any]) -> str:
    """Who clicked or submitted (the front door has checked it is there)."""
    user = body.get("user")
    return user_id(user.get("id") if isinstance(user, dict) else None, "user")


def blocks(value: Any, what: str) -> list[dict[str, Any]]:
    """A message's blocks, as Slack sends them back: a list of objects."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(b, dict) for b in value):
        raise CraftedValue(what)
    return value


def message_at(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """The channel and ts of the message a button sat in, when it is one casebot can update (not ephemeral)."""
    container = body.get("container")
    if not isinstance(container, dict) or container.get("is_ephemeral"):
        return None
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if isinstance(channel, str) and isinstance(ts, str) and CHANNEL_ID.fullmatch(channel):
        return (channel, ts) if MESSAGE_TS.fullmatch(ts) else None
    return None
