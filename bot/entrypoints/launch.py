"""`make run`: the real bot when Slack credentials are configured, else the console on embedded SQLite."""

from __future__ import annotations

import sys

from bot.entrypoints.cli import main
from bot.settings import Settings, SettingsError


def launch() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"casebot: {exc}", file=sys.stderr)
        return 2
    if settings.has_slack_credentials:
        return main(["run"] if settings.slack_app_token else ["run", "--http"])
    print(
        "No Slack credentials found (SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET), so this is\n"
        "casebot console: the same bot on an embedded SQLite database, with you typing the slash commands.\n"
        "To connect a real workspace, create the app from manifest.yml and fill .env (see docs/operations.md).\n",
        file=sys.stderr,
    )
    return main(["console", "--demo"])


if __name__ == "__main__":
    raise SystemExit(launch())
