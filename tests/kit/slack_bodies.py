"""Pure helpers for tests: sign requests like Slack, build slash-command bodies, and check Block Kit limits."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlencode

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.signature import SignatureVerifier

# Nothing listens on the discard port, so a test that forgets to pass a stand-in's URL fails fast
# instead of posting anywhere real.
UNSET_RESPONSE_URL = "http://127.0.0.1:9/response/unset"

TEAM_ID = "T0CASEBOT"
APP_ID = "ACASEBOT"

MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTION_ID_LIMIT = 255
VIEW_TITLE_LIMIT = 24
PRIVATE_METADATA_LIMIT = 3000


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Headers Slack would send with `body`, signed with the app's signing secret."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(signing_secret=secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def wsgi_environ(body: str, headers: dict[str, str]) -> dict[str, Any]:
    """The WSGI environment a server gives the front door for a signed POST to /slack/events: for a test
    that calls the front door itself, and holds its reply before the server would take it."""
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "CONTENT_TYPE": headers["Content-Type"],
        "CONTENT_LENGTH": str(len(body.encode())),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["X-Slack-Request-Timestamp"],
        "HTTP_X_SLACK_SIGNATURE": headers["X-Slack-Signature"],
        "wsgi.input": io.BytesIO(body.encode()),
    }


def slash_body(
    command: str,
    text: str,
    user_id: str,
    *,
    channel_id: str = "C1",
    response_url: str = UNSET_RESPONSE_URL,
    trigger_id: str = "T.1",
    team_id: str = "T0CASEBOT",
) -> str:
    """The urlencoded form Slack posts for a slash command."""
    return urlencode(
        {
            "token": "verification-token-unused",
            "team_id": team_id,
            "team_domain": "casebot",
            "channel_id": channel_id,
            "channel_name": "directmessage" if channel_id.startswith("D") else "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command if command.startswith("/") else "/" + command,
            "text": text,
            "api_app_id": "ACASEBOT",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def interaction_body(kind: str, user: str, **fields: Any) -> str:
    """The urlencoded form Slack posts for an interaction (`block_actions`, `view_submission`) by `user`: the
    envelope every one carries, then `fields` (container, actions, view, response_url, ...)."""
    payload = {
        "type": kind,
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "unused",
        "team": {"id": TEAM_ID, "domain": "casebot"},
        **fields,
    }
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict[str, Any], event_id: str) -> str:
    """The JSON Slack posts for an Events API event (`app_home_opened`, ...)."""
    return json.dumps(
        {
            "token": "unused",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
    )


def assert_valid_blocks(
    blocks: Sequence[dict[str, Any] | Block], *, limit: int = MESSAGE_BLOCK_LIMIT
) -> None:
    """Fail unless slack_sdk accepts every block, there are at most `limit`, and no text is over Slack's limit."""
    parsed = Block.parse_all(list(blocks))
    # parse_all answers None for a block it cannot recognise rather than raising, which hides a typo in "type".
    unknown = [i for i, block in enumerate(parsed) if block is None]
    assert not unknown, f"slack_sdk does not recognise blocks {unknown}: {[blocks[i] for i in unknown]}"
    as_dicts = [block.to_dict() for block in parsed]  # raises SlackObjectFormationError on a broken block
    assert len(as_dicts) <= limit, f"{len(as_dicts)} blocks, over Slack's limit of {limit}"
    problems = [
        f"block {index} ({block.get('type')}){where}: {problem}"
        for index, block in enumerate(as_dicts)
        for where, problem in _text_limit_problems(block)
    ]
    assert not problems, "\n".join(problems)


def assert_valid_view(view: dict[str, Any] | View) -> None:
    """Fail unless a modal or Home view passes slack_sdk's checks and Slack's view limits."""
    as_dict = view.to_dict() if isinstance(view, View) else dict(view)
    View(**as_dict).to_dict()  # raises SlackObjectFormationError: type, title, submit/close, callback_id
    title = (as_dict.get("title") or {}).get("text", "")
    assert len(title) <= VIEW_TITLE_LIMIT, (
        f"view title is {len(title)} chars, over {VIEW_TITLE_LIMIT}: {title!r}"
    )
    metadata = as_dict.get("private_metadata") or ""
    assert len(metadata) <= PRIVATE_METADATA_LIMIT, (
        f"private_metadata is {len(metadata)} chars, over {PRIVATE_METADATA_LIMIT}"
    )
    if as_dict.get("type") == "home":
        assert "submit" not in as_dict and "close" not in as_dict, "a Home view has no submit or close"
    has_inputs = any(block.get("type") == "input" for block in _as_dicts(as_dict.get("blocks", [])))
    if as_dict.get("type") == "modal" and has_inputs:
        # Slack refuses a modal with inputs and no submit button: the user could never send it.
        assert as_dict.get("submit"), "a modal with input blocks needs a submit button"
    assert_valid_blocks(as_dict.get("blocks", []), limit=VIEW_BLOCK_LIMIT)


def _as_dicts(blocks: Sequence[dict[str, Any] | Block]) -> list[dict[str, Any]]:
    return [block.to_dict() if isinstance(block, Block) else block for block in blocks]


def _text_limit_problems(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Walk a block and its nested elements for the limits slack_sdk does not check on every path."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _text_limit_problems(item, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    text = node.get("text")
    text_value = text.get("text", "") if isinstance(text, dict) else ""
    if kind == "section" and len(text_value) > SECTION_TEXT_LIMIT:
        yield where + ".text", f"section text is {len(text_value)} chars, over {SECTION_TEXT_LIMIT}"
    if kind == "header" and len(text_value) > HEADER_TEXT_LIMIT:
        yield where + ".text", f"header text is {len(text_value)} chars, over {HEADER_TEXT_LIMIT}"
    if kind == "button":
        if len(text_value) > BUTTON_TEXT_LIMIT:
            yield where + ".text", f"button text is {len(text_value)} chars, over {BUTTON_TEXT_LIMIT}"
        value = str(node.get("value", ""))
        if len(value) > BUTTON_VALUE_LIMIT:
            yield where + ".value", f"button value is {len(value)} chars, over {BUTTON_VALUE_LIMIT}"
    action_id = str(node.get("action_id", ""))
    if len(action_id) > ACTION_ID_LIMIT:
        yield where + ".action_id", f"action_id is {len(action_id)} chars, over {ACTION_ID_LIMIT}"
    for key, child in node.items():
        if isinstance(child, dict | list):
            yield from _text_limit_problems(child, f"{where}.{key}")


def mrkdwn_of(text: str, blocks: Any) -> list[str]:
    """The fallback text and every mrkdwn string in the blocks: what Slack parses for markup."""
    found = [text]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(str(node.get("text", "")))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(blocks)
    return found
