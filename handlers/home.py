"""The App Home tab: each person's due-today, overdue and cases by stage; a lead also sees the firm's overview."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot import services
from bot.errors import CasebotError
from bot.logs import failure
from bot.rules.playbook import LEAD_ROLES
from bot.services import caseload, request
from bot.services.home import note_opened, watched
from handlers import values
from handlers.blocks import build_home, esc_message, section
from handlers.context import Context
from handlers.slack.people import CallerUnknown

log = logging.getLogger(__name__)

# The lead's lists on Home show what three sections hold (at most ~190 of the shortest lines), then
# "…and N more": reading more rows than that would change nothing on the tab.
HOME_LIST_ROWS = 200
# How long a Home refresh gives way to the requests being served (Homes._publish): before each of its steps
# it waits for a moment when none is, until this long after it started; then it goes on without waiting.
QUIET_WAIT = 0.25


def home_view(ctx: Context, user: str, pause: Callable[[], None] = request.at_once) -> dict[str, Any]:
    """The person's Home: their row read once, in the one transaction that reads their lists
    (bot/services/home.py); a lead's overview after it. `pause` is called between the steps of the work
    (Homes._publish gives way to requests there)."""
    firm = ctx.firm
    try:
        mine = _mine(ctx, user, pause)
    except CasebotError as exc:
        return {"type": "home", "blocks": [section(esc_message(exc.message))]}
    today = firm.today()
    pause()
    overview = caseload.lead_overview(firm, user, rows=HOME_LIST_ROWS) if mine.role in LEAD_ROLES else None
    pause()
    # Ages in business days, as `/case overdue` shows them.
    ages = {
        m.manager: firm.calendar.business_days_between(m.oldest_due_on, today)
        for m in (overview.overdue if overview else ())
    }
    return build_home(
        user,
        today=today,
        due=mine.day.due,
        cases=mine.cases,
        team=mine.team,
        acknowledged=mine.acknowledged,
        overview=overview,
        overdue_ages=ages,
        red_days=firm.numbers.limitation_red_days,
        inform_days=firm.numbers.offer_inform_business_days,
        role=mine.role,
        coming=mine.day.coming,
    )


def _mine(ctx: Context, user: str, pause: Callable[[], None]) -> services.Home:
    with request.serving(actor=user):
        try:
            ctx.people.check_caller(user)
            mine = services.home(ctx.firm, user, pause=pause)
            ctx.people.settle(user)
            return mine
        except CallerUnknown:
            ctx.people.check(user)
            return services.home(ctx.firm, user, pause=pause)


def publish_home(
    ctx: Context, client: WebClient, user: str, pause: Callable[[], None] = request.at_once
) -> None:
    view = home_view(ctx, user, pause)
    pause()
    client.views_publish(user_id=user, view=view)


class Homes:
    """Publishes a person's Home tab in the background, never in a reply's or an ack's way: when they open
    it, and after a change alters it (wired onto Firm.on_change and Firm.on_views by create_app) if they
    opened it lately (services.home.WATCHED_FOR; anyone else's is built when they next open it). A refresh
    still waiting to start will read the latest state anyway, so a burst of these for one person queues one
    refresh, not one each. Refreshes run in their own lane (Context.later_home), one at a time."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # Who has a refresh waiting to start, and whether it is for an opening (then it is always published).
        self._waiting: dict[str, bool] = {}
        self._guard = threading.Lock()

    def refresh(self, user: str, *, opened: bool = False) -> None:
        """Publish the person's Home: `opened`, because they opened it (always); else because a change
        altered it (only if they opened it within WATCHED_FOR)."""
        with self._guard:
            if user in self._waiting:
                self._waiting[user] = self._waiting[user] or opened
                return
            self._waiting[user] = opened
        self.ctx.later_home(self._publish, user)

    def _publish(self, user: str) -> None:
        # Out of the way of the requests being served (the one that asked for it, the next ones): it starts,
        # and takes each step (a statement, a few dozen items, the view, the publish), when none is, for up
        # to QUIET_WAIT, then goes on regardless. A whole Home's read side by side with a request took as long
        # as both together, and the request with it (bench/RESULTS.md, issue 23). It reads the latest state
        # whenever it runs, and a refresh asked for while it waits to start joins it. Refreshes run one at a
        # time, in the order asked (Context.later_home): an older read is never published after a newer one,
        # however long one gives way.
        pause = request.in_flight.giving_way(QUIET_WAIT)
        pause()
        with self._guard:
            opened = self._waiting.pop(user)
        if opened:
            try:
                note_opened(self.ctx.firm, user)
            except Exception as exc:  # what they opened is still built; the next opening notes it again
                failure(log, "note that a Home was opened", exc, user=user)
        elif not watched(self.ctx.firm, user):
            return  # nobody is looking: Slack tells casebot when they next open it, and it is built then
        pause()
        publish_home(self.ctx, self.ctx.client, user, pause)

    def after_change(self, actor: str, _number: str) -> None:
        """The person who changed a case (Firm.on_change)."""
        self.refresh(actor)

    def after_views(self, people: frozenset[str]) -> None:
        """Everyone whose view a change altered (Firm.on_views): a case given or taken away, a team, a
        cover, a role, or no longer a member (whose Home then says so and shows nothing else)."""
        for user in sorted(people):
            self.refresh(user)


def register(app: App, homes: Homes) -> None:
    def handle_app_home_opened(event: dict[str, Any]) -> None:
        """Acknowledged at once: the view is built and published afterwards (a lead's takes longest), so
        Slack never waits for it, and never retries the event for want of an answer."""
        if event.get("tab", "home") == "home":
            homes.refresh(values.user_id(event.get("user"), "app_home_opened"), opened=True)

    app.event("app_home_opened")(handle_app_home_opened)
