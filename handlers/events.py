"""Events API: each delivery handled at most once; a person's Slack profile changed, or the app was removed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.services import request
from bot.services.people import claim_event
from handlers import values
from handlers.context import Context, listener

log = logging.getLogger(__name__)


def claim_each_event_once(ctx: Context) -> Callable[..., BoltResponse | None]:
    """A global middleware: Slack retries an event it thinks was missed (X-Slack-Retry-Num), so every
    event delivery claims its event_id before any listener runs (where a signed request's replay key is
    kept: bot/services/people.py, claim_request); a retry of a claimed one is answered 200 and does
    nothing. A listener's change keeps the claim in its own transaction too (bot/services/request.py)."""

    def middleware(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:  # noqa: A002 - Bolt's name
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id is not None:
            event_id = values.text(event_id, "event_id", most=100)
        if event_id and not claim_event(ctx.firm, str(event_id)):
            log.info("Event %s was already handled; ignoring Slack's retry", event_id)
            return BoltResponse(status=200, body="")
        with request.serving(claims=(str(event_id),) if event_id else ()):
            next()
        return None

    return middleware


def handle_user_change(ctx: Context, event: dict[str, Any]) -> None:
    user = event.get("user")
    if not isinstance(user, dict):
        raise values.CraftedValue("user_change")
    values.user_id(user.get("id"), "user_change")
    ctx.people.remember(user)


def handle_app_removed(event: dict[str, Any], logger: logging.Logger) -> None:
    logger.warning("casebot was removed from the workspace or its token revoked (%s)", event.get("type"))


def register(app: App, ctx: Context) -> None:
    app.middleware(claim_each_event_once(ctx))
    app.event("user_change")(listener(ctx, handle_user_change))
    app.event("app_uninstalled")(handle_app_removed)
    app.event("tokens_revoked")(handle_app_removed)
