"""The App Home tab: each person's due-today, overdue and cases by stage; a lead also sees the firm's overview."""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot import services
from bot.errors import CasebotError
from bot.services import caseload
from handlers.blocks import build_home, esc_message, section
from handlers.context import Context

log = logging.getLogger(__name__)


def home_view(ctx: Context, user: str) -> dict[str, Any]:
    firm = ctx.firm
    try:
        ctx.people.check(user)
    except CasebotError as exc:
        return {"type": "home", "blocks": [section(esc_message(exc.message))]}
    today = firm.today()
    role = services.role(firm, user)
    overview = caseload.lead_overview(firm, user) if role in services.LEAD_ROLES else None
    # Ages in business days, as `/case overdue` shows them.
    ages = {
        m.manager: firm.calendar.business_days_between(m.oldest_due_on, today)
        for m in (overview.overdue if overview else ())
    }
    return build_home(
        user,
        today=today,
        due=services.due_for(firm, [user], today),
        cases=services.my_cases(firm, user),
        overview=overview,
        overdue_ages=ages,
        red_days=firm.numbers.limitation_red_days,
        inform_days=firm.numbers.offer_inform_business_days,
        role=role,
    )


def publish_home(ctx: Context, client: WebClient, user: str) -> None:
    client.views_publish(user_id=user, view=home_view(ctx, user))


def handle_app_home_opened(event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    ctx: Context = context["casebot"]
    if event.get("tab", "home") != "home":
        return
    publish_home(ctx, client, event["user"])


def register(app: App, ctx: Context) -> None:
    app.event("app_home_opened")(handle_app_home_opened)

    # After someone changes a case, their Home tab is refreshed in the background, never in the reply's
    # way. A refresh still waiting to start will read the latest state anyway, so a burst of changes by
    # one person queues one refresh, not one per change.
    waiting: set[str] = set()
    guard = threading.Lock()

    def refresh(actor: str) -> None:
        with guard:
            waiting.discard(actor)
        publish_home(ctx, ctx.client, actor)

    def refresh_after_change(actor: str, number: str) -> None:
        with guard:
            if actor in waiting:
                return
            waiting.add(actor)
        ctx.later(refresh, actor)

    ctx.firm.on_change.append(refresh_after_change)
