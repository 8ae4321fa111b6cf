"""Reading an import file: the CSV's columns and rows, checked one by one, with no database (the cells of
parts, providers, liens, costs and demand rounds, are read by import_ledger_rows)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bot.errors import CasebotError
from bot.rules.fees import FEE_BASES, parse_rate
from bot.rules.limitation import ALL_CODES, LimitationRefused, claim_deadline, limitation_date
from bot.rules.parsing import CASE_NUMBER_RULE, is_case_number, printable
from bot.rules.playbook import STAGE_ORDER, STAGES, Stage
from bot.services.import_client_rows import CLIENT_ALIASES, CLIENT_COLUMNS, ClientIn, read_client
from bot.services.import_ledger_rows import (
    CostIn,
    LienIn,
    ProviderIn,
    RoundIn,
    RowCells,
    read_costs,
    read_liens,
    read_providers,
    read_rounds,
)

COLUMNS: tuple[str, ...] = (
    "case_number",  # required: PI-2041
    "client",  # required: the client's name
    "manager",  # required: a Slack user id (U123ABC) or an email known to casebot
    "stage",  # records (default), demand_queue, demand_drafting, demand_sent, negotiation, …
    "treatment_complete",  # a day (2026-11-03, 11/3/2026, Nov 3 2026…); the clocks start here (default: today)
    "providers",  # name:requested:records:bills[:billed:paid:adjusted:bill day]|… (days YYYY-MM-DD)
    "last_client_contact",  # YYYY-MM-DD
    "demand_sent",  # YYYY-MM-DD
    "adjuster",  # the adjuster's name (goes with the demand)
    "limitation_date",  # YYYY-MM-DD
    "loss_date",  # YYYY-MM-DD: with loss_state, computes the limitation date when it is blank
    "loss_state",  # two letters: any of the 50 states or DC (docs/limitation-states.md)
    "fee_presuit",  # 1/3, 33⅓%, 40%: blank for the firm's default
    "fee_litigation",
    "fee_base",  # gross | net
    "liens",  # holder:type:amount:asserted:reduced to:reduced:accepted:paid|… (amounts 1234.56)
    "costs",  # amount:day:description|…
    "loss_motor",  # yes: a motor-vehicle injury (the state's motor-vehicle period, where it has one)
    "public_entity",  # yes: a claim against a public entity (it has a claim deadline)
    "claim_deadline",  # YYYY-MM-DD: the last day to present the claim; blank computes it where casebot can
    "demand_rounds",  # sent:adjuster:acknowledged|resent:adjuster:acknowledged|… (every round, oldest first)
    *CLIENT_COLUMNS,  # how to reach the client and their consent to texts (import_client_rows)
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
    "motor": "loss_motor",
    "public": "public_entity",
    "claim_deadline_date": "claim_deadline",
    **CLIENT_ALIASES,
}

_YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


_SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]+$")


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
    loss_motor: bool | None = None  # None: the file does not say
    public_entity: bool | None = None
    claim_deadline_on: date | None = None
    fee_presuit: str | None = None
    fee_litigation: str | None = None
    fee_base: str | None = None
    liens: list[LienIn] = field(default_factory=list)
    costs: list[CostIn] = field(default_factory=list)
    rounds: list[RoundIn] = field(default_factory=list)  # from demand_rounds; empty when the file has none
    contact: ClientIn | None = None  # the client columns; None when the row gives none
    manager: str = ""  # the Slack user id, once resolved

    @property
    def key(self) -> str:
        return self.number.upper()


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), =cmd|'…'!A0, @SUM…).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _would_run(value: str) -> bool:
    """A formula to a spreadsheet, or such a cell already neutralised once (so that un-neutralising is exact)."""
    return value.startswith(FORMULA_STARTS) or (value.startswith("'") and _would_run(value[1:]))


def inert(value: str) -> str:
    """A cell as export writes it: one that a spreadsheet would run gets a leading apostrophe, the
    spreadsheets' own mark for "this is text"."""
    return "'" + value if _would_run(value) else value


def restored(value: str) -> str:
    """A cell as the import reads it: the apostrophe export added is taken off again; any other cell is
    read as written. restored(inert(v)) == v for every v."""
    return value[1:] if value.startswith("'") and _would_run(value[1:]) else value


def escape_name(name: str) -> str:
    """A name or description inside a cell of parts: its `\\`, `:` and `|` escaped."""
    return name.replace("\\", "\\\\").replace(":", "\\:").replace("|", "\\|")


def _yes_no(value: str, column: str, r: RowCells) -> bool | None:
    if not value:
        return None
    answer = _YES.get(value.strip().lower())
    if answer is None:
        r.problems.append(f"{column} “{value[:20]}” is yes or no")
    return answer


