"""`casebot` as a user runs it: a subprocess on a database, without Slack's credentials."""

import os
import subprocess
import sys


def casebot(args, database_url, **env):
    full = {**os.environ, "DATABASE_URL": database_url, **env}
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        full.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "bot.entrypoints.cli", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=60,
    )
