"""Onboarding and leaving: `casebot import` brings an existing caseload in from CSV, `casebot export`
takes everything out again (CSV in the import's own columns, or complete JSON).

The import is all or nothing: every row is checked first, every bad row is reported with its line
number, and nothing is saved while any row is bad. It runs as one transaction, and the obligations come
from the same planner the Slack commands use (services.replan), counted from the dates in the file, so a
case entered weeks late keeps its clocks. README.md ("Bringing cases in") describes the columns for the people who fill
them in.

Importing a case number that already exists updates that case. casebot's facts are append-only, so
"update" means: the client's name, the manager, the limitation date (or loss date and state) and the fee
terms take the file's value; the stage moves forward (never back); providers not yet on the case are
added and empty received days are filled; the demand's sent day and adjuster are recorded if the case
has none; a last client contact newer than the case's becomes a logged contact. A value that would
rewrite a recorded fact (a different received day, a different demand day) is kept as recorded and
named in the report. A different treatment-complete day is a bad row: every clock counts from it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot.accounting import FEE_BASES, parse_rate
from bot.errors import CasebotError
from bot.limitation import STATES, limitation_from_loss
from bot.playbook import CLOSED_STAGES, STAGE_ORDER, STAGES, Stage
from bot.services import Firm, Transaction, audit, enter_stage, record_contact, replan
from storage import queries as q
from storage.models import ACTIVE, Case, Contact, DemandEvent, Provider, StageChange

IMPORT_ACTOR = "casebot-import"  # who the audit trail says made an imported change

COLUMNS: tuple[str, ...] = (
    "case_number",  # required: PI-2041
    "client",  # required: the client's name
    "manager",  # required: a Slack user id (U123ABC) or an email known to casebot
    "stage",  # records (default), demand_queue, demand_drafting, demand_sent, negotiation, …
    "treatment_complete",  # YYYY-MM-DD; the case's clocks start here (default: the import day)
    "providers",  # name:requested:records:bills|… (days YYYY-MM-DD, blank when not yet)
    "last_client_contact",  # YYYY-MM-DD
    "demand_sent",  # YYYY-MM-DD
    "adjuster",  # the adjuster's name (goes with the demand)
    "limitation_date",  # YYYY-MM-DD
    "loss_date",  # YYYY-MM-DD: with loss_state, computes the limitation date when it is blank
    "loss_state",  # CA, FL, TX, NY, GA
    "fee_presuit",  # 1/3, 33⅓%, 40%: blank for the firm's default
    "fee_litigation",
    "fee_base",  # gross | net
)
REQUIRED = ("case_number", "client", "manager")
_ALIASES = {
    "case": "case_number",
    "case_no": "case_number",
    "case_#": "case_number",
    "number": "case_number",
    "client_name": "client",
    "treatment_completed": "treatment_complete",
    "treatment_complete_day": "treatment_complete",
    "limitation": "limitation_date",
    "sol": "limitation_date",
    "statute_of_limitations": "limitation_date",
    "last_contact": "last_client_contact",
    "demand_sent_day": "demand_sent",
}
_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_./]{0,39}$")
_SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]+$")
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---------------------------------------------------------------- the file's rows


@dataclass
class ProviderIn:
    name: str
    requested_on: date | None
    records_on: date | None
    bills_on: date | None


@dataclass
class Row:
    line: int
    number: str
    client: str
    manager_ref: str
    stage: Stage | None = None
    treatment_on: date | None = None
    providers: list[ProviderIn] = field(default_factory=list)
    last_contact: date | None = None
    demand_sent: date | None = None
    adjuster: str | None = None
    limitation_on: date | None = None
    loss_on: date | None = None
    loss_state: str | None = None
    fee_presuit: str | None = None
    fee_litigation: str | None = None
    fee_base: str | None = None
    manager: str = ""  # the Slack user id, once resolved

    @property
    def key(self) -> str:
        return self.number.upper()


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, what was kept as recorded)
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rows:
    """Reads and checks the cells of one row, collecting every problem instead of stopping at the first."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.problems: list[str] = []

    def day(self, value: str, column: str, *, past_only: bool = True) -> date | None:
        if not value:
            return None
        try:
            if not _DAY_RE.match(value):
                raise ValueError(value)
            day = date.fromisoformat(value)
        except ValueError:
            self.problems.append(f"{column} “{value[:40]}” is not a day: write it as YYYY-MM-DD")
            return None
        if past_only and day > self.today:
            self.problems.append(f"{column} {value} is in the future (today is {self.today:%Y-%m-%d})")
            return None
        return day