def _stage(word: str) -> Stage | None:
    key = word.strip().lower().replace("-", "_").replace(" ", "_")
    for stage in Stage:
        if key in (stage.value, stage.value.replace("_", ""), STAGES[stage].label.lower().replace(" ", "_")):
            return stage
    return None


def as_written(cell: str) -> str:
    """A manager cell as it is: a Slack user id or an email (the default reading of the manager column)."""
    return cell


def _row_from_cells(
    line: int, cells: dict[str, str], today: date, person: Callable[[str], str] = as_written
) -> tuple[Row | None, list[str]]:
    r = RowCells(today)
    number = cells.get("case_number", "")
    client = " ".join(cells.get("client", "").split())
    manager = cells.get("manager", "").strip()
    if not number:
        r.problems.append("case_number is empty")
    elif not is_case_number(number):
        r.problems.append(f"case_number “{number[:40]}” is not a case number: {CASE_NUMBER_RULE}")
    if not client:
        r.problems.append("client is empty")
    elif len(client) > 200:
        r.problems.append("client is longer than 200 characters")
    manager = person(manager)
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
    providers = read_providers(cells.get("providers", ""), r)
    liens = read_liens(cells.get("liens", ""), r)
    costs = read_costs(cells.get("costs", ""), r)
    last_contact = r.day(cells.get("last_client_contact", ""), "last_client_contact")
    demand = r.day(cells.get("demand_sent", ""), "demand_sent")
    adjuster = " ".join(cells.get("adjuster", "").split())[:200] or None
    rounds = read_rounds(cells.get("demand_rounds", ""), r)
    if rounds:
        if demand and demand != rounds[0].on:
            r.problems.append(
                f"demand_sent {demand:%Y-%m-%d} is not the first round's day in demand_rounds "
                f"({rounds[0].on:%Y-%m-%d})"
            )
        demand = demand or rounds[0].on
        named = {(x.adjuster or "").lower() for x in rounds}
        if adjuster and adjuster.lower() not in named:
            r.problems.append(f"adjuster {adjuster} is not named in demand_rounds")
    limitation = r.day(cells.get("limitation_date", ""), "limitation_date", past_only=False)
    loss = r.day(cells.get("loss_date", ""), "loss_date")
    state = cells.get("loss_state", "").strip().upper() or None
    if state and state not in ALL_CODES:
        r.problems.append(
            f"loss_state “{state[:10]}” is not a state casebot knows (two letters: one of the 50 states or DC); "
            "give limitation_date instead"
        )
        state = None
    elif bool(cells.get("loss_date")) != bool(state):
        r.problems.append("loss_date and loss_state go together")
    motor = _yes_no(cells.get("loss_motor", ""), "loss_motor", r)
    public = _yes_no(cells.get("public_entity", ""), "public_entity", r)
    claim_on = r.day(cells.get("claim_deadline", ""), "claim_deadline", past_only=False)
    if motor and not (loss and state):
        r.problems.append("loss_motor goes with loss_date and loss_state")
    if claim_on is not None and public is False:
        r.problems.append("claim_deadline is for a claim against a public entity, but public_entity says no")
    computed: date | None = None
    if loss and state and limitation is None:
        try:
            computed = limitation_date(loss, state, bool(motor))
        except LimitationRefused as refused:
            r.problems.append(
                f"casebot does not compute this limitation date: {refused.reason} Give limitation_date"
            )
    if public and claim_on is None:
        found = claim_deadline(loss, state) if loss and state else None
        if found is not None:
            claim_on = found[0]
        elif loss and state:
            r.problems.append(f"casebot holds no claim deadline for {state}: give claim_deadline")
        else:
            r.problems.append("public_entity: give claim_deadline, or loss_date and loss_state to compute it")
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
    contact = read_client(cells, r, person, lambda user: bool(_SLACK_ID_RE.match(user)))
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
        rounds=rounds,
        limitation_on=limitation or computed,
        loss_on=loss,
        loss_state=state,
        loss_motor=motor if loss else None,
        public_entity=True if claim_on is not None else public,
        claim_deadline_on=claim_on,
        fee_presuit=fees["fee_presuit"],
        fee_litigation=fees["fee_litigation"],
        fee_base=base,
        liens=liens,
        costs=costs,
        contact=contact,
    ), []


def read_rows(
    text: str, today: date, person: Callable[[str], str] = as_written
) -> tuple[list[Row], list[tuple[int, str]]]:
    """Every row of the file, and every problem found without the database: (line, message). `person` reads
    a manager cell into a Slack user id or an email (the entry point may teach it Slack's mentions)."""
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
        values = {n: restored(printable(c).strip()) for n, c in zip(names, cells, strict=False)}
        row, problems = _row_from_cells(line, values, today, person)
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
