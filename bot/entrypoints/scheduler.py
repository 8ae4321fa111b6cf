"""The scheduler inside `casebot run`: APScheduler 3.x, one frequent tick that sends what is owed.

The tick (bot/delivery/sending.py's `tick`) decides from the database, not from when it fires, so nothing
depends on APScheduler remembering anything: after a restart the first tick, run at once, is the catch-up,
and a tick that fires late (a busy machine, a suspended laptop) still runs (coalesced into one, with a
misfire grace of hours rather than APScheduler's default of one second). The job store is in memory and
never shared. With several replicas on PostgreSQL, each tick first takes (or checks) the sender lock; only
the holder sends, and another replica takes over within a tick when it dies."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.delivery.client_ports import ClientSender
from bot.delivery.outbox import SenderState
from bot.delivery.ports import Notifier
from bot.delivery.sending import SendReport, take_over, tick
from bot.logs import failure
from bot.services.firm import Firm
from storage.locks import SenderLock

log = logging.getLogger(__name__)

TICK_JOB_ID = "casebot.reminders.tick"
TICK_SECONDS = 60
MISFIRE_GRACE = int(timedelta(hours=6).total_seconds())


class Sender:
    """The tick with its sender lock and remembered state: what the scheduler calls every minute."""

    def __init__(
        self,
        firm: Firm,
        notifier: Notifier,
        *,
        lock: SenderLock | None = None,
        clients: Mapping[str, ClientSender] | None = None,
    ) -> None:
        self.firm = firm
        self.notifier = notifier
        self.clients = clients  # the carriers client messages go through (texts, email), if any
        self.lock = lock or SenderLock(firm.db.engine)
        self.state = SenderState()
        self.sending = False

    def __call__(self) -> SendReport | None:
        try:
            if not self.lock.acquire():
                self.state = SenderState()  # whoever sends now owns the state; start afresh if it comes back
                self.sending = False
                return None
            if not self.sending:
                self.sending = True
                take_over(self.firm)
            return tick(self.firm, self.notifier, self.state, self.clients)
        except Exception as exc:
            failure(log, "run the reminders tick (will try again)", exc)
            return None

    def close(self) -> None:
        self.lock.release()


class RunningScheduler:
    def __init__(self, scheduler: BackgroundScheduler, sender: Sender) -> None:
        self.scheduler = scheduler
        self.sender = sender

    def stop(self, wait: bool = True) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        self.sender.close()

    shutdown = stop


def build_scheduler(
    job: Callable[[], Any], *, seconds: float = TICK_SECONDS, first_run: datetime | None = None
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    scheduler.add_job(
        job,
        IntervalTrigger(seconds=seconds, timezone=UTC),
        id=TICK_JOB_ID,
        name="reminders tick",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=MISFIRE_GRACE,
        next_run_time=first_run or datetime.now(UTC),  # at once: the catch-up after a restart
    )
    return scheduler


def start_scheduler(
    firm: Firm,
    notifier: Notifier | None = None,
    *,
    seconds: float = TICK_SECONDS,
    clients: Mapping[str, ClientSender] | None = None,
) -> RunningScheduler:
    """Start sending reminders (and client messages) from this process (`casebot run`, not with
    --no-scheduler)."""
    if notifier is None:
        # The composition root's choice; the core knows only the port.
        from handlers.slack.notifier import SlackNotifier

        notifier = SlackNotifier.from_settings(firm.settings)
    if clients is None:
        from bot.entrypoints.client_channels import client_senders

        clients = client_senders(firm.settings)
    sender = Sender(firm, notifier, clients=clients)
    scheduler = build_scheduler(sender, seconds=seconds)
    scheduler.start()
    log.info("Reminders scheduler started: a tick every %ss", seconds)
    return RunningScheduler(scheduler, sender)


def start(firm: Firm, client: Any = None) -> RunningScheduler:
    """What bot/entrypoints/app.py's run() calls. Sends with its own Web API client (retrying 429s, 5xx and dropped
    connections), pointed where the app's is."""
    from handlers.slack.client import make_client
    from handlers.slack.notifier import SlackNotifier

    settings = firm.settings
    if client is not None and getattr(client, "base_url", None):
        settings = replace(
            settings,
            slack_api_base_url=client.base_url,
            slack_bot_token=client.token or settings.slack_bot_token,
        )
    return start_scheduler(
        firm, SlackNotifier(make_client(settings)), seconds=firm.settings.reminder_tick_seconds
    )
