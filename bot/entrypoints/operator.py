"""The operator's commands: `casebot digest`, `casebot import`, `casebot export`, `casebot statement` and
`casebot calendar`."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

# Limitation alerts, the weekly chart and the digest's flags; importing it registers their renderers.
from bot.delivery.digests import claim_digests, digest_key, digest_recipients, digest_text, preview_digests
from bot.delivery.ports import (
    Notifier,
)
from bot.delivery.sending import send_pending
from bot.errors import CasebotError
from bot.rules.parsing import money
from bot.rules.said import names_a_command
from bot.services.accounting import settlement_sheet
from bot.services.exports import export_csv, export_data
from bot.services.firm import Firm
from bot.services.imports import ImportReport
from bot.services.imports import import_cases as import_rows
from bot.services.people import Directory
from handlers.parse import manager_cell
from storage import deliveries
from storage.locks import SenderLock
from storage.models import Delivery


def _default_notifier(firm: Firm) -> Notifier:
    # The composition root's choice; the core knows only the port.
    from handlers.slack.notifier import SlackNotifier

    return SlackNotifier.from_settings(firm.settings)


# How long one `casebot digest` run keeps trying what Slack turned away for a moment (429, 5xx, network):
# long enough to wait out a burst, short enough for a cron job or a person at a terminal.
DIGEST_PATIENCE = timedelta(minutes=3)
RETRY_FIRST = timedelta(seconds=2)
RETRY_MOST = timedelta(seconds=30)


def retry_soon(attempts: int, retry_after: float | None) -> timedelta:
    """Within the command: Slack's Retry-After when it gives one, else 2 s doubling up to 30 s."""
    wait: timedelta = min(RETRY_FIRST * (2 ** max(attempts - 1, 0)), RETRY_MOST)
    return max(wait, timedelta(seconds=retry_after or 0))


def digest_command(
    firm: Firm,
    day: date | None = None,
    dry_run: bool = False,
    *,
    notifier: Notifier | None = None,
    out: Any = None,
    sleep: Callable[[float], None] = time.sleep,
    patience: timedelta = DIGEST_PATIENCE,
) -> int:
    """`casebot digest [--date] [--dry-run]`: send (or print) that day's digests now, whatever the hour.
    A digest already claimed for a person and day is not sent again; running it twice sends nothing new.

    What Slack turns away for a moment is tried again within the command (after Retry-After when Slack
    says), for at most `patience`: a single run during a burst of 429s or 500s still delivers each digest
    once. Exit 0 when every digest went out; 1 when some are still pending or failed, and the last line
    says which and why."""
    out = out or sys.stdout
    day = day or firm.today()
    if dry_run:
        previews = preview_digests(firm, day)
        with firm.db.uow() as s:
            taken = deliveries.existing_delivery_keys(s, (digest_key(m.user_id, day) for m in previews))
        for m in previews:
            note = "  (already sent; would not be sent again)" if digest_key(m.user_id, day) in taken else ""
            print(digest_text(m) + note, file=out)
        print(f"{len(previews)} digest(s) for {day:%a %Y-%m-%d}; dry run, nothing sent.", file=out)
        return 0
    if notifier is None:
        if not firm.settings.slack_bot_token:
            print("casebot digest: SLACK_BOT_TOKEN is not set; use --dry-run to print the digests.", file=out)
            return 2
        notifier = _default_notifier(firm)
    claimed = claim_digests(firm, firm.now(), day=day)
    sender = SenderLock(firm.db.engine)
    if not sender.acquire():
        # Only the holder of the sender lock sends (see take_over); the running bot delivers what was claimed.
        print(
            f"{len(claimed)} digest(s) claimed for {day:%a %Y-%m-%d}; another casebot process is the sender "
            "and delivers them on its next tick.",
            file=out,
        )
        return 0
    try:
        with firm.db.uow() as s:
            keys = set(claimed) | {
                d.key
                for d in deliveries.deliveries_by_keys(
                    s, [digest_key(u, day) for u in digest_recipients(firm, day)]
                )
                if d.state == "pending"
            }
        sent, failed, waiting = _send_patiently(firm, notifier, keys, sleep, patience)
    finally:
        sender.release()
    line = f"{sent} digest(s) sent for {day:%a %Y-%m-%d}"
    if failed:
        line += f"; {len(failed)} failed for good ({_why(failed)})"
    if waiting:
        line += (
            f"; {len(waiting)} still pending after retrying for up to {_minutes(patience)} ({_why(waiting)}): "
            "a running casebot sends them on its next tick, or run `casebot digest` again"
        )
    print(line + ".", file=out)
    return 1 if failed or waiting else 0


def _send_patiently(
    firm: Firm, notifier: Notifier, keys: set[str], sleep: Callable[[float], None], patience: timedelta
) -> tuple[int, list[Delivery], list[Delivery]]:
    """Send these deliveries, waiting out transient failures until each is sent, failed for good, or the
    patience runs out. Answers (sent, failed, still pending)."""
    deadline = firm.now() + patience
    sent = 0
    for _ in range(1000):  # a bound on rounds too, should the clock stand still
        report = send_pending(firm, notifier, only=keys, expire=False, retry_in=retry_soon)
        sent += report.sent
        with firm.db.uow() as s:
            rows = deliveries.deliveries_by_keys(s, keys)
            s.expunge_all()
        failed = [d for d in rows if d.state == "failed"]
        waiting = [d for d in rows if d.state == "pending"]
        if not waiting:
            return sent, failed, []
        now = firm.now()
        next_try = min(_aware(d.next_try_at) if d.next_try_at else now for d in waiting)
        if next_try > deadline:
            return sent, failed, waiting
        pause = (next_try - now).total_seconds()
        if pause > 0:
            sleep(pause)
    return sent, failed, waiting


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _why(rows: list[Delivery]) -> str:
    """ "U1, U2: ratelimited (HTTP 429)": whose digests, and what Slack last said."""
    who = ", ".join(d.user_id for d in rows[:5]) + (" …" if len(rows) > 5 else "")
    reasons = sorted({(d.last_error or "no answer from Slack yet")[:120] for d in rows})
    return f"{who}: " + "; ".join(reasons[:3])


