"""The import's columns, one row at a time, as a table like the command table: each column's header, the
Row field it sets and its reader (which notes the cell's problems), with the checks across columns in
between, in the order a row's problems are listed. No database."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.errors import CasebotError
from bot.rules.fees import FEE_BASES, parse_rate
from bot.rules.limitation import ALL_CODES, LimitationRefused, claim_deadline, limitation_date
from bot.rules.parsing import CASE_NUMBER_RULE, is_case_number
from bot.rules.playbook import STAGE_ORDER, STAGES, Stage
from bot.services.import_client_rows import CLIENT_COLUMNS, ClientIn, read_client
from bot.services.import_ledger_rows import RowCells, read_costs, read_liens, read_providers, read_rounds

_YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


_SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]+$")


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


@dataclass
class _Reading:
    """One row being read: its cells, the problems found so far, and what each column has set (by the
    name of the Row field)."""

    cells: dict[str, str]
    r: RowCells
    person: Callable[[str], str]
    got: dict[str, Any] = field(default_factory=dict)

    def cell(self, column: str) -> str:
        return self.cells.get(column, "")

    def problem(self, text: str) -> None:
        self.r.problems.append(text)


@dataclass(frozen=True)
class Column:
    """A column as the import reads it, like a command in the command table: its header, the Row field it
    sets, and its reader, which notes each problem with the cell (the column's errors) and returns the value."""

    header: str
    sets: str
    read: Callable[[_Reading, str], Any]


@dataclass(frozen=True)
class Rule:
    """A check across columns already read: it notes a problem, or works out a value the file left blank."""

    check: Callable[[_Reading], None]


def _case_number(x: _Reading, column: str) -> str:
    number = x.cell(column)
    if not number:
        x.problem("case_number is empty")
    elif not is_case_number(number):
        x.problem(f"case_number “{number[:40]}” is not a case number: {CASE_NUMBER_RULE}")
    return number


def _client(x: _Reading, column: str) -> str:
    client = " ".join(x.cell(column).split())
    if not client:
        x.problem("client is empty")
    elif len(client) > 200:
        x.problem("client is longer than 200 characters")
    return client


def _manager(x: _Reading, column: str) -> str:
    manager = x.person(x.cell(column).strip())
    if not manager:
        x.problem("manager is empty: give a Slack user id (U123ABC) or an email")
    elif "@" not in manager and not _SLACK_ID_RE.match(manager.upper()):
        x.problem(f"manager “{manager[:40]}” is neither a Slack user id (U123ABC) nor an email")
    return manager


def _stage_cell(x: _Reading, column: str) -> Stage | None:
    if not x.cell(column):
        return None
    stage = _stage(x.cell(column))
    if stage is None:
        x.problem(f"stage “{x.cell(column)[:30]}” is not a stage: {', '.join(s.value for s in Stage)}")
    return stage


def _past_day(x: _Reading, column: str) -> date | None:
    return x.r.day(x.cell(column), column)


def _any_day(x: _Reading, column: str) -> date | None:
    return x.r.day(x.cell(column), column, past_only=False)


def _parts(read: Callable[[str, RowCells], list[Any]]) -> Callable[[_Reading, str], list[Any]]:
    """The reader of a cell of parts (providers, liens, costs, demand rounds: import_ledger_rows)."""
    return lambda x, column: read(x.cell(column), x.r)


def _adjuster(x: _Reading, column: str) -> str | None:
    return " ".join(x.cell(column).split())[:200] or None


def _loss_state(x: _Reading, column: str) -> str | None:
    state = x.cell(column).strip().upper() or None
    if state and state not in ALL_CODES:
        x.problem(
            f"loss_state “{state[:10]}” is not a state casebot knows (two letters: one of the 50 states or DC); "
            "give limitation_date instead"
        )
        return None
    if bool(x.cell("loss_date")) != bool(state):
        x.problem("loss_date and loss_state go together")
    return state


def _yes_no_cell(x: _Reading, column: str) -> bool | None:
    return _yes_no(x.cell(column), column, x.r)


def _fee(what: str) -> Callable[[_Reading, str], str | None]:
    def read(x: _Reading, column: str) -> str | None:
        if not x.cell(column):
            return None
        try:
            return str(parse_rate(x.cell(column), what=what))
        except CasebotError as exc:
            x.problem(f"{column}: {exc.message}")
            return None

    return read


def _fee_base(x: _Reading, column: str) -> str | None:
    base = x.cell(column).strip().lower() or None
    if base and base not in FEE_BASES:
        x.problem(f"fee_base “{base[:10]}” is gross or net")
    return base


def _client_details(x: _Reading, column: str) -> ClientIn | None:
    return read_client(x.cells, x.r, x.person, lambda user: bool(_SLACK_ID_RE.match(user)))


def _rounds_agree(x: _Reading) -> None:
    """demand_sent is the first round's day (blank: it is); the adjuster is one of the rounds'."""
    rounds, demand, adjuster = x.got["rounds"], x.got["demand_sent"], x.got["adjuster"]
    if not rounds:
        return
    if demand and demand != rounds[0].on:
        x.problem(
            f"demand_sent {demand:%Y-%m-%d} is not the first round's day in demand_rounds "
            f"({rounds[0].on:%Y-%m-%d})"
        )
    x.got["demand_sent"] = demand or rounds[0].on
    named = {(r.adjuster or "").lower() for r in rounds}
    if adjuster and adjuster.lower() not in named:
        x.problem(f"adjuster {adjuster} is not named in demand_rounds")


def _motor_needs_loss(x: _Reading) -> None:
    if x.got["loss_motor"] and not (x.got["loss_on"] and x.got["loss_state"]):
        x.problem("loss_motor goes with loss_date and loss_state")


def _claim_needs_public(x: _Reading) -> None:
    if x.got["claim_deadline_on"] is not None and x.got["public_entity"] is False:
        x.problem("claim_deadline is for a claim against a public entity, but public_entity says no")


def _computed_limitation(x: _Reading) -> None:
    """A blank limitation_date, computed from loss_date and loss_state where casebot can."""
    loss, state = x.got["loss_on"], x.got["loss_state"]
    if not (loss and state and x.got["limitation_on"] is None):
        return
    try:
        x.got["limitation_on"] = limitation_date(loss, state, bool(x.got["loss_motor"]))
    except LimitationRefused as refused:
        x.problem(f"casebot does not compute this limitation date: {refused.reason} Give limitation_date")


def _computed_claim_deadline(x: _Reading) -> None:
    """A public entity's blank claim_deadline, computed from loss_date and loss_state where casebot can."""
    if not x.got["public_entity"] or x.got["claim_deadline_on"] is not None:
        return
    loss, state = x.got["loss_on"], x.got["loss_state"]
    found = claim_deadline(loss, state) if loss and state else None
    if found is not None:
        x.got["claim_deadline_on"] = found[0]
    elif loss and state:
        x.problem(f"casebot holds no claim deadline for {state}: give claim_deadline")
    else:
        x.problem("public_entity: give claim_deadline, or loss_date and loss_state to compute it")


def _providers_requested(x: _Reading) -> None:
    """A provider whose records or bills came before treatment_complete needs its own requested day."""
    treatment = x.got["treatment_on"]
    for p in x.got["providers"]:
        early = [d for d in (p.records_on, p.bills_on) if d and treatment and d < treatment]
        if p.requested_on is None and early:
            x.problem(
                f"provider “{p.name[:40]}”: give its requested day (something arrived {min(early):%Y-%m-%d}, "
                "before treatment_complete, which a blank requested day stands for)"
            )


def _demand_after_treatment(x: _Reading) -> None:
    demand, treatment = x.got["demand_sent"], x.got["treatment_on"]
    if demand and treatment and demand < treatment:
        x.problem(f"demand_sent {demand:%Y-%m-%d} is before treatment_complete {treatment:%Y-%m-%d}")


def _demand_matches_stage(x: _Reading) -> None:
    stage, demand = x.got["stage"], x.got["demand_sent"]
    if stage is not None and demand and STAGE_ORDER[stage] < STAGE_ORDER[Stage.DEMAND_SENT]:
        x.problem(
            f"demand_sent {demand:%Y-%m-%d} says the demand went out, but stage is {stage.value}: "
            "use demand_sent or a later stage"
        )


def _adjuster_needs_demand(x: _Reading) -> None:
    if x.got["adjuster"] and not x.got["demand_sent"]:
        x.problem("adjuster is recorded with the demand: give demand_sent too")


# The row, read in this order (a row's problems are listed in it): each column, and each check across the
# columns read before it.
ROW: tuple[Column | Rule, ...] = (
    Column("case_number", "number", _case_number),
    Column("client", "client", _client),
    Column("manager", "manager_ref", _manager),
    Column("stage", "stage", _stage_cell),
    Column("treatment_complete", "treatment_on", _past_day),
    Column("providers", "providers", _parts(read_providers)),
    Column("liens", "liens", _parts(read_liens)),
    Column("costs", "costs", _parts(read_costs)),
    Column("last_client_contact", "last_contact", _past_day),
    Column("demand_sent", "demand_sent", _past_day),
    Column("adjuster", "adjuster", _adjuster),
    Column("demand_rounds", "rounds", _parts(read_rounds)),
    Rule(_rounds_agree),
    Column("limitation_date", "limitation_on", _any_day),
    Column("loss_date", "loss_on", _past_day),
    Column("loss_state", "loss_state", _loss_state),
    Column("loss_motor", "loss_motor", _yes_no_cell),
    Column("public_entity", "public_entity", _yes_no_cell),
    Column("claim_deadline", "claim_deadline_on", _any_day),
    Rule(_motor_needs_loss),
    Rule(_claim_needs_public),
    Rule(_computed_limitation),
    Rule(_computed_claim_deadline),
    Column("fee_presuit", "fee_presuit", _fee("pre-suit fee")),
    Column("fee_litigation", "fee_litigation", _fee("litigation fee")),
    Column("fee_base", "fee_base", _fee_base),
    Rule(_providers_requested),
    Rule(_demand_after_treatment),
    Rule(_demand_matches_stage),
    Rule(_adjuster_needs_demand),
    Column(CLIENT_COLUMNS[0], "contact", _client_details),  # every client column (import_client_rows)
)


def read_row(
    cells: dict[str, str], today: date, person: Callable[[str], str]
) -> tuple[dict[str, Any], list[str]]:
    """What the row's columns set, by Row field, and every problem found in it (none: the row is good)."""
    x = _Reading(cells, RowCells(today), person)
    for step in ROW:
        if isinstance(step, Column):
            x.got[step.sets] = step.read(x, step.header)
        else:
            step.check(x)
    return x.got, x.r.problems
