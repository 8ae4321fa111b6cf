"""A signed Slack body, read once by its Content-Type: what Bolt is handed, or None for a 400.

Bolt, given text, guesses a body's shape by substring (any form holding the letters "payload" is read as an
interaction, any text starting with `{` as JSON), so a command whose note, handle or channel name says
"payload" was lost. Here the Content-Type decides, the body must be that shape, and Bolt gets the result:

- `application/json`: one JSON object (the Events API).
- `application/x-www-form-urlencoded`: each field once; a form with a `payload` field has no other and its
  payload is one JSON object (an interaction), any other form is a slash command (or Slack's `ssl_check`).
- anything else, a body of one shape under the other's type, or a NUL in an interaction or an event: None
  (a command's words are read as typed, control characters dropped, by its parser).

Then what every listener may take for granted is checked, so that no crafted body reaches one: who is asking
(a command's `user_id`, an interaction's `user.id`, both by pattern), an interaction's `actions` a list of
objects and its `view` an object (a form's with its `type` and `callback_id`), an event an object with a
type."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltRequest

MAX_FIELDS = 200
USER_ID = re.compile(r"^[UW][A-Z0-9]{1,30}$")
INTERACTIONS = {
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
    "interactive_message",
}


def read_body(text: str, content_type: str) -> dict[str, Any] | None:
    """The body as Bolt will see it, or None when it is not a shape Slack sends under this Content-Type."""
    media = content_type.split(";", 1)[0].strip().lower()
    try:
        if media == "application/json":
            body = json.loads(text, parse_constant=_refuse_constant)
        elif media == "application/x-www-form-urlencoded":
            body = _form(text)
        else:
            return None
    except ValueError:  # json.JSONDecodeError, a form parse_qsl can't read, NaN or Infinity
        return None
    if not isinstance(body, dict) or ("command" not in body and _holds_nul(body)):
        return None
    return body if _well_formed(body) else None


def bolt_request(body: dict[str, Any], headers: Mapping[str, str | Sequence[str]], query: str) -> BoltRequest:
    """Bolt's request for a body already read. Bolt takes a read body only in its "socket_mode"; the mode's
    one other effect is that Bolt does not check the signature again, which the front door has checked,
    once, in constant time, on the raw bytes (http.py)."""
    return BoltRequest(body=body, query=query, headers=dict(headers), mode="socket_mode")


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN, Infinity: not JSON Slack sends


def _form(text: str) -> dict[str, Any]:
    pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, max_num_fields=MAX_FIELDS)
    form = dict(pairs)
    if len(form) != len(pairs):
        raise ValueError("a field given twice")
    if "payload" not in form:
        return form
    if len(form) != 1:
        raise ValueError("a payload beside other fields")
    payload = json.loads(form["payload"], parse_constant=_refuse_constant)
    if not isinstance(payload, dict):
        raise ValueError("a payload that is not an object")
    return payload


def _holds_nul(value: Any) -> bool:
    """A NUL in any key or string (JSON's \\u0000): no text Slack sends has one, and PostgreSQL stores none."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _well_formed(body: dict[str, Any]) -> bool:
    if "command" in body:
        return isinstance(body.get("user_id"), str) and bool(USER_ID.match(body["user_id"]))
    kind = body.get("type")
    if kind in INTERACTIONS:
        user = body.get("user")
        actions = body.get("actions", [])
        view = body.get("view", {})
        if kind in ("view_submission", "view_closed") and not (
            # Bolt reads both before any listener (and again when one fails): without them it raises
            isinstance(view, dict)
            and isinstance(view.get("type"), str)
            and isinstance(view.get("callback_id"), str)
        ):
            return False
        return (
            isinstance(user, dict)
            and isinstance(user.get("id"), str)
            and bool(USER_ID.match(user["id"]))
            and isinstance(actions, list)
            and all(isinstance(a, dict) for a in actions)
            and isinstance(body.get("view", {}), dict)
            and isinstance(body.get("message", {}), dict)
        )
    if kind == "event_callback":
        event = body.get("event")
        return isinstance(event, dict) and isinstance(event.get("type"), str)
    return kind == "url_verification" or "ssl_check" in body
