"""Driving the real Bolt app against the Slack stand-in: signed slash commands, clicks, form submissions and
events through `app.dispatch`, with every message, modal and Home view casebot sends checked by slack_sdk."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt import App
from sqlalchemy import func, select

import handlers.refusals
from bot.entrypoints.app import create_app
from bot.entrypoints.bodies import bolt_request, read_body
from bot.errors import CasebotError
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.context import Context
from handlers.slack.standin import Call, SlackStandIn
from storage.models import AuditEntry
from tests.kit.slack_bodies import (
    assert_valid_blocks,
    assert_valid_view,
    event_body,
    interaction_body,
    sign,
    slash_body,
)

TOKEN = "xoxb-test"
SECRET = "test-signing-secret"
MEMBERS = ("U1", "U2", "ULEAD", "UADMIN")

# What must never appear where others can see it: amounts, provider names, medical details used in the tests.
SENSITIVE = re.compile(
    r"\$\s?\d|\d+(\.\d+)?k\b|12,500|12500|Valley|Ortho|Bayside|Imaging|MRI|fracture|surgery", re.IGNORECASE
)


@dataclass
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.body.get("text", ""))

    @property
    def all_text(self) -> str:
        from handlers.blocks import all_text

        return self.text + "\n" + all_text(self.body.get("blocks") or [])


def buttons_in(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """Each button's value, by its action_id, in these blocks (their actions rows and section accessories)."""
    found = {}
    for b in blocks:
        for e in [*(b.get("elements") or []), b.get("accessory") or {}]:
            if isinstance(e, dict) and e.get("type") == "button":
                found[e["action_id"]] = e["value"]
    return found


