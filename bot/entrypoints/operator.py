"""The operator's commands: `casebot digest`, `casebot import` and `casebot export`."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

# Limitation alerts, the weekly chart and the digest's flags; importing it registers their renderers.
from bot.delivery.digests import claim_digests, digest_key, digest_recipients, digest_text, preview_digests
from bot.delivery.ports import (
    Notifier,
)
from bot.delivery.sending import send_pending
from bot.errors import CasebotError
from bot.services.exports import export_csv, export_data
from bot.services.firm import Firm
from bot.services.imports import import_cases
from storage import queries as q
from storage.locks import SenderLock


def _default_notifier(firm: Firm) -> Notifier:
    # The composition root's choice; the core knows only the port.
    from handlers.slack.notifier import SlackNotifier

    return SlackNotifier.from_settings(firm.settings)


def digest_command(
    firm: Firm,
    day: date | None = None,
    dry_run: bool = False,
    *,
    notifier: Notifier | None = None,
    out: Any = None,
) -> int:
    """`casebot digest [--date] [--dry-run]`: send (or print) that day's digests now, whatever the hour.
    A digest already claimed for a person and day is not sent again; running it twice sends nothing new."""
    out = out or sys.stdout
    day = day or firm.today()
    if dry_run:
        previews = preview_digests(firm, day)
        with firm.db.uow() as s:
            taken = q.existing_delivery_keys(s, (digest_key(m.user_id, day) for m in previews))
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
            pending = [
                d.key
                for d in q.deliveries_by_keys(s, [digest_key(u, day) for u in digest_recipients(firm, day)])
                if d.state == "pending"
            ]
        # Asked for explicitly, so a past day's digest goes out too (the tick would let it expire).
        report = send_pending(firm, notifier, only=set(claimed) | set(pending), expire=False)
    finally:
        sender.release()
    print(
        f"{report.sent} digest(s) sent for {day:%a %Y-%m-%d}"
        + (f", {report.retrying} will be retried by the running bot" if report.retrying else "")
        + (f", {report.failed} failed" if report.failed else "")
        + ".",
        file=out,
    )
    return 1 if report.failed or report.retrying else 0


def import_command(firm: Firm, path: str, *, dry_run: bool = False) -> int:
    """`casebot import <file.csv> [--dry-run]`: 0 imported, 1 refused (bad rows), 2 unreadable file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"casebot import: can't read {path}: {exc}", file=sys.stderr)
        return 2
    try:
        report = import_cases(firm, text, dry_run=dry_run, source=file.name)
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


def export_command(firm: Firm, *, fmt: str = "csv") -> int:
    """`casebot export [--format csv|json]`, to stdout."""
    if fmt == "json":
        json.dump(export_data(firm), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(export_csv(firm))
    return 0
