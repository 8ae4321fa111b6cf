"""Slack listeners. Each module has `register(app, ctx)`; `register` below wires them all onto one Bolt app."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from slack_bolt import App, BoltContext

from handlers import actions, client_actions, client_replies, commands, events, home, views
from handlers import reminders as digest_buttons
from handlers.context import Context

# ---- listener modules, in registration order: to add one, import it above and list it here ----
LISTENERS: list[ModuleType] = [
    commands,
    actions,
    views,
    home,
    events,
    digest_buttons,
    client_actions,
    client_replies,
]
# ---- end of listener modules ----


def register(app: App, ctx: Context) -> None:
    app.use(_attach(ctx))
    for module in LISTENERS:
        module.register(app, ctx)


def _attach(ctx: Context) -> Callable[..., Any]:
    """Every listener finds casebot's context as `context["casebot"]`."""

    def attach(context: BoltContext, next: Callable[[], Any]) -> Any:
        context["casebot"] = ctx
        return next()

    return attach
