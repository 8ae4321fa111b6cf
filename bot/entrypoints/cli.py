"""The `casebot` command line: run the bot, the console, and the operator's commands."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from bot.errors import CasebotError
from bot.rules.parsing import parse_amount, parse_day
from bot.settings import Settings, SettingsError


def _day(text: str | None, today: date) -> date | None:
    """`--date` as people type it (11/3, Nov 3, yesterday…), against the firm's today; None when not given."""
    if text is None:
        return None
    try:
        return parse_day(text, today, when="near")
    except CasebotError as exc:
        print(f"casebot: --date: {exc.message}", file=sys.stderr)
        raise SystemExit(2) from exc


def _amount(text: str) -> Decimal:
    try:
        return parse_amount(text)
    except CasebotError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casebot", description="Keeps personal-injury clients informed, by the playbook."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    run = sub.add_parser("run", help="the bot: Socket Mode, or HTTP with --http")
    run.add_argument("--http", action="store_true", help="serve POST /slack/events and GET /healthz")
    run.add_argument("--port", type=int, default=3000)
    run.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default loopback; 0.0.0.0 for all)"
    )
    run.add_argument("--no-scheduler", action="store_true", help="serve Slack only; send no reminders")
    run.add_argument(
        "--smtp-port",
        type=_port,
        default=None,
        metavar="N",
        help="also receive clients' email replies on this port (needs INBOUND_EMAIL_DOMAIN)",
    )

    console = sub.add_parser("console", help="the bot without Slack, in this terminal")
    console.add_argument("--as", dest="as_user", default="U0CONSOLE", help="the Slack user id to act as")
    console.add_argument("--demo", action="store_true", help="add a few demo cases on first run")

    due = sub.add_parser("due", help="obligations due on a day, and overdue")
    due.add_argument("--date", default=None, help="a day: 2026-11-03, 11/3, Nov 3, yesterday, friday…")
    due.add_argument("--user", default=None)
    due.add_argument("--format", choices=("text", "json"), default="text")

    digest = sub.add_parser("digest", help="send (or print) a day's digests now")
    digest.add_argument("--date", default=None, help="a day: 2026-11-03, 11/3, Nov 3, yesterday, friday…")
    digest.add_argument("--dry-run", action="store_true")

    tick = sub.add_parser("tick", help="print what the scheduler would send on a day (--dry-run)")
    tick.add_argument("--dry-run", action="store_true", required=True, help="print; send nothing")
    tick.add_argument(
        "--date", default=None, help="a day: 2026-11-30, 11/30, Nov 30, monday… (default today)"
    )

    imp = sub.add_parser("import", help="bring existing cases in from a CSV file")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true")

    exp = sub.add_parser("export", help="take every case out")
    exp.add_argument("--format", choices=("csv", "json"), default="csv")

    statement = sub.add_parser("statement", help="a case's settlement statement as a PDF file")
    statement.add_argument("case", metavar="case-no")
    statement.add_argument("--gross", type=_amount, required=True, help="the gross settlement, e.g. 47,500")
    statement.add_argument(
        "--litigation-costs", type=_amount, default=None, help="the litigation cost estimate"
    )
    statement.add_argument("--out", required=True, help="the PDF file to write")

    cal = sub.add_parser("calendar", help="limitation dates and claim deadlines as iCalendar (.ics)")
    cal.add_argument("--user", default=None, help="a Slack user id: their open cases (a lead's: every one)")
    cal.add_argument("--out", default=None, help="write to this file instead of standard output")

    db = sub.add_parser("db", help="the database")
    db.add_argument("action", choices=("upgrade",))
    return parser


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535), e.g. 2525")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(
        logging.WARNING
    )  # the statement PDF's font subsetting, glyph by glyph
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"casebot: {exc}", file=sys.stderr)
        return 2
    from bot.services.firm import Firm

    firm = Firm.from_settings(settings)
    firm.db.upgrade()
    if args.command == "db":
        print(f"Database is up to date ({firm.db.engine.url.render_as_string(hide_password=True)}).")
        return 0
    if args.command == "due":
        return _due(firm, _day(args.date, firm.today()), args.user, args.format)
    if args.command == "run":
        from bot.entrypoints.app import run

        return run(
            firm,
            http=args.http,
            host=args.host,
            port=args.port,
            scheduler=not args.no_scheduler,
            smtp_port=args.smtp_port,
        )
    if args.command == "console":
        from bot.entrypoints.console import run_console

        return run_console(firm, as_user=args.as_user, demo=args.demo)
    if args.command == "digest":
        from bot.entrypoints.operator import digest_command

        return digest_command(firm, day=_day(args.date, firm.today()), dry_run=args.dry_run)
    if args.command == "tick":
        from bot.entrypoints.dryrun import print_tick

        return print_tick(firm, _day(args.date, firm.today()), sys.stdout)
    if args.command == "import":
        from bot.entrypoints.operator import import_command

        return import_command(firm, args.file, dry_run=args.dry_run)
    if args.command == "export":
        from bot.entrypoints.operator import export_command

        return export_command(firm, fmt=args.format)
    if args.command == "statement":
        from bot.entrypoints.operator import statement_command

        return statement_command(
            firm, args.case, args.gross, args.out, litigation_costs=args.litigation_costs
        )
    if args.command == "calendar":
        from bot.entrypoints.operator import calendar_command

        return calendar_command(firm, user=args.user, out=args.out)
    return 2  # pragma: no cover - argparse refuses unknown commands


def _due(firm: object, day: date | None, user: str | None, fmt: str) -> int:
    from bot.services.firm import Firm
    from bot.services.obligations import due_for

    assert isinstance(firm, Firm)
    items = due_for(firm, [user] if user else None, day)
    if fmt == "json":
        rows = [
            {
                "case": i.case,
                "client": i.client,
                "manager": i.manager,
                "kind": i.kind,
                "rule": i.rule,
                "due": i.due_on.isoformat(),
                "overdue_days": i.overdue_days,
                "reason": i.reason,
            }
            for i in items
        ]
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    when = day or firm.today()
    if not items:
        print(f"Nothing due by {when:%a %Y-%m-%d}.")
        return 0
    print(f"Due by {when:%a %Y-%m-%d}: {len(items)}")
    for i in items:
        late = (
            f"{i.overdue_days}d overdue"
            if i.overdue_days
            else "due today"
            if i.due_on == when
            else f"due {i.due_on}"
        )
        print(
            f"  {i.case:<12} {i.client[:24]:<24} {i.manager:<12} {i.rule:<4} {i.kind:<9} {late:<14} {i.reason}"
        )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