def _split(text: str, sep: str, *, keep_escapes: bool = False) -> list[str]:
    r"""Split on `sep`, honouring backslash escapes (\: \| \\) that export writes into provider names;
    with keep_escapes the parts keep them, for a second split."""
    parts, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append("\\" + ch if keep_escapes else ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _escape(name: str) -> str:
    return name.replace("\\", "\\\\").replace(":", "\\:").replace("|", "\\|")


def _stage(word: str) -> Stage | None:
    key = word.strip().lower().replace("-", "_").replace(" ", "_")
    for stage in Stage:
        if key in (stage.value, stage.value.replace("_", ""), STAGES[stage].label.lower().replace(" ", "_")):
            return stage
    return None


def _providers(text: str, r: _Rows) -> list[ProviderIn]:
    providers: list[ProviderIn] = []
    if not text:
        return providers
    seen: set[str] = set()
    for i, chunk in enumerate(_split(text, "|", keep_escapes=True), start=1):
        if not chunk.strip():
            continue
        fields = _split(chunk, ":")
        name = " ".join(fields[0].split())
        if len(fields) > 4:
            r.problems.append(
                f"provider {i} “{name[:40]}” has {len(fields)} parts: write name:requested:records:bills"
            )
            continue
        fields += [""] * (4 - len(fields))
        if not name or len(name) > 200:
            r.problems.append(f"provider {i} has no name: write name:requested:records:bills")
            continue
        if name.lower() in seen:
            r.problems.append(f"provider “{name[:40]}” is listed twice")
            continue
        seen.add(name.lower())
        what = f"provider “{name[:40]}”"
        requested = r.day(fields[1].strip(), f"{what} requested day")
        records = r.day(fields[2].strip(), f"{what} records day")
        bills = r.day(fields[3].strip(), f"{what} bills day")
        for label, got in (("records", records), ("bills", bills)):
            if got and requested and got < requested:
                r.problems.append(
                    f"{what}: {label} received {got:%Y-%m-%d}, before they were requested {requested:%Y-%m-%d}"
                )
        providers.append(ProviderIn(name, requested, records, bills))
    return providers


def _row_from_cells(line: int, cells: dict[str, str], today: date) -> tuple[Row | None, list[str]]:
    r = _Rows(today)
    number = cells.get("case_number", "")
    client = " ".join(cells.get("client", "").split())
    manager = cells.get("manager", "").strip()
    if not number:
        r.problems.append("case_number is empty")
    elif not _NUMBER_RE.match(number):
        r.problems.append(
            f"case_number “{number[:40]}” is not a case number: letters, digits and dashes, up to 40"
        )
    if not client:
        r.problems.append("client is empty")
    elif len(client) > 200:
        r.problems.append("client is longer than 200 characters")
    manager = manager[2:-1].split("|")[0] if manager.startswith("<@") and manager.endswith(">") else manager
    if not manager:
        r.problems.append("manager is empty: give a Slack user id (U123ABC) or an email")
    elif "@" not in manager and not _SLACK_ID_RE.match(manager.upper()):
        r.problems.append(f"manager “{manager[:40]}” is neither a Slack user id (U123ABC) nor an email")
    stage = None
    if cells.get("stage"):
        stage = _stage(cells["stage"])
        if stage is None:
            r.problems.append(
                f"stage “{cells['stage'][:30]}” is not a stage: {', '.join(s.value for s in Stage)}"
            )
    treatment = r.day(cells.get("treatment_complete", ""), "treatment_complete")
    providers = _providers(cells.get("providers", ""), r)
    last_contact = r.day(cells.get("last_client_contact", ""), "last_client_contact")
    demand = r.day(cells.get("demand_sent", ""), "demand_sent")
    adjuster = " ".join(cells.get("adjuster", "").split())[:200] or None
    limitation = r.day(cells.get("limitation_date", ""), "limitation_date", past_only=False)
    loss = r.day(cells.get("loss_date", ""), "loss_date")
    state = cells.get("loss_state", "").strip().upper() or None
    if state and state not in STATES:
        r.problems.append(
            f"loss_state “{state[:10]}” is not a state casebot knows ({', '.join(STATES)}); "
            "give limitation_date instead"
        )
    if bool(cells.get("loss_date")) != bool(state):
        r.problems.append("loss_date and loss_state go together")
    fees: dict[str, str | None] = {}
    for column, what in (("fee_presuit", "pre-suit fee"), ("fee_litigation", "litigation fee")):
        fees[column] = None
        if cells.get(column):
            try:
                fees[column] = str(parse_rate(cells[column], what=what))
            except CasebotError as exc:
                r.problems.append(f"{column}: {exc.message}")
    base = cells.get("fee_base", "").strip().lower() or None
    if base and base not in FEE_BASES:
        r.problems.append(f"fee_base “{base[:10]}” is gross or net")

    for p in providers:
        early = [d for d in (p.records_on, p.bills_on) if d and treatment and d < treatment]
        if p.requested_on is None and early:
            r.problems.append(
                f"provider “{p.name[:40]}”: give its requested day (something arrived {min(early):%Y-%m-%d}, "
                "before treatment_complete, which a blank requested day stands for)"
            )
    if demand and treatment and demand < treatment:
        r.problems.append(f"demand_sent {demand:%Y-%m-%d} is before treatment_complete {treatment:%Y-%m-%d}")
    if stage is not None and demand and STAGE_ORDER[stage] < STAGE_ORDER[Stage.DEMAND_SENT]:
        r.problems.append(
            f"demand_sent {demand:%Y-%m-%d} says the demand went out, but stage is {stage.value}: "
            "use demand_sent or a later stage"
        )
    if adjuster and not demand:
        r.problems.append("adjuster is recorded with the demand: give demand_sent too")
    if r.problems:
        return None, r.problems
    return Row(
        line=line,
        number=number,
        client=client,
        manager_ref=manager,
        stage=stage,
        treatment_on=treatment,
        providers=providers,
        last_contact=last_contact,
        demand_sent=demand,
        adjuster=adjuster,
        limitation_on=limitation or (limitation_from_loss(loss, state) if loss and state else None),
        loss_on=loss,
        loss_state=state,
        fee_presuit=fees["fee_presuit"],
        fee_litigation=fees["fee_litigation"],
        fee_base=base,
    ), []


def read_rows(text: str, today: date) -> tuple[list[Row], list[tuple[int, str]]]:
    """Every row of the file, and every problem found without the database: (line, message)."""
    errors: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        return [], [(1, "the file is empty: the first line names the columns")]
    except csv.Error as exc:
        return [], [(1, f"the first line can't be read as CSV ({exc})")]
    names = []
    for raw in header:
        name = re.sub(r"[\s\-]+", "_", raw.strip().lower())
        names.append(_ALIASES.get(name, name))
    unknown = [h for h, n in zip(header, names, strict=True) if n not in COLUMNS]
    missing = [c for c in REQUIRED if c not in names]
    twice = sorted({n for n in names if names.count(n) > 1 and n in COLUMNS})
    if unknown:
        errors.append(
            (
                1,
                f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)}; "
                f"the columns are {', '.join(COLUMNS)}",
            )
        )
    if missing:
        errors.append((1, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"))
    if twice:
        errors.append((1, f"column{'s' if len(twice) > 1 else ''} {', '.join(twice)} given twice"))
    if errors:
        return [], errors

    rows: list[Row] = []
    first_line: dict[str, int] = {}
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append((start, f"can't be read as CSV ({exc})"))
            break
        line = start
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(names):
            errors.append(
                (
                    line,
                    f"has {len(cells)} cells but the header names {len(names)} columns "
                    "(a comma inside a value needs quotes)",
                )
            )
            continue
        values = {n: c.strip() for n, c in zip(names, cells, strict=False)}
        row, problems = _row_from_cells(line, values, today)
        label = values.get("case_number", "")[:40]
        for p in problems:
            errors.append((line, f"{label}: {p}" if label else p))
        if row is None:
            continue
        if row.key in first_line:
            errors.append((line, f"{row.number}: the case is already on line {first_line[row.key]}"))
            continue
        first_line[row.key] = line
        rows.append(row)
    return rows, errors


# ---------------------------------------------------------------- checking against the database


def _check_against_firm(
    s: Session, rows: list[Row], existing: dict[str, Case], today: date
) -> list[tuple[int, str]]:
    errors: list[tuple[int, str]] = []
    emails = [r.manager_ref for r in rows if "@" in r.manager_ref]
    by_email = q.staff_by_emails(s, emails)
    ids = [r.manager_ref.upper() for r in rows if "@" not in r.manager_ref]
    by_id = q.staff_by_ids(s, ids)
    for r in rows:
        if "@" in r.manager_ref:
            staff = by_email.get(r.manager_ref.lower())
            if staff is None:
                errors.append(
                    (
                        r.line,
                        f"{r.number}: manager {r.manager_ref} is not an email casebot knows; "
                        "use their Slack user id (U123ABC)",
                    )
                )
                continue
        else:
            staff = by_id.get(r.manager_ref.upper())
        if staff is not None and (staff.is_guest or staff.is_bot or staff.deleted):
            errors.append(
                (
                    r.line,
                    f"{r.number}: manager {r.manager_ref} can't manage cases "
                    "(a guest, a bot or a deactivated account)",
                )
            )
            continue
        r.manager = staff.user_id if staff is not None else r.manager_ref.upper()
        case = existing.get(r.key)
        if case is None:
            if r.demand_sent and r.treatment_on is None and r.demand_sent < today:
                errors.append(
                    (
                        r.line,
                        f"{r.number}: demand_sent {r.demand_sent:%Y-%m-%d} needs the treatment_complete "
                        "day (blank means the import day, which is later)",
                    )
                )
            continue
        if r.treatment_on and r.treatment_on != case.treatment_completed_on:
            errors.append(
                (
                    r.line,
                    f"{r.number}: treatment_complete {r.treatment_on:%Y-%m-%d} differs from the "
                    f"case's {case.treatment_completed_on:%Y-%m-%d}; casebot counts every clock from "
                    "that day, so it is not changed by an import",
                )
            )
        target = _target_stage(r, Stage(case.stage))
        has_sent = any(d.kind == "sent" for d in case.demand_events)
        if (
            r.demand_sent
            and not has_sent
            and case.closed_on is None
            and STAGE_ORDER[Stage(case.stage)] < STAGE_ORDER[Stage.DEMAND_SENT] <= STAGE_ORDER[target]
            and r.demand_sent < case.stage_entered_on
        ):
            errors.append(
                (
                    r.line,
                    f"{r.number}: demand_sent {r.demand_sent:%Y-%m-%d} is before the case entered "
                    f"{case.stage} on {case.stage_entered_on:%Y-%m-%d}",
                )
            )
    return errors


def _target_stage(r: Row, current: Stage = Stage.RECORDS) -> Stage:
    """Where the row puts the case: its stage; else demand_sent when it gives a demand day; else as is."""
    if r.stage is not None:
        return r.stage
    if r.demand_sent and STAGE_ORDER[current] < STAGE_ORDER[Stage.DEMAND_SENT]:
        return Stage.DEMAND_SENT
    return current


# ---------------------------------------------------------------- writing


class _DryRun(Exception):
    """Raised at the end of a dry run, so that the transaction rolls back."""


def _stage_path(r: Row, start: Stage, start_on: date, today: date) -> list[tuple[Stage, date]]:
    """The stage entries that take a case from `start` to the row's stage: the demand_sent stage on the
    demand day when the row passes through it, the final stage on the import day."""
    target = _target_stage(r, start)
    if target == start or STAGE_ORDER[target] < STAGE_ORDER[start] or start in CLOSED_STAGES:
        return []
    path: list[tuple[Stage, date]] = []
    sent = Stage.DEMAND_SENT
    if r.demand_sent and STAGE_ORDER[start] < STAGE_ORDER[sent] <= STAGE_ORDER[target]:
        path.append((sent, max(r.demand_sent, start_on)))
    if target != sent or not path:
        path.append((target, max(today, start_on)))
    return path


def _insurer_answered(stage: Stage) -> bool:
    """A case imported at negotiation or later has had offers: the insurer answered the demand. The file
    has no acknowledgment day, so the import records it on the import day, which closes the adjuster
    check (R7) and the no-acknowledgment task (R8) instead of leaving them weeks overdue."""
    return stage in (Stage.NEGOTIATION, Stage.FINAL_OFFER, Stage.SETTLEMENT)


def _new_case(s: Session, firm: Firm, r: Row, today: date) -> Case:
    day = r.treatment_on or today
    case = Case(
        number=r.number.upper(),
        number_key=r.key,
        client_name=r.client,
        manager_id=r.manager,
        stage=Stage.RECORDS.value,
        stage_entered_on=day,
        treatment_completed_on=day,
        limitation_on=r.limitation_on,
        loss_on=r.loss_on,
        loss_state=r.loss_state,
        fee_presuit=r.fee_presuit,
        fee_litigation=r.fee_litigation,
        fee_base=r.fee_base,
        last_client_contact_on=r.last_contact,
        created_at=firm.now(),
    )
    return case


def _fill_new_case(s: Session, firm: Firm, case: Case, r: Row, today: date) -> None:

    now, day = firm.now(), case.treatment_completed_on
    entries = [(Stage.RECORDS, day), *_stage_path(r, Stage.RECORDS, day, today)]
    for seq, (stage, on) in enumerate(entries, start=1):
        case.stages.append(
            StageChange(
                seq=seq,
                from_stage=entries[seq - 2][0].value if seq > 1 else None,
                to_stage=stage.value,
                on=on,
                by=IMPORT_ACTOR,
                reason="case created" if seq == 1 else "imported",
                at=now,
            )
        )
    last_stage, last_on = entries[-1]
    case.stage, case.stage_entered_on = last_stage.value, last_on
    case.closed_on = last_on if last_stage in CLOSED_STAGES else None
    for seq, p in enumerate(r.providers, start=1):
        case.providers.append(
            Provider(
                seq=seq,
                name=p.name,
                requested_on=p.requested_on or day,
                records_on=p.records_on,
                bills_on=p.bills_on,
            )
        )
    if r.last_contact:
        case.contacts.append(
            Contact(
                kind="client",
                on=r.last_contact,
                note="last client contact (imported)",
                by=IMPORT_ACTOR,
                at=now,
            )
        )
    if r.demand_sent:
        case.demand_events.append(
            DemandEvent(kind="sent", on=r.demand_sent, adjuster=r.adjuster, by=IMPORT_ACTOR, at=now)
        )
        if _insurer_answered(last_stage):
            case.demand_events.append(DemandEvent(kind="ack", on=today, by=IMPORT_ACTOR, at=now))
    audit(
        s,
        firm,
        case,
        IMPORT_ACTOR,
        "import",
        created=True,
        line=r.line,
        manager=r.manager,
        stage=last_stage.value,
        on=day,
        limitation_on=r.limitation_on,
    )


def _update_case(
    s: Session, firm: Firm, case: Case, r: Row, today: date, note: Callable[[str], None]
) -> dict[str, Any]:
    """Apply the row to an existing case as the module's docstring says; the changes made, by name."""

    changed: dict[str, Any] = {}
    now = firm.now()
    if r.client != case.client_name:
        changed["client"], case.client_name = r.client, r.client
    if r.manager != case.manager_id:
        changed["manager"] = {"from": case.manager_id, "to": r.manager}
        case.manager_id = r.manager
        for ob in case.obligations:
            if ob.state in ACTIVE:
                ob.manager_id = r.manager
    for name, value in (
        ("limitation_on", r.limitation_on),
        ("loss_on", r.loss_on),
        ("loss_state", r.loss_state),
        ("fee_presuit", r.fee_presuit),
        ("fee_litigation", r.fee_litigation),
        ("fee_base", r.fee_base),
    ):
        if value is not None and getattr(case, name) != value:
            changed[name] = value.isoformat() if isinstance(value, date) else value
            setattr(case, name, value)

    known = {p.name.lower(): p for p in case.providers}
    seq = max((p.seq for p in case.providers), default=0)
    for p in r.providers:
        stored = known.get(p.name.lower())
        if stored is None:
            seq += 1
            case.providers.append(
                Provider(
                    seq=seq,
                    name=p.name,
                    requested_on=p.requested_on or case.treatment_completed_on,
                    records_on=p.records_on,
                    bills_on=p.bills_on,
                )
            )
            changed.setdefault("providers_added", []).append(p.name)
            continue
        for what in ("records_on", "bills_on"):
            given, have = getattr(p, what), getattr(stored, what)
            if given is None or given == have:
                continue
            if have is None and given >= stored.requested_on:
                setattr(stored, what, given)
                changed.setdefault("providers_received", []).append(
                    f"{stored.name} {what[:-3]} {given:%Y-%m-%d}"
                )
            else:
                note(
                    f"{stored.name}: {what[:-3]} kept as {have or 'not received'} (the file says {given:%Y-%m-%d})"
                )
        if p.requested_on and p.requested_on != stored.requested_on:
            note(
                f"{stored.name}: requested day kept as {stored.requested_on:%Y-%m-%d} (the file says {p.requested_on:%Y-%m-%d})"
            )

    current = Stage(case.stage)
    sent = [d for d in case.demand_events if d.kind == "sent"]
    target = _target_stage(r, current)
    if case.closed_on is not None and target != current:
        note(f"closed as {current.value}: the stage is kept (the file says {target.value})")
    elif STAGE_ORDER[target] < STAGE_ORDER[current]:
        note(
            f"stage kept at {current.value}: an import never moves a case back (the file says {target.value})"
        )
    if (
        r.demand_sent
        and not sent
        and STAGE_ORDER[max(target, current, key=STAGE_ORDER.__getitem__)] >= STAGE_ORDER[Stage.DEMAND_SENT]
        and case.closed_on is None
    ):
        case.demand_events.append(
            DemandEvent(kind="sent", on=r.demand_sent, adjuster=r.adjuster, by=IMPORT_ACTOR, at=now)
        )
        changed["demand_sent"] = r.demand_sent.isoformat()
    elif r.demand_sent and sent and sent[0].on != r.demand_sent:
        note(f"demand kept as sent {sent[0].on:%Y-%m-%d} (the file says {r.demand_sent:%Y-%m-%d})")
    elif r.demand_sent and sent and r.adjuster:
        rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
        if r.adjuster.lower() not in {(d.adjuster or "").lower() for d in rounds}:
            if rounds[-1].adjuster is None:
                rounds[-1].adjuster = r.adjuster
                changed["adjuster"] = r.adjuster
            else:
                note(f"adjuster kept as {rounds[-1].adjuster} (the file says {r.adjuster})")
    if case.closed_on is None:
        for stage, on in _stage_path(r, current, case.stage_entered_on, today):
            enter_stage(s, firm, case, stage, on, IMPORT_ACTOR, "imported")
            changed["stage"] = stage.value
        has_demand = bool(sent) or "demand_sent" in changed
        no_ack = not any(d.kind == "ack" for d in case.demand_events)
        if (
            ("stage" in changed or "demand_sent" in changed)
            and has_demand
            and no_ack
            and _insurer_answered(Stage(case.stage))
        ):
            case.demand_events.append(DemandEvent(kind="ack", on=today, by=IMPORT_ACTOR, at=now))
            changed["demand_ack"] = today.isoformat()

    if r.last_contact and (
        case.last_client_contact_on is None or r.last_contact > case.last_client_contact_on
    ):
        record_contact(
            s, firm, case, IMPORT_ACTOR, "client", r.last_contact, "last client contact (imported)"
        )
        changed["last_client_contact"] = r.last_contact.isoformat()
    return changed


def import_cases(firm: Firm, text: str, *, dry_run: bool = False, source: str = "the file") -> ImportReport:
    """Check every row, then (when all are good) create or update every case in one transaction."""

    started = time.perf_counter()
    today = firm.today()
    report = ImportReport(source=source, dry_run=dry_run)
    rows, errors = read_rows(text, today)
    report.rows = len(rows) + len({line for line, _ in errors if line > 1})
    try:
        with Transaction(firm) as s:
            existing = q.cases_by_keys(s, [r.key for r in rows], for_update=True)
            errors += _check_against_firm(s, rows, existing, today)
            if errors:
                report.errors = sorted(errors, key=lambda e: e[0])
                raise _DryRun
            fresh = [(r, _new_case(s, firm, r, today)) for r in rows if r.key not in existing]
            s.add_all([c for _, c in fresh])
            s.flush()
            for r, case in fresh:
                _fill_new_case(s, firm, case, r, today)
            s.flush()
            for _, case in fresh:
                replan(s, firm, case, IMPORT_ACTOR)
                report.created.append(case.number)
            for r in rows:
                known = existing.get(r.key)
                if known is None:
                    continue

                def note(text: str, r: Row = r, case: Case = known) -> None:
                    report.notes.append((r.line, f"{case.number}: {text}"))

                changed = _update_case(s, firm, known, r, today, note)
                if changed:
                    audit(s, firm, known, IMPORT_ACTOR, "import", line=r.line, changed=changed)
                    replan(s, firm, known, IMPORT_ACTOR)
                    report.updated.append(known.number)
                else:
                    report.unchanged.append(known.number)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    report.seconds = time.perf_counter() - started
    return report


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


# ---------------------------------------------------------------- export


def _iso(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(obj: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    return {c.key: _iso(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip}


def csv_row(case: Case) -> dict[str, str]:
    """A case in the import's columns: importing it again changes nothing."""
    rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
    sent = next((d for d in case.demand_events if d.kind == "sent"), None)
    adjuster = next((d.adjuster for d in reversed(rounds) if d.adjuster), None)
    day = lambda d: d.isoformat() if d else ""  # noqa: E731
    providers = "|".join(
        f"{_escape(p.name)}:{day(p.requested_on)}:{day(p.records_on)}:{day(p.bills_on)}"
        for p in case.providers
    )
    return {
        "case_number": case.number,
        "client": case.client_name,
        "manager": case.manager_id,
        "stage": case.stage,
        "treatment_complete": day(case.treatment_completed_on),
        "providers": providers,
        "last_client_contact": day(case.last_client_contact_on),
        "demand_sent": day(sent.on if sent else None),
        "adjuster": adjuster or "",
        "limitation_date": day(case.limitation_on),
        "loss_date": day(case.loss_on),
        "loss_state": case.loss_state or "",
        "fee_presuit": case.fee_presuit or "",
        "fee_litigation": case.fee_litigation or "",
        "fee_base": case.fee_base or "",
    }


def export_csv(firm: Firm) -> str:

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    with Transaction(firm) as s:
        for case in q.all_cases(s):
            writer.writerow(csv_row(case))
    return out.getvalue()


def export_data(firm: Firm) -> dict[str, Any]:
    """Everything casebot holds: every case with all its facts, obligations and audit trail, and the staff."""

    with Transaction(firm) as s:
        audit: dict[int | None, list[dict[str, Any]]] = {}
        for entry in q.all_audit(s):
            audit.setdefault(entry.case_id, []).append(_columns(entry, ("case_id",)))
        cases = []
        for case in q.all_cases(s):
            data = _columns(case)
            data.update(
                stages=[_columns(x, ("case_id",)) for x in case.stages],
                providers=[_columns(x, ("case_id",)) for x in case.providers],
                contacts=[_columns(x, ("case_id",)) for x in case.contacts],
                demand_events=[_columns(x, ("case_id",)) for x in case.demand_events],
                offers=[_columns(x, ("case_id",)) for x in case.offers],
                holdups=[_columns(x, ("case_id",)) for x in case.holdups],
                obligations=[_columns(x, ("case_id",)) for x in case.obligations],
                audit=audit.get(case.id, []),
            )
            cases.append(data)
        staff = [_columns(x) for x in q.all_staff(s)]
    return {
        "exported_at": firm.now().isoformat(),
        "firm_timezone": firm.settings.firm_timezone,
        "cases": cases,
        "staff": staff,
        "audit": audit.get(None, []),
    }


def export_command(firm: Firm, *, fmt: str = "csv") -> int:
    """`casebot export [--format csv|json]`, to stdout."""
    if fmt == "json":
        json.dump(export_data(firm), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(export_csv(firm))
    return 0
