"""`casebot console`: the same Bolt app and handlers, with a local stand-in for Slack's Web API.

Each typed `/case …` or `/offer …` line becomes a signed slash-command request dispatched through the app;
replies, response_url posts, DMs, modals and Home tabs are printed as plain text."""

from __future__ import annotations

import json
import queue
import secrets
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any, TextIO
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot import services
from bot.delivery.client_ports import ClientSender
from bot.delivery.sending import send_pending
from bot.entrypoints.client_channels import PrintingSender, client_senders
from bot.entrypoints.console_clients import CONSOLE_MAIL_DOMAIN, Pretended, pretend_mail, pretend_text
from bot.errors import CasebotError
from bot.rules.playbook import Kind
from bot.services.firm import Firm
from handlers.parse import mention, tokenize
from handlers.render import render_message, render_view
from handlers.slack.notifier import SlackNotifier
from handlers.slack.standin import Call, SlackStandIn

CONSOLE_TOKEN = "xoxb-casebot-console"
DEMO_COLLEAGUE = "U0DEMOLEAD"

BANNER = """casebot console — the bot with no Slack. You are {user}, an admin for this session (so every command works).
Type /case … or /offer … as in Slack; `help` for the commands, `home` for your Home tab, `quit` to leave.
Database: {db}
"""
CONNECT = """To connect a real workspace: create a Slack app from manifest.yml (api.slack.com/apps → From a manifest),
install it, then put SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP) in .env
and run `casebot run` (see "Slack setup" in docs/operations.md)."""
HELP = """Commands (as in Slack):
  /case help         everything /case does        /offer help    offers
  /case new PI-1 Jane Roe 2026-11-02             /case show PI-1
  /case mine · /case due · /case overdue
Console only:
  home               your App Home tab, as Slack would show it
  tick [day]         what the scheduler would send that day (digests, alerts, escalations, reports); sends nothing
  as <user-id>       act as someone else (a plain member unless ADMIN_USERS names them)
  wait <minutes>     the console's clock moves on: client updates that come due go out (printed, when texts or
                     email are not configured, exactly as the client would get them)
  text <number> <words…>
                     a client texts casebot, as Twilio would deliver it: see the DM its manager gets
                     (e.g. text +13055550123 ¿cuándo me pagan?; STOP, START and HELP too)
  mail <address> <words…>
                     a client answers casebot's latest email to them (send one first: /case update … email send)
  help · quit"""


def sign(secret: str, body: str, timestamp: int) -> dict[str, str]:
    """Headers as Slack sends them, signed as in production."""
    signature = SignatureVerifier(signing_secret=secret).generate_signature(
        timestamp=str(timestamp), body=body
    )
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": str(timestamp),
        "x-slack-signature": str(signature),
    }


