"""Events API: a person's Slack profile changed, or the app was removed. Each delivery is handled at most once."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot import services
from handlers.context import Context

log = logging.getLogger(__name__)


def first_delivery(ctx: Context, body: dict[str, Any]) -> bool:
    """Slack retries an event it thinks was missed; claim its event_id first so the work happens once."""
    event_id = body.get("event_id")
    if event_id and not services.claim_event(ctx.firm, event_id):
        log.info("Event %s was already handled; ignoring Slack's retry", event_id)
        return False
    return True


def handle_user_change(event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]) -> None:
    ctx: Context = context["casebot"]
    if first_delivery(ctx, body):
        ctx.people.remember(event.get("user") or {})


def handle_app_removed(event: dict[str, Any], logger: logging.Logger) -> None:
    logger.warning("casebot was removed from the workspace or its token revoked (%s)", event.get("type"))


def register(app: App, ctx: Context) -> None:
    app.event("user_change")(handle_user_change)
    app.event("app_uninstalled")(handle_app_removed)
    app.event("tokens_revoked")(handle_app_removed)
