"""Reading an import file: the CSV's columns and rows, checked one by one, with no database."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bot.errors import CasebotError
from bot.rules.fees import FEE_BASES, parse_rate
from bot.rules.ledger import LIEN_KINDS
from bot.rules.limitation import ALL_CODES, LimitationRefused, claim_deadline, limitation_date
from bot.rules.parsing import CASE_NUMBER_RULE, is_case_number, parse_day, printable
from bot.rules.playbook import STAGE_ORDER, STAGES, Stage

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
}

_YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


_SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]+$")


_MONEY_RE = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


@dataclass
class ProviderIn:
    name: str
    requested_on: date | None
    records_on: date | None
    bills_on: date | None
    billed: Decimal | None = None  # the bill, when the row gives one
    paid: Decimal | None = None
    adjusted: Decimal | None = None
    billed_on: date | None = None


@dataclass
class LienIn:
    holder: str
    kind: str
    amount: Decimal
    asserted_on: date
    reduced_to: Decimal | None
    reduced_on: date | None
    accepted_on: date | None
    paid_on: date | None


@dataclass
class CostIn:
    amount: Decimal
    on: date
    description: str


@dataclass
class RoundIn:
    """One round of the demand as the file gives it."""

    on: date
    adjuster: str | None
    acknowledged_on: date | None


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
    manager: str = ""  # the Slack user id, once resolved

    @property
    def key(self) -> str:
        return self.number.upper()


class _Rows:
    """Reads and checks the cells of one row, collecting every problem instead of stopping at the first."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.problems: list[str] = []

    def day(self, value: str, column: str, *, past_only: bool = True) -> date | None:
        if not value:
            return None
        try:
            day = parse_day(value, self.today, when="past" if past_only else "dated")
        except CasebotError as exc:
            self.problems.append(f"{column} {exc.message}")
            return None
        if past_only and day > self.today:
            self.problems.append(f"{column} {value} is in the future (today is {self.today:%Y-%m-%d})")
            return None
        return day

    def money(self, value: str, column: str) -> Decimal | None:
        if not value:
            return None
        if not _MONEY_RE.match(value):
            self.problems.append(f"{column} “{value[:40]}” is not an amount: write it as 1234.56")
            return None
        return Decimal(value).quantize(Decimal("0.01"))


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


def _yes_no(value: str, column: str, r: _Rows) -> bool | None:
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
        if len(fields) > 8:
            r.problems.append(
                f"provider {i} “{name[:40]}” has {len(fields)} parts: write name:requested:records:bills "
                "(and :billed:paid:adjusted:bill day when its bill is recorded)"
            )
            continue
        fields += [""] * (8 - len(fields))
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
        billed = r.money(fields[4].strip(), f"{what} billed")
        paid = r.money(fields[5].strip(), f"{what} paid")
        adjusted = r.money(fields[6].strip(), f"{what} adjusted")
        billed_on = r.day(fields[7].strip(), f"{what} bill day")
        if billed is None and (paid is not None or adjusted is not None or billed_on is not None):
            r.problems.append(f"{what}: paid, adjusted and the bill day go with the amount billed")
        elif billed is not None and (paid or 0) + (adjusted or 0) > billed:
            r.problems.append(f"{what}: paid and adjusted come to more than the {billed} billed")
        elif billed is not None and billed <= 0:
            r.problems.append(f"{what}: the amount billed is more than 0")
        providers.append(ProviderIn(name, requested, records, bills, billed, paid, adjusted, billed_on))
    return providers


