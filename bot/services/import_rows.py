"""Reading an import file: the CSV's columns and rows, checked one by one, with no database (the cells of
parts, providers, liens, costs and demand rounds, are read by import_ledger_rows)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.rules.parsing import printable
from bot.rules.playbook import Stage
from bot.services.import_client_rows import CLIENT_ALIASES, CLIENT_COLUMNS, ClientIn
from bot.services.import_ledger_rows import CostIn, LienIn, ProviderIn, RoundIn
from bot.services.import_row_columns import read_row

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


def as_written(cell: str) -> str:
    """A manager cell as it is: a Slack user id or an email (the default reading of the manager column)."""
    return cell


def _row_from_cells(
    line: int, cells: dict[str, str], today: date, person: Callable[[str], str] = as_written
) -> tuple[Row | None, list[str]]:
    got, problems = read_row(cells, today, person)
    if problems:
        return None, problems
    got["loss_motor"] = got["loss_motor"] if got["loss_on"] else None  # only with a loss to go with
    if got["claim_deadline_on"] is not None:
        got["public_entity"] = True
    return Row(line=line, **got), []


def _names(header: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
    """The header's column names (aliases read as the column they stand for), and what is wrong with it."""
    names = [_ALIASES.get(n, n) for n in (re.sub(r"[\s\-]+", "_", raw.strip().lower()) for raw in header)]
    unknown = [h for h, n in zip(header, names, strict=True) if n not in COLUMNS]
    missing = [c for c in REQUIRED if c not in names]
    twice = sorted({n for n in names if names.count(n) > 1 and n in COLUMNS})
    errors: list[tuple[int, str]] = []
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
    return names, errors


def read_rows(
    text: str, today: date, person: Callable[[str], str] = as_written
) -> tuple[list[Row], list[tuple[int, str]]]:
    """Every row of the file, and every problem found without the database: (line, message). `person` reads
    a manager cell into a Slack user id or an email (the entry point may teach it Slack's mentions)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        return [], [(1, "the file is empty: the first line names the columns")]
    except csv.Error as exc:
        return [], [(1, f"the first line can't be read as CSV ({exc})")]
    names, errors = _names(header)
    if errors:
        return [], errors
    rows: list[Row] = []
    first_line: dict[str, int] = {}
    for line, cells in _lines(reader, errors):
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
        errors.extend((line, f"{label}: {p}" if label else p) for p in problems)
        if row is None:
            continue
        if row.key in first_line:
            errors.append((line, f"{row.number}: the case is already on line {first_line[row.key]}"))
            continue
        first_line[row.key] = line
        rows.append(row)
    return rows, errors


def _lines(reader: Any, errors: list[tuple[int, str]]) -> Iterator[tuple[int, list[str]]]:
    """The file's rows after the header with their line numbers, blank rows left out; a row that is not
    CSV ends the file, noted in `errors`."""
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append((start, f"can't be read as CSV ({exc})"))
            return
        if any(c.strip() for c in cells):
            yield start, cells
