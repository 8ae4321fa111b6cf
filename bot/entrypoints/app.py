"""The app factory: one Bolt app with casebot's listeners, served over HTTP (waitress, behind the checks in
http.py) or Socket Mode.

The single place in bot/ that knows Slack: it only wires handlers/ onto Bolt and starts a server."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.entrypoints.http import (
    CALENDAR_PREFIX,
    CALENDAR_SUFFIX,
    EVENTS_PATH,
    HEALTH_PATH,
    http_server,
    wsgi_app,
)
from bot.entrypoints.tuning import bound_malloc_arenas, settle_start_up
from bot.logs import bolt_logger
from bot.services.firm import Firm

log = logging.getLogger(__name__)

__all__ = ["EVENTS_PATH", "HEALTH_PATH", "create_app", "http_server", "run", "wsgi_app"]


def create_app(
    firm: Firm,
    *,
    token: str | None = None,
    signing_secret: str | None = None,
    client: WebClient | None = None,
) -> tuple[App, Any]:
    """The Bolt app with every casebot listener, and casebot's listener context (handlers.context.Context).

    Bolt calls auth.test through `client` once here, so a wrong token or base URL fails at start."""
    from handlers import register
    from handlers.context import Context
    from handlers.home import Homes
    from handlers.slack.client import REPLY_TIMEOUT, make_client

    # Retries what Slack asks to be retried: 429 after its Retry-After, 5xx and dropped connections.
    client = client or make_client(firm.settings, token=token, timeout=REPLY_TIMEOUT)
    # process_before_response=True: a listener runs to the end before Bolt answers the HTTP request, and
    # a reply given to ack() (blocks, text, response_type) *is* that answer. Bolt's default path instead
    # runs the listener in a thread and polls for the ack in 10 ms steps (slack_bolt/listener/thread_runner.py);
    # casebot's command work is one short database transaction, so answering inside the ack is both faster
    # (well under a millisecond of Bolt overhead) and simpler: no response_url round trip for a plain reply.
    # Anything that talks to Slack again (a Home refresh, the answer to a button) goes to Context.later(),
    # a small thread pool, so it never holds up the ack.
    app = App(
        logger=bolt_logger(),
        client=client,
        signing_secret=signing_secret
        if signing_secret is not None
        else (firm.settings.slack_signing_secret or ""),
        process_before_response=True,
        # The signature is checked once, by the front door, on the raw bytes before anything reads them
        # (http.py's slack_endpoint, the only way a request over HTTP reaches this app); Socket Mode's
        # requests are not signed (the app-level token authenticates the connection).
        request_verification_enabled=False,
        name="casebot",
    )
    ctx = Context(firm=firm, client=client)
    homes = Homes(ctx)
    register(app, ctx, homes)
    # The one call up from the services: after a change commits, they run the firm's hooks, and here those
    # hooks publish again the Home tabs the change altered (the actor's, and everyone's whose view moved).
    firm.on_change.append(homes.after_change)
    firm.on_views.append(homes.after_views)
    return app, ctx


def _start_scheduler(firm: Firm, client: WebClient) -> Any:
    """The reminders scheduler (scheduler.py): an object with `shutdown()`."""
    from bot.entrypoints import scheduler

    return scheduler.start(firm, client)


def _start_smtp(firm: Firm, host: str, port: int) -> Any:
    """casebot's mail server for clients' replies (bot/entrypoints/smtp.py), serving in its own thread."""
    from bot.entrypoints.smtp import mailbox_for, smtp_listener

    domain = firm.settings.clients.inbound_email_domain or ""
    listener = smtp_listener(domain, mailbox_for(firm), host=host, port=port)
    listener.start()
    log.info("casebot receiving clients' email replies for %s on %s:%s", domain, host, port)
    return listener


def run(
    firm: Firm,
    *,
    http: bool = False,
    host: str = "127.0.0.1",
    port: int = 3000,
    scheduler: bool = True,
    smtp_port: int | None = None,
) -> int:
    """`casebot run`: Socket Mode (SLACK_APP_TOKEN), or HTTP with --http (SLACK_SIGNING_SECRET)."""
    settings = firm.settings
    if not settings.slack_bot_token:
        log.error(
            "SLACK_BOT_TOKEN is not set: create the app from manifest.yml, install it, and put its "
            "bot token in .env (or try `casebot console`)"
        )
        return 2
    if http and not settings.slack_signing_secret:
        log.error(
            "SLACK_SIGNING_SECRET is not set: `casebot run --http` checks every request's signature with it"
        )
        return 2
    if not http and not settings.slack_app_token:
        log.error(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (connections:write), "
            "or run with --http"
        )
        return 2
    if smtp_port is not None and not settings.clients.inbound_email_domain:
        log.error(
            "INBOUND_EMAIL_DOMAIN is not set: `--smtp-port` receives clients' replies for that domain "
            "(point its MX record at this host), as docs/operations.md says"
        )
        return 2
    bound_malloc_arenas()  # before the server's threads start (bot/entrypoints/tuning.py)
    app, ctx = create_app(firm)
    jobs = _start_scheduler(firm, app.client) if scheduler else None
    mail = _start_smtp(firm, host, smtp_port) if smtp_port is not None else None
    checkpoints = firm.db.checkpoint_in_background()  # SQLite: no commit copies its log back
    settle_start_up()  # what start-up built stays out of the cycle collector's way (bot/entrypoints/tuning.py)
    try:
        if http:
            server = http_server(app, firm=firm, host=host, port=port)
            signal.signal(
                signal.SIGTERM, lambda *_: threading.Thread(target=server.close, daemon=True).start()
            )
            log.info(
                "casebot serving POST %s, GET %s and GET %s<token>%s on %s:%s",
                EVENTS_PATH,
                HEALTH_PATH,
                CALENDAR_PREFIX,
                CALENDAR_SUFFIX,
                host,
                server.effective_port,
            )
            with contextlib.suppress(KeyboardInterrupt, OSError):  # OSError: closed by SIGTERM
                server.run()
        else:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("casebot connecting to Slack in Socket Mode")
            SocketModeHandler(app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:
        pass
    finally:
        if mail is not None:
            mail.stop()
        if jobs is not None:
            jobs.shutdown()
        if checkpoints is not None:
            checkpoints.stop()
        ctx.close()
        _keep_claims(firm)
    return 0


def _keep_claims(firm: Firm) -> None:
    """SQLite keeps the requests it has served in this process: written down at a clean stop, so the next
    start still refuses a replay of them (storage/claims.py)."""
    try:
        kept = firm.db.claims.keep(firm.now())
    except Exception as exc:
        log.warning("Could not keep the requests served for the replay check: %s", type(exc).__name__)
        return
    if kept:
        log.info("Kept %d recent request(s) for the replay check", kept)
