"""manifest.yml passes Slack's published schema and asks for exactly the scopes casebot uses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
# Everything the tests read is in the repository: Slack's schema (see docs/slack/SOURCE.md) and our contract.
SCHEMA = REPO / "docs" / "slack" / "manifest.schema.1.0.0.json"
COMMANDS = REPO / "docs" / "commands.md"
EVENTS_URL = "https://casebot.example.com/slack/events"
EXPECTED_BOT_SCOPES = {"commands", "chat:write", "im:write", "users:read", "users:read.email", "files:write"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO / "manifest.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_manifest_matches_slack_schema(manifest: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(manifest), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_commands_escape_mentions_and_list_every_subcommand(manifest: dict[str, Any]) -> None:
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/case", "/offer"}
    contract = COMMANDS.read_text(encoding="utf-8")
    for name, command in commands.items():
        # Without escaping, Slack sends "@jane" instead of <@U123>, and names are neither unique nor stable.
        assert command["should_escape"] is True, name
        assert command["url"] == EVENTS_URL
        subcommands = set(re.findall(rf"`{name} ([a-z-]+)", contract))
        assert subcommands, f"docs/commands.md names no {name} subcommands"
        missing = {s for s in subcommands if not re.search(rf"\b{s}\b", command["usage_hint"])}
        assert not missing, f"{name} usage_hint leaves out {sorted(missing)}"


def test_bot_scopes_are_exactly_what_casebot_uses(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]
    assert set(scopes) == {"bot"}, "casebot acts only as its bot user"
    assert len(scopes["bot"]) == len(set(scopes["bot"]))
    assert set(scopes["bot"]) == EXPECTED_BOT_SCOPES


def test_features_and_settings(manifest: dict[str, Any]) -> None:
    features, settings = manifest["features"], manifest["settings"]
    assert manifest["display_information"]["name"] == "casebot"
    assert features["bot_user"]["display_name"] == "casebot"
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True
    assert settings["interactivity"] == {"is_enabled": True, "request_url": EVENTS_URL}
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "user_change",
        "app_uninstalled",
        "tokens_revoked",
    }
    assert settings["socket_mode_enabled"] is True
    assert settings["token_rotation_enabled"] is False