def _liens(text: str, r: _Rows) -> list[LienIn]:
    liens: list[LienIn] = []
    for i, chunk in enumerate(_split(text, "|", keep_escapes=True) if text else [], start=1):
        if not chunk.strip():
            continue
        fields = _split(chunk, ":")
        holder = " ".join(fields[0].split())
        what = f"lien {i} “{holder[:40]}”"
        if len(fields) > 8 or not holder or len(holder) > 200:
            r.problems.append(f"lien {i}: write holder:type:amount:asserted:reduced to:reduced:accepted:paid")
            continue
        fields = [f.strip() for f in fields] + [""] * (8 - len(fields))
        if fields[1] not in LIEN_KINDS:
            r.problems.append(f"{what}: type “{fields[1][:20]}” is one of {', '.join(LIEN_KINDS)}")
        amount = r.money(fields[2], f"{what} amount")
        asserted = r.day(fields[3], f"{what} asserted day")
        reduced_to = r.money(fields[4], f"{what} reduced amount")
        reduced_on = r.day(fields[5], f"{what} reduced day")
        accepted_on = r.day(fields[6], f"{what} accepted day")
        paid_on = r.day(fields[7], f"{what} paid day")
        if amount is None or amount <= 0 or asserted is None:
            r.problems.append(f"{what}: give its amount (more than 0) and the day it was asserted")
            continue
        if (reduced_to is None) != (reduced_on is None):
            r.problems.append(f"{what}: the reduced amount and its day go together")
        elif reduced_to is not None and reduced_to >= amount:
            r.problems.append(
                f"{what}: reduced to {reduced_to}, which is not less than the {amount} asserted"
            )
        order = [d for d in (asserted, reduced_on, accepted_on, paid_on) if d is not None]
        if order != sorted(order):
            r.problems.append(f"{what}: its days go asserted, reduced, accepted, paid, in that order")
        liens.append(
            LienIn(holder, fields[1], amount, asserted, reduced_to, reduced_on, accepted_on, paid_on)
        )
    return liens


def _costs(text: str, r: _Rows) -> list[CostIn]:
    costs: list[CostIn] = []
    for i, chunk in enumerate(_split(text, "|", keep_escapes=True) if text else [], start=1):
        if not chunk.strip():
            continue
        fields = _split(chunk, ":")
        if len(fields) != 3:
            r.problems.append(f"cost {i}: write amount:day:description")
            continue
        amount = r.money(fields[0].strip(), f"cost {i} amount")
        day = r.day(fields[1].strip(), f"cost {i} day")
        description = " ".join(fields[2].split())
        if amount is None or amount <= 0 or day is None or not description or len(description) > 300:
            r.problems.append(f"cost {i}: give its amount (more than 0), its day and what it was for")
            continue
        costs.append(CostIn(amount, day, description))
    return costs


def _rounds(text: str, r: _Rows) -> list[RoundIn]:
    rounds: list[RoundIn] = []
    for i, chunk in enumerate(_split(text, "|", keep_escapes=True), start=1):
        if not chunk.strip():
            continue
        fields = _split(chunk, ":")
        if len(fields) > 3:
            r.problems.append(f"demand round {i} has {len(fields)} parts: write sent:adjuster:acknowledged")
            continue
        fields += [""] * (3 - len(fields))
        on = r.day(fields[0].strip(), f"demand round {i} day")
        if on is None:
            if not fields[0].strip():
                r.problems.append(f"demand round {i} has no day: write sent:adjuster:acknowledged")
            continue
        ack = r.day(fields[2].strip(), f"demand round {i} acknowledged day")
        adjuster = " ".join(fields[1].split())[:200] or None
        if rounds and on < rounds[-1].on:
            r.problems.append(
                f"demand round {i} ({on:%Y-%m-%d}) is before round {i - 1}: list them oldest first"
            )
        if ack and ack < on:
            r.problems.append(
                f"demand round {i} is acknowledged {ack:%Y-%m-%d}, before it went out {on:%Y-%m-%d}"
            )
        if rounds and rounds[-1].acknowledged_on and rounds[-1].acknowledged_on >= on:
            r.problems.append(f"demand round {i - 1}'s acknowledgment is not before round {i}")
        rounds.append(RoundIn(on, adjuster, ack))
    return rounds


def as_written(cell: str) -> str:
    """A manager cell as it is: a Slack user id or an email (the default reading of the manager column)."""
    return cell


def _row_from_cells(
    line: int, cells: dict[str, str], today: date, person: Callable[[str], str] = as_written
) -> tuple[Row | None, list[str]]:
    r = _Rows(today)
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
    providers = _providers(cells.get("providers", ""), r)
    liens = _liens(cells.get("liens", ""), r)
    costs = _costs(cells.get("costs", ""), r)
    last_contact = r.day(cells.get("last_client_contact", ""), "last_client_contact")
    demand = r.day(cells.get("demand_sent", ""), "demand_sent")
    adjuster = " ".join(cells.get("adjuster", "").split())[:200] or None
    rounds = _rounds(cells.get("demand_rounds", ""), r)
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
