"""The Slack Notifier: direct messages through the Web API, with Slack's rate limits respected.

The WebClient retries 429s (after Retry-After), 500/503s and dropped connections itself; what still
fails becomes DeliveryFailed for the outbox (bot/delivery/) to retry later. Messages to one channel are spaced
about a second apart (Slack's chat.postMessage limit). This runs in the scheduler's worker thread, so the
spacing never holds up a reply to anyone. A picture (the weekly chart) is uploaded to the DM with
files_upload_v2 (files.getUploadURLExternal, the upload itself, files.completeUploadExternal; `files:write`):
a failure at any of the three steps becomes DeliveryFailed like a failed post, and a retry starts a new
upload, so a file left half-uploaded is never shared."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.delivery.ports import DeliveryFailed, Message, PersonInfo, WeeklyChartMessage
from bot.settings import Settings
from handlers.blocks.outbound import build_notification
from handlers.slack.client import make_client
from handlers.slack.people import HomeTeam, person_from_slack

log = logging.getLogger(__name__)

PER_CHANNEL_INTERVAL = 1.0  # seconds between two messages to one channel
# Slack answers these when retrying can't help: the person is gone or the message itself is wrong.
PERMANENT = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "account_inactive",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "user_disabled",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "not_authed",
        "invalid_auth",
        "token_revoked",
    }
)


class SlackNotifier:
    """Implements bot.delivery.ports.Notifier. `sleep` and `monotonic` go in through the constructor for tests."""

    def __init__(
        self,
        client: WebClient,
        *,
        interval: float = PER_CHANNEL_INTERVAL,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.interval = interval
        self._sleep = sleep
        self._monotonic = monotonic
        self._channels: dict[str, str] = {}  # user -> DM channel (conversations.open is Tier 3)
        self._last_post: dict[str, float] = {}
        self._lock = threading.Lock()
        self.home_team = HomeTeam(client)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> SlackNotifier:
        return cls(make_client(settings), **kwargs)

    def send(self, message: Message) -> str:
        if isinstance(message, WeeklyChartMessage):
            return self._upload(message)
        text, blocks = build_notification(message)
        try:
            channel = self._channel(message.user_id)
            self._pace(channel)
            response = self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
            )
        except SlackApiError as exc:
            raise _failure(exc) from exc
        except (SlackClientError, OSError) as exc:  # network trouble the client's retries did not get over
            raise DeliveryFailed(f"network: {exc!r}", retryable=True) from exc
        return str(response.get("ts") or "")

    def _upload(self, chart: WeeklyChartMessage) -> str:
        """Upload the chart to the person's DM; answer the file's id."""
        try:
            channel = self._channel(chart.user_id)
            self._pace(channel)
            response = self.client.files_upload_v2(
                channel=channel,
                content=chart.png,
                filename=f"casebot-week-{chart.week_of.isoformat()}.png",
                title=chart.title,
                alt_txt=chart.alt_text,
                initial_comment=f"{chart.title}.",
            )
        except SlackApiError as exc:
            raise _failure(exc) from exc
        except (SlackClientError, OSError) as exc:  # the upload POST itself failed (urllib), or the network
            raise DeliveryFailed(f"upload: {exc!r}", retryable=True) from exc
        file = response.get("file") or {}
        return str(file.get("id") or "")

    def person(self, user_id: str) -> PersonInfo | None:
        """users.info; None when Slack does not know them or can't be asked now."""
        try:
            user = self.client.users_info(user=user_id).get("user") or {}
            return person_from_slack(user, user_id, home_team=self.home_team())
        except SlackApiError as exc:
            log.warning("Could not look up %s: %s", user_id, exc.response.get("error"))
            return None

    def person_by_email(self, email: str) -> PersonInfo | None:
        """users.lookupByEmail (the import's managers named by email; the email itself is not kept)."""
        try:
            user = self.client.users_lookupByEmail(email=email).get("user") or {}
            return person_from_slack(user, home_team=self.home_team())
        except SlackApiError as exc:
            if exc.response.get("error") != "users_not_found":
                log.warning("Could not look a manager up by email: %s", exc.response.get("error"))
            return None

    def _channel(self, user_id: str) -> str:
        with self._lock:
            known = self._channels.get(user_id)
        if known:
            return known
        channel = str(self.client.conversations_open(users=user_id)["channel"]["id"])
        with self._lock:
            self._channels[user_id] = channel
        return channel

    def _pace(self, channel: str) -> None:
        """Wait, in this worker thread, until a second has passed since the last message to `channel`."""
        with self._lock:
            last = self._last_post.get(channel)
            now = self._monotonic()
            wait = 0.0 if last is None else max(0.0, last + self.interval - now)
            self._last_post[channel] = now + wait
        if wait:
            self._sleep(wait)


def _failure(exc: SlackApiError) -> DeliveryFailed:
    status = getattr(exc.response, "status_code", 200)
    error = str(exc.response.get("error") or f"http {status}")
    retry_after = None
    if status == 429:
        headers = getattr(exc.response, "headers", {}) or {}
        raw = headers.get("Retry-After") or headers.get("retry-after")
        if isinstance(raw, list):
            raw = raw[0] if raw else None
        try:
            retry_after = float(raw) if raw is not None else None
        except ValueError:
            retry_after = None
    permanent = error in PERMANENT
    return DeliveryFailed(f"{error} (HTTP {status})", retryable=not permanent, retry_after=retry_after)
