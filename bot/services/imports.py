"""`casebot import`: rows read from a CSV brought into the firm in one transaction, all or nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot.rules.playbook import CLOSED_STAGES, STAGE_ORDER, Kind, Stage
from bot.services.changes import audit, replan
from bot.services.firm import Firm, Transaction
from bot.services.import_client_rows import IMPORT_ACTOR
from bot.services.import_clients import apply_client
from bot.services.import_ledger import (
    add_imported_cost,
    add_imported_lien,
    add_rounds,
    bill_columns,
    rounds_of,
)
from bot.services.import_rows import Row, as_written, read_rows
from bot.services.import_update import insurer_answered, stage_path, target_stage, update_case
from bot.services.people import Directory, info_is_stale, remember_person
from storage import queries as q
from storage.models import Case, Contact, DemandEvent, Provider, StageChange


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


@dataclass
class Managers:
    """What Slack says about the managers a file names, asked before the import's transaction: by email
    (the user id it stands for; the email itself is never stored) and the ids Slack does not know."""

    by_email: dict[str, str] = field(default_factory=dict)  # lower-cased email -> user id
    unknown_ids: set[str] = field(default_factory=set)
    asked: bool = False  # False: no Slack to ask (no bot token); only what casebot already knows counts


def ask_about_managers(firm: Firm, rows: list[Row], directory: Directory | None) -> Managers:
    """Ask Slack about every manager the file names that casebot has not checked within a day (cached in
    the staff table, like everyone casebot meets)."""
    found = Managers(asked=directory is not None)
    if directory is None:
        return found
    ids = sorted({r.manager_ref.upper() for r in rows if "@" not in r.manager_ref})
    with Transaction(firm, write=False) as s:
        known = q.staff_by_ids(s, ids)
    now = firm.now()
    infos = []
    for email in sorted({r.manager_ref.lower() for r in rows if "@" in r.manager_ref}):
        info = directory.person_by_email(email)
        if info is not None:
            found.by_email[email] = info.user_id
            infos.append(info)
    for user in ids:
        staff = known.get(user)
        if staff is not None and not info_is_stale(staff.info_fetched_at, now):
            continue
        info = directory.person(user)
        if info is None:
            found.unknown_ids.add(user)
        else:
            infos.append(info)
    for info in infos:
        remember_person(
            firm,
            info.user_id,
            name=info.name,
            tz=info.tz,
            is_guest=info.is_guest,
            is_bot=info.is_bot,
            deleted=info.deleted,
            external=info.external,
        )
    return found


def _check_against_firm(
    s: Session, rows: list[Row], existing: dict[str, Case], today: date, managers: Managers
) -> list[tuple[int, str]]:
    errors: list[tuple[int, str]] = []
    ids = [managers.by_email.get(r.manager_ref.lower(), "") for r in rows if "@" in r.manager_ref]
    ids += [r.manager_ref.upper() for r in rows if "@" not in r.manager_ref]
    by_id = q.staff_by_ids(s, ids)
    for r in rows:
        if "@" in r.manager_ref:
            user = managers.by_email.get(r.manager_ref.lower())
            if user is None:
                why = (
                    "is not the email of anyone in the firm's Slack"
                    if managers.asked
                    else "is an email, and casebot can't ask Slack whose (SLACK_BOT_TOKEN is not set)"
                )
                errors.append((r.line, f"{r.number}: manager {r.manager_ref} {why}; use their Slack user id"))
                continue
        else:
            user = r.manager_ref.upper()
            if user in managers.unknown_ids:
                errors.append(
                    (r.line, f"{r.number}: manager {r.manager_ref} is not anyone in the firm's Slack")
                )
                continue
        staff = by_id.get(user)
        if staff is not None and not staff.full_member:
            errors.append(
                (
                    r.line,
                    f"{r.number}: manager {r.manager_ref} can't manage cases (a guest, a bot, a deactivated "
                    "account or someone of another workspace)",
                )
            )
            continue
        r.manager = user
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
        target = target_stage(r, Stage(case.stage))
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


class _DryRun(Exception):
    """Raised at the end of a dry run, so that the transaction rolls back."""


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
        loss_motor=bool(r.loss_motor),
        public_entity=bool(r.public_entity),
        claim_deadline_on=r.claim_deadline_on,
        fee_presuit=r.fee_presuit,
        fee_litigation=r.fee_litigation,
        fee_base=r.fee_base,
        last_client_contact_on=r.last_contact,
        created_at=firm.now(),
    )
    return case


def _fill_new_case(s: Session, firm: Firm, case: Case, r: Row, today: date) -> None:

    now, day = firm.now(), case.treatment_completed_on
    entries = [(Stage.RECORDS, day), *stage_path(r, Stage.RECORDS, day, today)]
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
                via="import",
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
                **bill_columns(p, today),
            )
        )
    for lien in r.liens:
        add_imported_lien(case, lien)
    for cost in r.costs:
        add_imported_cost(case, cost)
    if r.last_contact:
        case.contacts.append(
            Contact(
                kind=Kind.CLIENT,
                on=r.last_contact,
                note="last client contact (imported)",
                by=IMPORT_ACTOR,
                at=now,
            )
        )
    if r.demand_sent:
        add_rounds(case, rounds_of(r), now)
        if insurer_answered(last_stage) and not any(d.kind == "ack" for d in case.demand_events):
            case.demand_events.append(DemandEvent(kind="ack", on=today, by=IMPORT_ACTOR, at=now))
    if r.contact is not None:
        apply_client(s, firm, case, r.contact)
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


def import_cases(
    firm: Firm,
    text: str,
    *,
    dry_run: bool = False,
    source: str = "the file",
    directory: Directory | None = None,
    person: Callable[[str], str] = as_written,
) -> ImportReport:
    """Check every row, then (when all are good) create or update every case in one transaction. The
    managers are asked of Slack through `directory` first (refused unless full members of the firm's
    workspace); without one, only what casebot already knows of them is checked. `person` reads a manager
    cell (default: a Slack user id or an email, as written)."""

    started = time.perf_counter()
    today = firm.today()
    report = ImportReport(source=source, dry_run=dry_run)
    rows, errors = read_rows(text, today, person)
    managers = ask_about_managers(firm, rows, directory)
    report.rows = len(rows) + len({line for line, _ in errors if line > 1})
    try:
        with Transaction(firm) as s:
            existing = q.cases_by_keys(s, [r.key for r in rows], for_update=True)
            errors += _check_against_firm(s, rows, existing, today, managers)
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

                changed = update_case(s, firm, known, r, today, note)
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
