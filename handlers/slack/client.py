"""The one Web API client factory: every WebClient casebot makes comes from here, with its retries and timeout."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.logs import confine_library_logs
from bot.settings import Settings

REPLY_TIMEOUT = 10  # seconds; the app's own client (Bolt's auth.test, views, respond)
SEND_TIMEOUT = 30  # sending on casebot's own initiative, from the scheduler's worker thread
LOOKUP_TIMEOUT = 2  # looked up before a first reply, which must come within Slack's 3 seconds


def web_client(
    token: str | None, base_url: str, *, timeout: int = REPLY_TIMEOUT, retries: int = 2
) -> WebClient:
    """A client for the firm's Slack (or the stand-in at `base_url`), retrying what Slack asks to be retried
    `retries` times: 429 after its Retry-After, 5xx and dropped connections. `retries=0`: no retries at all."""
    confine_library_logs()  # the SDK logs every request and response body at DEBUG
    handlers = (
        [
            ConnectionErrorRetryHandler(max_retry_count=retries),
            RateLimitErrorRetryHandler(max_retry_count=retries),
            ServerErrorRetryHandler(max_retry_count=retries),
        ]
        if retries
        else []
    )
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=handlers)


def make_client(
    settings: Settings, *, token: str | None = None, retries: int = 2, timeout: int = SEND_TIMEOUT
) -> WebClient:
    """A client from the settings (SLACK_BOT_TOKEN, SLACK_API_BASE_URL); by default for sending on casebot's
    own initiative, which may wait (not for replies, which must be quick)."""
    return web_client(
        token or settings.slack_bot_token, settings.slack_api_base_url, timeout=timeout, retries=retries
    )


def lookup_client(client: WebClient) -> WebClient:
    """A client like `client` for a look-up before a reply: no retries and a short timeout."""
    return web_client(client.token, client.base_url, timeout=LOOKUP_TIMEOUT, retries=0)