def _minutes(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    return f"{seconds // 60} min" if seconds >= 60 and seconds % 60 == 0 else f"{seconds} s"


def import_cases(
    firm: Firm,
    text: str,
    *,
    dry_run: bool = False,
    source: str = "the file",
    directory: Directory | None = None,
) -> ImportReport:
    """Import a CSV whose manager column may also hold Slack's mentions (`<@U123|dana>`), as copied from
    Slack: handlers/ reads those, the import service takes user ids and emails."""
    return import_rows(firm, text, dry_run=dry_run, source=source, directory=directory, person=manager_cell)


def import_command(
    firm: Firm, path: str, *, dry_run: bool = False, directory: Directory | None = None
) -> int:
    """`casebot import <file.csv> [--dry-run]`: 0 imported, 1 refused (bad rows), 2 unreadable file. The
    managers are asked of Slack (SLACK_BOT_TOKEN) and refused unless full members of the workspace."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"casebot import: can't read {path}: {exc}", file=sys.stderr)
        return 2
    if directory is None and firm.settings.slack_bot_token:
        from handlers.slack.notifier import SlackNotifier

        directory = SlackNotifier.from_settings(firm.settings)
    if directory is None:
        print(
            "casebot import: SLACK_BOT_TOKEN is not set, so managers casebot has never seen are not checked "
            "with Slack, and managers named by email can't be looked up.",
            file=sys.stderr,
        )
    try:
        report = import_cases(firm, text, dry_run=dry_run, source=file.name, directory=directory)
    except CasebotError as exc:
        print(f"casebot import: {exc}", file=sys.stderr)
        return 2
    if report.errors:
        for line, message in report.errors:
            print(f"{file.name} line {line}: {message}", file=sys.stderr)
        bad = len({line for line, _ in report.errors})
        print(
            f"Nothing was imported: {bad} bad row{'s' if bad != 1 else ''} (of {report.rows}). "
            "Fix them and run the import again.",
            file=sys.stderr,
        )
        return 1
    for line, message in report.notes:
        print(f"{file.name} line {line}: kept: {message}")
    counts = f"{len(report.created)} new, {len(report.updated)} updated, {len(report.unchanged)} unchanged"
    total = len(report.created) + len(report.updated) + len(report.unchanged)
    if dry_run:
        print(
            f"Dry run of {file.name}: all {total} rows are good; it would make {counts}. Nothing was saved."
        )
    else:
        print(
            f"Imported {file.name}: {total} case{'s' if total != 1 else ''} ({counts}) in {report.seconds:.1f} s."
        )
    return 0


def statement_command(
    firm: Firm, number: str, gross: Decimal, out: str, *, litigation_costs: Decimal | None = None
) -> int:
    """`casebot statement <case-no> --gross <amount> [--litigation-costs <amount>] --out <file.pdf>`: the same
    PDF `/case statement` sends, written to a file. 0 written, 1 refused, 2 the file could not be written."""
    try:
        sheet = settlement_sheet(firm, "", number, gross, litigation_costs=litigation_costs, operator=True)
    except CasebotError as exc:
        example = f" (e.g. {exc.example})" if exc.example and not names_a_command(exc.example) else ""
        print(f"casebot statement: {exc.message}{example}", file=sys.stderr)
        return 1
    from bot.delivery.statement_pdf import render_statement  # fpdf2: loaded by the command that draws one

    today = firm.today()
    pdf = render_statement(
        sheet, firm_name=firm.settings.firm_name, prepared_on=today, timezone=firm.settings.firm_timezone
    )
    try:
        Path(out).write_bytes(pdf)
    except OSError as exc:
        print(f"casebot statement: can't write {out}: {exc}", file=sys.stderr)
        return 2
    s = sheet.statement
    shown = ", ".join(f"{c.side.label.lower()} {money(c.side.net_to_client)}" for c in sheet.columns)
    print(f"Wrote {out}: the settlement statement of {s.case}, net to the client {shown}.")
    return 0


def export_command(firm: Firm, *, fmt: str = "csv") -> int:
    """`casebot export [--format csv|json]`, to stdout."""
    if fmt == "json":
        json.dump(export_data(firm), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(export_csv(firm))
    return 0


def calendar_command(firm: Firm, *, user: str | None = None, out: str | None = None) -> int:
    """`casebot calendar [--user <id>] [--out <file.ics>]`: the deadlines as iCalendar, to the file or stdout."""
    from bot.delivery.calendar_feed import build_calendar
    from bot.services.calendars import deadlines_for

    try:
        deadlines = deadlines_for(firm, user)
        feed = build_calendar(deadlines, now=firm.now())
        count = len(deadlines)
    except CasebotError as exc:
        print(f"casebot calendar: {exc}", file=sys.stderr)
        return 2
    if out is None:
        sys.stdout.write(feed.decode("utf-8"))
        return 0
    try:
        Path(out).write_bytes(feed)
    except OSError as exc:
        print(f"casebot calendar: can't write {out}: {exc.strerror}", file=sys.stderr)
        return 2
    whose = f"<{user}>'s open cases" if user else "every open case"
    print(f"Wrote {count} deadline{'s' if count != 1 else ''} of {whose} to {out}.", file=sys.stderr)
    return 0
