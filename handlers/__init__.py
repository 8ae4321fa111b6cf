"""Slack listeners. Each module has `register(app, ctx)`, which binds its listeners to `ctx`; `register` below
wires them all onto one Bolt app (bot/entrypoints/app.py's create_app calls it, and wires the Home refresh)."""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.logs import where
from handlers import actions, client_actions, client_replies, commands, events, home, views
from handlers import reminders as digest_buttons
from handlers.context import Context
from handlers.home import Homes
from handlers.values import CraftedValue

# ---- listener modules, in registration order: to add one, import it above and list it here ----
LISTENERS: list[ModuleType] = [
    commands,
    actions,
    views,
    events,
    digest_buttons,
    client_actions,
    client_replies,
]
# ---- end of listener modules ----


log = logging.getLogger(__name__)


def register(app: App, ctx: Context, homes: Homes) -> None:
    """Every listener onto `app`, each closed over `ctx`; the Home tab's opening refreshes through `homes`."""
    app.error(failed)
    for module in LISTENERS:
        module.register(app, ctx)
    home.register(app, homes)


def failed(error: Exception, request: BoltRequest) -> BoltResponse:
    """What Bolt does with a listener's or a middleware's unexpected failure: log it by its type and where
    it came from, and by which kind of request (a command's name, an action's id, an event's type), never by
    the error's message or the request, which may quote what a person typed; answer 500 with nothing in it.
    A value no casebot button or form carries (handlers/values.py) is the caller's: 400, and a warning that
    names the reader that refused it. Anything else is casebot's own fault."""
    if isinstance(error, CraftedValue):
        log.warning(
            "Refused a crafted value (%s) on %s", error.args[0] if error.args else "?", _kind(request.body)
        )
        return BoltResponse(status=400, body="")
    log.error("A listener failed on %s: %s", _kind(request.body), where(error))
    return BoltResponse(status=500, body="")


def _kind(body: dict[str, Any]) -> str:
    if isinstance(body.get("command"), str):
        return str(body["command"])[:40]
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return f"the button {str(actions[0].get('action_id'))[:60]}"
    event = body.get("event")
    if isinstance(event, dict):
        return f"the event {str(event.get('type'))[:40]}"
    return f"a {str(body.get('type'))[:40]} request"