class Console:
    """One console session: a stand-in Slack, the app built against it, and a printer."""

    def __init__(self, firm: Firm, as_user: str, out: TextIO) -> None:
        self.out = out
        self.user = as_user
        self.secret = secrets.token_hex(16)  # only this process signs or checks console requests
        self._seen: queue.Queue[Call] = queue.Queue()
        self.standin = SlackStandIn(on_call=self._seen.put).start()
        self.standin.add_user(as_user, name=as_user.lower(), real_name=f"Console user {as_user}")
        self.standin.add_user(DEMO_COLLEAGUE, name="dana", real_name="Dana (demo lead)")
        # The console's user is an admin for the session, so every command can be tried.
        settings = replace(
            firm.settings,
            slack_api_base_url=self.standin.base_url,
            slack_bot_token=CONSOLE_TOKEN,
            admin_users=firm.settings.admin_users | {as_user},
        )
        # Client updates: the carriers configured, and a printer for each channel that is not.
        self.clients: dict[str, ClientSender] = client_senders(settings)
        for channel in ("sms", "email"):
            self.clients.setdefault(channel, PrintingSender(channel, self.say))
        printed = frozenset(c for c, sender in self.clients.items() if isinstance(sender, PrintingSender))
        clients = replace(settings.clients, print_only=printed)
        if "email" in printed and not clients.inbound_email_domain:
            clients = replace(clients, inbound_email_domain=CONSOLE_MAIL_DOMAIN)  # so `mail` can answer one
        settings = replace(settings, clients=clients)
        self._ahead = timedelta(0)  # `wait <minutes>` moves the console's clock on
        self.firm = Firm(
            db=firm.db, settings=settings, calendar=firm.calendar, clock=lambda: firm.clock() + self._ahead
        )
        from bot.entrypoints.app import create_app

        self.app: App
        self.app, self.ctx = create_app(self.firm, token=CONSOLE_TOKEN, signing_secret=self.secret)
        self._n = 0
        self._show_home = False
        self._known = {as_user, DEMO_COLLEAGUE}
        self._drop_calls()

    def close(self) -> None:
        self.ctx.close()
        self.standin.stop()

    # -- input ------------------------------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """Run one line; False when the person wants to leave."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        word = line.split()[0].lower()
        if word in ("quit", "exit", "\\q"):
            return False
        if word in ("help", "?"):
            self.say(HELP)
        elif word == "home":
            self.home()
        elif word == "tick":
            self.tick(line.split()[1:])
        elif word == "as":
            self.switch(line.split()[1] if len(line.split()) > 1 else "")
        elif word == "wait":
            self.wait(line.split()[1] if len(line.split()) > 1 else "")
        elif word in ("text", "mail"):
            rest = line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else ""
            self.client_wrote((pretend_text if word == "text" else pretend_mail)(self.firm, rest))
        elif word.startswith("/"):
            self.slash(line)
        else:
            self.say(
                f"Type a slash command (/case …, /offer …), `help`, or `quit`. Not understood: {line[:60]}"
            )
        return True

    def wait(self, minutes: str) -> None:
        if not minutes.isdigit() or not 0 < int(minutes) <= 7 * 24 * 60:
            self.say("wait <minutes>, e.g. wait 10")
            return
        self._ahead += timedelta(minutes=int(minutes))
        self.say(
            f"(the console's clock is now {self.firm.now().astimezone(self.firm.settings.tz):%a %b %-d %H:%M})"
        )
        self.send_client_updates()

    def client_wrote(self, pretended: Pretended) -> None:
        """A pretend client's message, received: what became of it, then the DM it brought and any answer
        casebot owes the client, sent as a running casebot would send them."""
        self.say(pretended.said)
        received = pretended.received
        if received is None:
            return
        if received.deliveries:
            notifier = SlackNotifier(self.ctx.client, sleep=lambda _: None)
            send_pending(self.firm, notifier, only=received.deliveries, expire=False)
            self._print_calls()
        if received.queued:
            self.send_client_updates()
        if pretended.hint:
            self.say(pretended.hint)

    def send_client_updates(self) -> None:
        """Send the client messages that are due, as the scheduler would."""
        from bot.delivery.client_sending import send_client_messages

        report = send_client_messages(self.firm, self.clients)
        if report.waiting and not report.sent:
            self.say("(client updates are waiting: for their hold to end or for the client's quiet hours)")

    def tick(self, words: list[str]) -> None:
        """`tick [day]`: what the scheduler would send that day (default the rest of today); nothing sent."""
        from bot.entrypoints.dryrun import print_tick
        from bot.rules.parsing import parse_day

        day = None
        if words:
            try:
                day = parse_day(" ".join(words), self.firm.today(), when="near")
            except CasebotError as exc:
                self.say(f"{exc.message} For example: tick 2026-11-30")
                return
        print_tick(self.firm, day, self.out)

    def switch(self, user: str) -> None:
        if not user or user[:1] not in ("U", "W"):
            self.say("as <user-id>, e.g. as U2")
            return
        self.user = user.upper()
        self.standin.add_user(self.user, name=self.user.lower())
        self.say(f"You are now {self.user}.")

    def slash(self, line: str) -> None:
        command, _, text = line.partition(" ")
        # Everyone mentioned is a full member of the console's pretend workspace.
        for word in tokenize(text):
            user = mention(word)
            if user and user not in self._known:
                self.standin.add_user(user, name=user.lower())
                self._known.add(user)
        if command not in ("/case", "/offer"):
            self.say(f"casebot answers /case and /offer, not {command}.")
            return
        self._n += 1
        body = urlencode(
            {
                "token": "console",
                "team_id": self.standin.team_id,
                "team_domain": "console",
                "channel_id": "D" + self.user,
                "channel_name": "directmessage",
                "user_id": self.user,
                "user_name": self.user.lower(),
                "command": command,
                "text": text,
                "api_app_id": self.standin.app_id,
                "is_enterprise_install": "false",
                "response_url": self.standin.response_url(f"cmd{self._n}"),
                "trigger_id": f"console.{self._n}",
            }
        )
        self._dispatch(body)

    def home(self) -> None:
        self._show_home = True
        event = {
            "type": "app_home_opened",
            "user": self.user,
            "channel": "D" + self.user,
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        body = json.dumps(
            {
                "token": "console",
                "team_id": self.standin.team_id,
                "api_app_id": self.standin.app_id,
                "event": event,
                "type": "event_callback",
                "event_id": f"Ev{secrets.token_hex(6)}",
                "event_time": int(time.time()),
            }
        )
        self._dispatch(body, content_type="application/json")

    def _dispatch(self, body: str, content_type: str = "application/x-www-form-urlencoded") -> None:
        headers: dict[str, str | Sequence[str]] = {
            **sign(self.secret, body, int(time.time())),
            "content-type": content_type,
        }
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        self.ctx.drain()
        if response.status != 200:
            self.say(f"(casebot answered HTTP {response.status}: {response.body[:200]})")
        elif response.body:
            try:
                reply = json.loads(response.body)
            except ValueError:
                reply = {"text": response.body}
            if isinstance(reply, dict) and (reply.get("text") or reply.get("blocks")):
                self.say(render_message(reply.get("text"), reply.get("blocks")))
        self._print_calls()

    # -- output -----------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _drop_calls(self) -> None:
        while not self._seen.empty():
            self._seen.get_nowait()

    def _print_calls(self) -> None:
        # The stand-in records calls in its own threads; give a just-finished post a moment to land.
        time.sleep(0.02)
        while not self._seen.empty():
            call = self._seen.get_nowait()
            # Home refreshes after each change happen quietly; `home` shows the tab.
            if call.method == "views.publish" and not self._show_home:
                continue
            shown = describe(call)
            if shown:
                self.say(shown)
        self._show_home = False


def describe(call: Call) -> str | None:
    """A Web API call the person would see in Slack, as text; None for bookkeeping (auth.test, users.info)."""
    p = call.params
    if call.method == "response_url":
        return render_message(p.get("text"), p.get("blocks"))
    if call.method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
        where = str(p.get("channel", ""))
        # A message sent to a person's id lands in their DM with casebot: say whose (it may be another's).
        label = (
            f"DM to @{where}" if where[:1] in ("U", "W") else "DM" if where[:1] == "D" else f"#{where}"
        ) + (" (only you)" if call.method == "chat.postEphemeral" else "")
        return f"── {label} ──\n" + render_message(p.get("text"), p.get("blocks"))
    if call.method in ("views.open", "views.push", "views.update") and isinstance(p.get("view"), dict):
        return (
            "── a form opens (the console cannot fill forms in; type the command with its words instead) ──\n"
            + render_view(p["view"])
        )
    if call.method == "views.publish" and isinstance(p.get("view"), dict):
        return "── Home tab ──\n" + render_view(p["view"])
    if call.method == "files.completeUploadExternal":
        where = str(p.get("channel_id") or p.get("channels") or "")
        titles = ", ".join(
            str(f.get("title") or "a file") for f in p.get("files") or [] if isinstance(f, dict)
        )
        return f"── {'DM' if where[:1] == 'D' else f'#{where}'} ──\n📎 {titles or 'a file'} (shared)"
    return None


def add_demo_cases(firm: Firm, user: str) -> list[str]:
    """A few cases at different stages, dated in the past, so the clocks and reminders have something to show."""
    if services.has_cases(firm):
        return []
    today = firm.today()

    def ago(days: int) -> Any:
        return today - timedelta(days=days)

    made = []
    try:
        services.create_case(firm, user, "DEMO-101", "Maria Lopez", on=ago(40))
        services.add_provider(firm, user, "DEMO-101", "Valley Orthopedics", on=ago(40))
        services.add_provider(firm, user, "DEMO-101", "Bayside Imaging", on=ago(38))
        services.provider_received(firm, user, "DEMO-101", "1", "both", on=ago(20))
        made.append("DEMO-101")

        services.create_case(firm, user, "DEMO-102", "Sam Patel", on=ago(75))
        services.add_provider(firm, user, "DEMO-102", "Harbor Physical Therapy", on=ago(75))
        services.provider_received(firm, user, "DEMO-102", "1", "both", on=ago(45))
        services.log_contact(
            firm, user, "DEMO-102", kind=Kind.CLIENT, on=ago(45), note="Walked through next steps"
        )
        services.advance(firm, user, "DEMO-102", to="demand_queue", on=ago(44))
        services.set_holdup(firm, user, "DEMO-102", "wage-loss", "employer has not signed")
        made.append("DEMO-102")

        services.create_case(firm, user, "DEMO-103", "Ann Kim", on=ago(120))
        services.add_provider(firm, user, "DEMO-103", "Eastside Urgent Care", on=ago(120))
        services.provider_received(firm, user, "DEMO-103", "1", "both", on=ago(90))
        services.advance(firm, user, "DEMO-103", to="demand_queue", on=ago(89))
        services.advance(firm, user, "DEMO-103", to="demand_drafting", on=ago(70))
        services.demand_sent(firm, user, "DEMO-103", on=ago(35), adjuster="Pat Lee")
        made.append("DEMO-103")
    except CasebotError as exc:  # a demo that half-fails is still a console
        print(f"(demo cases stopped early: {exc.message})", file=sys.stderr)
    return made


def _lines(stream: TextIO) -> Iterable[str]:
    for line in stream:
        yield line.rstrip("\n")


def run_console(
    firm: Firm,
    *,
    as_user: str = "U0CONSOLE",
    demo: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    as_user = as_user.strip().upper()
    console = Console(firm, as_user, out)
    interactive = stdin.isatty()
    try:
        if demo:
            made = add_demo_cases(console.firm, as_user)
            console.ctx.drain()
            console._drop_calls()
            if made:
                console.say(f"Added demo cases {', '.join(made)} (yours). Try: /case show {made[0]}")
            console.say(CONNECT + "\n")
        if interactive:
            console.say(
                BANNER.format(user=as_user, db=firm.db.engine.url.render_as_string(hide_password=True))
            )
            while True:
                try:
                    line = input(f"{console.user}> ")
                except (EOFError, KeyboardInterrupt):
                    console.say("")
                    break
                if not console.handle(line):
                    break
        else:
            for line in _lines(stdin):
                if line.strip():
                    console.say(f"{console.user}> {line.strip()}")
                if not console.handle(line):
                    break
    finally:
        console.close()
    return 0
