"""The Slack stand-in answers the real slack_sdk and Bolt the way Slack does, and records what they sent."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackObjectFormationError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, DividerBlock
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.webhook import WebhookClient

from handlers.slack.standin import Call, SlackStandIn
from tests.kit.slack_bodies import assert_valid_blocks, assert_valid_view, sign, slash_body

TOKEN = "xoxb-test"
SIGNING_SECRET = "test-signing-secret"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.base_url)


def test_post_message_is_answered_and_recorded(standin: SlackStandIn, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*PI-2041* is due"}}]
    first = client.chat_postMessage(channel="C1", text="PI-2041 is due", blocks=blocks)
    second = client.chat_postMessage(channel="C1", text="again")

    assert first["channel"] == "C1"
    assert first["message"]["user"] == standin.bot_user_id
    assert first["message"]["blocks"] == blocks
    assert float(second["ts"]) > float(first["ts"])
    (call, _) = standin.calls_to("chat.postMessage")
    assert call.token == TOKEN
    assert call.params["text"] == "PI-2041 is due"
    assert call.params["blocks"] == blocks


def test_auth_test_names_the_bot(standin: SlackStandIn, client: WebClient) -> None:
    answer = client.auth_test()
    assert (answer["user_id"], answer["team_id"]) == ("UCASEBOT", "T0CASEBOT")
    assert answer["bot_id"]


def test_form_fields_holding_json_are_decoded(standin: SlackStandIn) -> None:
    # A form-encoded caller sends blocks as a JSON string; tests should see the same objects either way.
    answer = WebClient(base_url=standin.base_url).api_call(
        "chat.postMessage",
        params={
            "token": TOKEN,
            "channel": "UJANE",
            "text": "hi",
            "blocks": json.dumps([{"type": "divider"}]),
        },
    )
    assert answer["channel"] == "DUJANE", "posting to a user id lands in the DM"
    (call,) = standin.calls_to("chat.postMessage")
    assert call.token == TOKEN
    assert "token" not in call.params
    assert call.params["blocks"] == [{"type": "divider"}]


def test_a_call_without_a_token_is_not_authed(standin: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=standin.base_url).chat_postMessage(channel="C1", text="hi")
    assert raised.value.response["error"] == "not_authed"


def test_rate_limit_is_retried_after_retry_after(standin: SlackStandIn) -> None:
    standin.fail("chat.postMessage", status=429, retry_after=0)
    client = WebClient(token=TOKEN, base_url=standin.base_url, retry_handlers=[RateLimitErrorRetryHandler()])

    answer = client.chat_postMessage(channel="C1", text="digest")

    assert answer["ok"] is True
    assert len(standin.calls_to("chat.postMessage")) == 2


def test_rate_limit_without_a_retry_handler_carries_retry_after(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail("*", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="digest")
    assert raised.value.response.status_code == 429
    assert raised.value.response["error"] == "ratelimited"
    assert raised.value.response.headers["retry-after"] == "7"
    assert client.chat_postMessage(channel="C1", text="digest")["ok"], "the failure was for one call only"


def test_server_error_surfaces_without_a_retry_handler(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail("chat.postMessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel="C1", text="hi")
        assert raised.value.response.status_code == 500
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert len(standin.calls_to("chat.postMessage")) == 3, "slack_sdk retries no 500 by default"


def test_slack_error_with_status_200(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail("conversations.open", status=200, error="cannot_dm_bot")
    with pytest.raises(SlackApiError) as raised:
        client.conversations_open(users="UJANE")
    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == "cannot_dm_bot"
    assert client.conversations_open(users="UJANE")["channel"]["id"] == "DUJANE"


def test_fail_refuses_a_failure_that_would_succeed(standin: SlackStandIn) -> None:
    with pytest.raises(ValueError):
        standin.fail("chat.postMessage", status=200)


def test_files_upload_v2_end_to_end(standin: SlackStandIn, client: WebClient) -> None:
    answer = client.files_upload_v2(channel="D1", content=b"png...", filename="x.png")

    assert answer["file"]["name"] == "x.png"
    assert answer["file"]["size"] == len(b"png...")
    assert [c.method for c in standin.calls] == [
        "files.getUploadURLExternal",
        "files.upload_bytes",
        "files.completeUploadExternal",
    ]
    (upload,) = standin.calls_to("files.upload_bytes")
    assert upload.params["length"] == len(b"png...")
    (complete,) = standin.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "D1"
    assert complete.params["files"] == [{"id": answer["file"]["id"], "title": "x.png"}]


def test_users_info_answers_an_added_user(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user(
        "UJANE", real_name="Jane Roe", tz="America/New_York", is_restricted=True, email="j@x.test"
    )

    user = client.users_info(user="UJANE")["user"]

    assert user["tz"] == "America/New_York"
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert user["is_restricted"] is True
    assert user["real_name"] == "Jane Roe"
    assert client.users_lookupByEmail(email="J@x.test")["user"]["id"] == "UJANE"


def test_unknown_users_are_not_found(standin: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="UNOBODY")
    assert raised.value.response["error"] == "user_not_found"
    with pytest.raises(SlackApiError) as raised:
        client.users_lookupByEmail(email="nobody@x.test")
    assert raised.value.response["error"] == "users_not_found"


def test_add_user_refuses_an_unknown_time_zone(standin: SlackStandIn) -> None:
    with pytest.raises(ValueError):
        standin.add_user("UJANE", tz="America/Nowhere")


def test_views_have_ids_and_home_keeps_its_id(standin: SlackStandIn, client: WebClient) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "New case"}, "blocks": []}
    home = {"type": "home", "blocks": [{"type": "divider"}]}

    opened = client.views_open(trigger_id="T.1", view=modal)["view"]
    updated = client.views_update(view_id=opened["id"], view=modal)["view"]
    first_home = client.views_publish(user_id="UJANE", view=home)["view"]
    second_home = client.views_publish(user_id="UJANE", view=home)["view"]

    assert updated["id"] == opened["id"]
    assert first_home["id"] == second_home["id"] != opened["id"]
    assert client.views_push(trigger_id="T.2", view=modal)["view"]["id"] not in (
        opened["id"],
        first_home["id"],
    )


def test_response_url_posts_are_recorded(standin: SlackStandIn) -> None:
    url = standin.response_url("case-help")

    answer = WebhookClient(url).send(text="Usage: /case show <case-no>", response_type="ephemeral")

    assert (answer.status_code, answer.body) == (200, "ok")
    (call,) = standin.calls_to("response_url")
    assert call.key == "case-help"
    assert call.params == {"text": "Usage: /case show <case-no>", "response_type": "ephemeral"}


def test_on_call_sees_every_call() -> None:
    seen: list[Call] = []
    with SlackStandIn(on_call=seen.append) as standin:
        client = WebClient(token=TOKEN, base_url=standin.base_url)
        client.conversations_open(users="UJANE")
        client.chat_postMessage(channel="DUJANE", text="hi")
        assert [c.method for c in seen] == ["conversations.open", "chat.postMessage"]
        assert seen == standin.calls


def test_reset_forgets_calls_and_failures_but_not_users(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_user("UJANE")
    standin.fail("*", status=500, times=2)
    with pytest.raises(SlackApiError):
        client.users_info(user="UJANE")

    standin.reset()

    assert standin.calls == []
    assert client.users_info(user="UJANE")["ok"], "the failure went with the reset; the user stayed"


def test_a_bolt_app_runs_a_signed_slash_command_against_it(standin: SlackStandIn, client: WebClient) -> None:
    # The way casebot's own tests drive the bot: a real App, a signed request, the stand-in as Slack.
    standin.add_user("UJANE")
    app = App(client=client, signing_secret=SIGNING_SECRET)

    @app.command("/case")
    def handle_case(ack: Ack, respond: Respond, client: WebClient, command: dict[str, str]) -> None:
        ack()
        respond(text=f"you said {command['text']}")
        client.chat_postMessage(channel=command["user_id"], text="a DM")

    body = slash_body("/case", "show PI-2041", "UJANE", response_url=standin.response_url("1"))
    response = app.dispatch(BoltRequest(body=body, headers=sign(SIGNING_SECRET, body)))

    assert response.status == 200
    (reply,) = standin.wait_for("response_url")
    assert reply.params["text"] == "you said show PI-2041"
    (dm,) = standin.wait_for("chat.postMessage")
    assert dm.params["channel"] == "UJANE"


def test_a_badly_signed_request_is_refused(standin: SlackStandIn, client: WebClient) -> None:
    app = App(client=client, signing_secret=SIGNING_SECRET)
    body = slash_body("/case", "mine", "UJANE")
    assert app.dispatch(BoltRequest(body=body, headers=sign("another-secret", body))).status == 401


def test_sign_matches_slack_sdk_verifier() -> None:
    body = slash_body("case", "mine", "UJANE")
    headers = sign(SIGNING_SECRET, body, timestamp=1_700_000_000)
    assert "command=%2Fcase" in body
    assert SignatureVerifier(SIGNING_SECRET, clock=_FixedClock(1_700_000_010)).is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )


def test_block_checks_catch_what_slack_would_refuse() -> None:
    assert_valid_blocks([DividerBlock(), {"type": "section", "text": {"type": "mrkdwn", "text": "ok"}}])
    with pytest.raises(AssertionError, match="over Slack's limit of 50"):
        assert_valid_blocks([{"type": "divider"}] * 51)
    with pytest.raises(AssertionError, match="does not recognise"):
        assert_valid_blocks([{"type": "dividr"}])
    long_value = {"type": "button", "text": {"type": "plain_text", "text": "Open"}, "value": "x" * 2001}
    with pytest.raises((AssertionError, SlackObjectFormationError), match="value"):
        assert_valid_blocks([{"type": "actions", "elements": [long_value]}])
    assert_valid_blocks(
        [ActionsBlock(elements=[ButtonElement(text="Open", action_id="open", value="PI-2041")])]
    )


def test_view_checks_catch_what_slack_would_refuse() -> None:
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "New case"},
        "blocks": [{"type": "divider"}],
    }
    assert_valid_view(modal)
    with pytest.raises((AssertionError, SlackObjectFormationError), match="title"):
        assert_valid_view({**modal, "title": {"type": "plain_text", "text": "x" * 25}})
    with pytest.raises((AssertionError, SlackObjectFormationError), match="private_metadata"):
        assert_valid_view({**modal, "private_metadata": "x" * 3001})
    with pytest.raises((AssertionError, SlackObjectFormationError), match="100"):
        assert_valid_view({**modal, "blocks": [{"type": "divider"}] * 101})


class _FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now
