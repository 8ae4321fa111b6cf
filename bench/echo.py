"""The baseline for command latency: a bare Bolt app on the bot's own server stack (waitress and Bolt's
WSGI adapter, through bot.entrypoints.app), with one command listener that answers inside its ack and touches nothing,
and (for the morning rush) a button listener that only acks and an app_home_opened listener that does nothing.

    python -m bench.echo --port 3101   (needs SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_BASE_URL)"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import threading

from slack_bolt import Ack, App
from slack_sdk import WebClient


def create_echo_app(signing_secret: str, token: str, base_url: str) -> App:
    app = App(
        client=WebClient(token=token, base_url=base_url),
        signing_secret=signing_secret,
        process_before_response=True,
        name="casebot-echo",
    )

    def handle_echo(ack: Ack, command: dict[str, str]) -> None:
        ack(text=f"echo: {command.get('text', '')}", response_type="ephemeral")

    def handle_click(ack: Ack) -> None:
        ack()

    def handle_event() -> None:
        return None

    for name in ("/case", "/offer"):
        app.command(name)(handle_echo)
    app.action(re.compile(".*"))(handle_click)  # the morning rush's buttons (bench/rush.py)
    app.event("app_home_opened")(handle_event)
    return app


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.echo")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    from bot.entrypoints.app import (
        http_server,  # the very server the bot runs: same waitress settings, same WSGI wrapper
    )

    app = create_echo_app(
        os.environ["SLACK_SIGNING_SECRET"], os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_API_BASE_URL"]
    )
    server = http_server(
        app, signing_secret=os.environ["SLACK_SIGNING_SECRET"], host=args.host, port=args.port
    )
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.close, daemon=True).start())
    with contextlib.suppress(KeyboardInterrupt, OSError):
        server.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