class Slack:
    """A workspace for one test: the stand-in, the firm pointed at it, and the app built on both."""

    def __init__(self, firm: Firm, standin: SlackStandIn) -> None:
        self.standin = standin
        for user in MEMBERS:
            standin.add_user(user, name=user.lower())
        standin.add_user("UGUEST", name="guest", is_restricted=True)
        standin.add_user("USINGLE", name="single", is_ultra_restricted=True)
        standin.add_user("UBOT", name="somebot", is_bot=True)
        standin.add_user("UGONE", name="gone", deleted=True)
        settings = replace(
            firm.settings,
            slack_api_base_url=standin.base_url,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
        )
        self.firm = Firm(db=firm.db, settings=settings, calendar=firm.calendar, clock=firm.clock)
        self.app: App
        self.ctx: Context
        self.app, self.ctx = create_app(self.firm)
        self.acks: list[dict[str, Any]] = []
        self._n = 0

    # -- requests -----------------------------------------------------------------------------------

    def dispatch(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        secret: str = SECRET,
    ) -> Answer:
        # Read as the front door reads it (bot/entrypoints/bodies.py); a body it refuses is its 400.
        headers = sign(secret, body, timestamp)
        headers["Content-Type"] = content_type
        parsed = read_body(body, content_type)
        if parsed is None:
            return Answer(400, {})
        response = self.app.dispatch(bolt_request(parsed, {k.lower(): v for k, v in headers.items()}, ""))
        self.ctx.drain()
        parsed: dict[str, Any] = {}
        if response.body:
            try:
                parsed = json.loads(response.body)
            except ValueError:
                parsed = {"text": response.body}
        if parsed:
            self.acks.append(parsed)
        return Answer(response.status, parsed)

    def command(self, user: str, text: str, command: str = "/case", channel: str = "C1") -> Answer:
        self._n += 1
        body = slash_body(
            command,
            text,
            user,
            channel_id=channel,
            response_url=self.standin.response_url(f"cmd{self._n}"),
            trigger_id=f"trig.{self._n}",
        )
        answer = self.dispatch(body)
        assert answer.status == 200, answer
        return answer

    def case(self, user: str, text: str) -> Answer:
        return self.command(user, text, "/case")

    def offer(self, user: str, text: str) -> Answer:
        return self.command(user, text, "/offer")

    def click(
        self,
        user: str,
        action_id: str,
        value: str,
        *,
        channel: str = "C1",
        message: dict[str, Any] | None = None,
        action: dict[str, Any] | None = None,
        ts: str = "1.000001",
    ) -> Answer:
        """A button press. In a DM (`channel` "D…") the message is not ephemeral; `message` is the one the
        button sits in (Slack sends it for non-ephemeral messages), `ts` its time stamp; `action` overrides
        the pressed element."""
        self._n += 1
        in_dm = channel.startswith("D")
        fields: dict[str, Any] = {
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": not in_dm,
            },
            "trigger_id": f"trig.{self._n}",
            "channel": {"id": channel, "name": "directmessage" if in_dm else "general"},
            "response_url": self.standin.response_url(f"click{self._n}"),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "value": value,
                    **(action or {}),
                    "block_id": "b",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if message is not None:
            fields["message"] = {
                "type": "message",
                "text": message["text"],
                "blocks": message["blocks"],
                "ts": ts,
            }
        return self.dispatch(interaction_body("block_actions", user, **fields))

    def submit(
        self, user: str, callback_id: str, values: dict[str, dict[str, Any]], *, metadata: str = ""
    ) -> Answer:
        view = {
            "id": "V1",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": metadata,
            "state": {"values": {block: {"value": element} for block, element in values.items()}},
            "hash": "1.1",
            "title": {"type": "plain_text", "text": "x"},
            "blocks": [],
        }
        return self.dispatch(interaction_body("view_submission", user, trigger_id="trig.view", view=view))

    def event(self, event: dict[str, Any], *, event_id: str = "Ev1") -> Answer:
        body = event_body(event, event_id)
        return self.dispatch(body, content_type="application/json")

    def open_home(self, user: str = "U1") -> Answer:
        """The person opens their Home tab (app_home_opened): casebot publishes it, and publishes it again
        after a change that alters it while they have it open (handlers/home.py)."""
        self._n += 1
        return self.event(
            {"type": "app_home_opened", "user": user, "tab": "home"}, event_id=f"EvOpen{self._n}"
        )

    # -- what casebot sent ---------------------------------------------------------------------------

    def posts(self) -> list[Call]:
        return [
            c
            for c in self.standin.calls
            if c.method in ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")
        ]

    def views(self) -> list[Call]:
        return [c for c in self.standin.calls if c.method.startswith("views.")]

    def check_everything_sent(self) -> int:
        """Every message, modal and Home view passes slack_sdk's validation and Slack's limits, with fallback text.
        Answers how many were checked."""
        checked = 0
        for body in self.acks:
            if body.get("blocks"):
                assert body.get("text"), f"no fallback text: {body}"
                assert_valid_blocks(body["blocks"])
                checked += 1
        for call in self.posts():
            assert call.params.get("text"), f"no fallback text in {call.method}: {call.params}"
            if call.params.get("blocks"):
                assert_valid_blocks(call.params["blocks"])
            checked += 1
        for call in self.views():
            assert_valid_view(call.params["view"])
            checked += 1
        return checked

    def public_posts(self) -> list[tuple[str, str]]:
        """What casebot put where others could read it: not ephemeral and not in a DM."""
        from handlers.blocks import all_text

        out = []
        for body in self.acks:
            if body.get("response_type", "ephemeral") != "ephemeral":
                out.append(("ack", body.get("text", "") + all_text(body.get("blocks") or [])))
        for call in self.posts():
            p = call.params
            text = str(p.get("text", "")) + all_text(p.get("blocks") or [])
            if call.method == "response_url":
                if p.get("response_type", "ephemeral") != "ephemeral" or p.get("delete_original"):
                    out.append(("response_url", text))
            elif call.method != "chat.postEphemeral" and str(p.get("channel", ""))[:1] not in ("D", "U", "W"):
                out.append((f"{call.method} {p.get('channel')}", text))
        return out

    def refused(self, user: str, text: str, error: type[CasebotError], command: str = "/case") -> Answer:
        """A command that must be refused with `error` (or a kind of it) and change nothing: the whole export
        of the firm is the same before and after, but that casebot may now know the people in it (what Slack
        says of a first-time caller or of someone mentioned is kept, refused or not; with no role, absence or
        cover of casebot's). Answers the refusal, for its words."""
        seen: list[BaseException] = []
        build = handlers.refusals.build_error

        def spy(exc: CasebotError, **shown: Any) -> Any:
            seen.append(exc)
            return build(exc, **shown)

        before = snapshot(self.firm)
        handlers.refusals.build_error = spy  # type: ignore[assignment]
        try:
            answer = self.command(user, text, command)
        finally:
            handlers.refusals.build_error = build  # type: ignore[assignment]
        assert len(seen) == 1 and isinstance(seen[0], error), (text, seen, answer.all_text)
        after = snapshot(self.firm)
        known = {row["user_id"] for row in before["staff"]}
        learned = {"role": "manager", "away": False, "away_until": None, "cover_id": None}
        after["staff"] = [
            row
            for row in after["staff"]
            if row["user_id"] in known or {k: row[k] for k in learned} != learned
        ]
        assert after == before, f"the refused {command} {text!r} changed something"
        return answer

    def audit_count(self) -> int:
        with self.firm.db.uow() as s:
            return int(s.scalar(select(func.count(AuditEntry.id))) or 0)

    def close(self) -> None:
        self.ctx.close()


def snapshot(firm: Firm) -> dict[str, Any]:
    """Everything the firm holds, as `casebot export` writes it, but the moment of the export."""
    data = export_data(firm)
    data.pop("exported_at")
    return data
