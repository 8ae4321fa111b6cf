"""The firm as a lead sees it: moving a whole caseload between managers, the leads' overview and the
ages of cases by stage for the weekly chart. Every figure is counted by the database (GROUP BY), never
by walking all cases in Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.errors import InputError, NotAllowed
from bot.rules.playbook import LEAD_ROLES, OPEN_STAGES, STAGE_ORDER, STAGES, Stage
from bot.rules.said import Command, Person, Said, person, said
from bot.services.access import covers_of, role_of
from bot.services.changes import announce_change, announce_views, audit
from bot.services.firm import Firm, Transaction
from bot.services.team import hand_team_over
from storage import caselists, deadlines, deliveries
from storage import queries as q
from storage.models import ACTIVE

AGE_BUCKETS: tuple[int, ...] = (14, 30, 60, 90)  # days in stage: under 14, 14–29, 30–59, 60–89, 90 or more


def _bucket_labels(edges: tuple[int, ...]) -> tuple[str, ...]:
    labels = [f"under {edges[0]} days"]
    labels += [f"{lo}–{hi - 1} days" for lo, hi in zip(edges, edges[1:], strict=False)]
    return (*labels, f"{edges[-1]}+ days")


# ---------------------------------------------------------------- staff changes


@dataclass(frozen=True)
class CaseloadMove:
    from_user: str
    to_user: str
    cases: tuple[str, ...]  # the case numbers that moved
    obligations: int  # active obligations that went along
    # Of the cases' teams, who (and on which cases) no longer sees them; or, with keep-team, who stays.
    team_removed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    team_kept: tuple[tuple[str, tuple[str, ...]], ...] = ()
    views: frozenset[str] = frozenset()  # whose view the move changed (see Firm.on_views)

    @property
    def message(self) -> str:
        if not self.cases:
            return said(Person(self.from_user), " has no open cases; nothing moved.")
        shown = ", ".join(self.cases[:20]) + (
            f" and {len(self.cases) - 20} more" if len(self.cases) > 20 else ""
        )
        moved = said(
            f"Moved {len(self.cases)} open case{'s' if len(self.cases) != 1 else ''} from ",
            Person(self.from_user),
            " to ",
            Person(self.to_user),
            f", with {self.obligations} open obligation{'s' if self.obligations != 1 else ''}: {shown}.",
        )
        if self.team_removed:
            user, numbers = self.team_removed[0]
            return said(
                moved,
                " Their teams no longer see them: ",
                _whose(self.team_removed),
                ". Add someone back with ",
                Command(f"team {numbers[0]} add"),
                " ",
                Person(user),
                ", or add keep-team to a handover to keep its teams.",
            )
        if self.team_kept:
            return said(moved, " Their teams stay on them (keep-team): ", _whose(self.team_kept), ".")
        return moved


def _whose(members: tuple[tuple[str, tuple[str, ...]], ...]) -> Said:
    """`@a (PI-1, PI-2), @b (PI-1)`."""
    parts: list[str | Said] = []
    for i, (user, numbers) in enumerate(members[:20]):
        cases = ", ".join(numbers[:5]) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
        parts += [", " if i else "", person(user), f" ({cases})"]
    if len(members) > 20:
        parts.append(f" and {len(members) - 20} more")
    return said(*parts)


def move_caseload(
    firm: Firm, actor: str, from_user: str, to_user: str, *, keep_team: bool = False
) -> CaseloadMove:
    """Give every open case of one manager, and its open obligations, to another: one transaction, one
    audit entry a case. For a lead or an admin (a manager leaving, a long absence). Each case's team is
    cleared unless `keep_team`, as for one case (cases.assign)."""

    if not from_user or not to_user:
        raise InputError("Name whose cases move and to whom.", example="@dana to @lee")
    if from_user == to_user:
        raise InputError("Move the cases to someone else.", example="@dana to @lee")
    with Transaction(firm) as s:
        if role_of(s, firm, actor) not in LEAD_ROLES:
            raise NotAllowed("Only a lead or an admin can move a manager's whole caseload.")
        target = q.get_staff(s, to_user)
        if target is not None and not target.full_member:
            raise NotAllowed(
                said(
                    Person(to_user),
                    " can't manage cases (a guest, a bot, a deactivated account or someone of another workspace).",
                )
            )
        cases = q.lock_open_cases_of(s, from_user)
        moved = 0
        removed_from: dict[str, list[str]] = {}
        kept_on: dict[str, list[str]] = {}
        for case in cases:
            case.manager_id = to_user
            for ob in case.obligations:
                if ob.state in ACTIVE:
                    ob.manager_id, moved = to_user, moved + 1
            removed, kept = hand_team_over(case, to_user, keep=keep_team)
            for user in removed:
                removed_from.setdefault(user, []).append(case.number)
            for user in kept:
                kept_on.setdefault(user, []).append(case.number)
            audit(
                s,
                firm,
                case,
                actor,
                "assign",
                from_manager=from_user,
                to_manager=to_user,
                reason="caseload moved",
                team_removed=removed or None,
                team_kept=kept if keep_team and kept else None,
            )
        # Whose view changed: both managers and their covers, and every team member (gone, or their list
        # names another manager now); the same for each case, so each is asked once.
        views = (
            {from_user, to_user, *covers_of(s, firm, from_user), *covers_of(s, firm, to_user)}
            if cases
            else set()
        )
        views |= {*removed_from, *kept_on}
        result = CaseloadMove(
            from_user,
            to_user,
            tuple(c.number for c in cases),
            moved,
            tuple((u, tuple(n)) for u, n in removed_from.items()),
            tuple((u, tuple(n)) for u, n in kept_on.items()) if keep_team else (),
            frozenset(views - {actor}),
        )
    for number in result.cases:
        announce_change(firm, actor, number)
    announce_views(firm, result.views)
    return result


# ---------------------------------------------------------------- the leads' overview


@dataclass(frozen=True)
class StageLine:
    stage: str
    label: str
    cases: int
    average_days: float  # average days in this stage, to one decimal
    longest_days: int
    acknowledged: int = 0  # of the cases waiting on the insurer: how many it has acknowledged the demand of


@dataclass(frozen=True)
class ManagerOverdue:
    manager: str
    overdue: int
    oldest_due_on: date
    oldest_days: int  # calendar days the oldest has been overdue


@dataclass(frozen=True)
class LimitationLine:
    case: str
    manager: str
    limitation_on: date
    days_left: int


@dataclass(frozen=True)
class OfferNotTold:
    case: str
    manager: str
    n: int
    received_on: date
    final: bool
    business_days: int  # business days since it came in


@dataclass(frozen=True)
class LeadOverview:
    day: date
    stages: tuple[StageLine, ...]  # open stages in playbook order, only those with cases
    overdue: tuple[ManagerOverdue, ...]  # most overdue first
    escalations_open: int
    inside_limitation: tuple[LimitationLine, ...]  # inside the red window, soonest first
    offers_not_told: tuple[OfferNotTold, ...]  # not told within the playbook's business days
    # How many there are in all, when the three lists above hold only their first rows (None: all of them).
    overdue_managers: int | None = None
    overdue_items: int | None = None
    inside_limitation_count: int | None = None
    offers_not_told_count: int | None = None
    # Claim deadlines against a public entity passed or within the playbook's deadline_warn_days, not yet
    # presented or rejected, soonest first.
    claim_deadlines: tuple[LimitationLine, ...] = ()

    @property
    def open_cases(self) -> int:
        return sum(s.cases for s in self.stages)

    @property
    def overdue_total(self) -> int:
        return self.overdue_items if self.overdue_items is not None else sum(m.overdue for m in self.overdue)


def lead_overview(firm: Firm, actor: str, rows: int | None = None) -> LeadOverview:
    """What a lead's Home shows. For a lead or an admin. With `rows`, each list holds at most its first
    `rows` lines (the Home tab shows no more) and says how many there are in all; every query reads an
    index or the stage counts, never every open case."""

    today, numbers, cal = firm.today(), firm.numbers, firm.calendar
    late_before = offers_late_before(firm, today)
    with Transaction(firm, write=False) as s:
        if role_of(s, firm, actor) not in LEAD_ROLES:
            raise NotAllowed(
                said(
                    "The firm's overview is for leads and admins; ", Command("mine"), " lists your own cases."
                )
            )
        by_stage = q.open_cases_by_stage(s, today)
        acknowledged = len(caselists.acknowledged_demands(s))
        overdue = q.overdue_count_by_manager(s, today)
        escalations = deliveries.open_escalation_count(s)
        red = deadlines.open_cases_with_limitation_by(
            s, date.fromordinal(today.toordinal() + numbers.limitation_red_days)
        )
        claims = deadlines.open_cases_with_claim_deadline_by(
            s, date.fromordinal(today.toordinal() + numbers.deadline_warn_days)
        )
        offers = q.offers_not_told(s, late_before, limit=rows)
        offers_count = (
            len(offers) if rows is None or len(offers) < rows else q.count_offers_not_told(s, late_before)
        )
    stages = tuple(
        StageLine(
            stage,
            STAGES[Stage(stage)].label,
            n,
            round(total / n, 1) if n else 0.0,
            (today - first).days,
            acknowledged if stage == Stage.DEMAND_SENT.value else 0,
        )
        for stage, n, total, first in sorted(by_stage, key=lambda r: STAGE_ORDER[Stage(r[0])])
    )
    late = tuple(OfferNotTold(c, m, n, d, f, cal.business_days_between(d, today)) for c, m, n, d, f in offers)
    return LeadOverview(
        day=today,
        stages=stages,
        overdue=tuple(ManagerOverdue(m, n, d, (today - d).days) for m, n, d in overdue[:rows]),
        escalations_open=escalations,
        inside_limitation=tuple(LimitationLine(c, m, d, (d - today).days) for c, m, d in red[:rows]),
        offers_not_told=late,
        overdue_managers=len(overdue),
        overdue_items=sum(n for _, n, _ in overdue),
        inside_limitation_count=len(red),
        offers_not_told_count=offers_count,
        claim_deadlines=tuple(LimitationLine(c, m, d, (d - today).days) for c, m, d in claims[:rows]),
    )


def offers_late_before(firm: Firm, today: date) -> date:
    """An offer is late once more than N business days (after the day it came in, up to today) have passed
    without the client being told: so exactly those received before the (N+1)-th business day on or before
    today."""
    wanted, day = firm.numbers.offer_inform_business_days + 1, today
    while True:
        if firm.calendar.is_business_day(day):
            wanted -= 1
            if wanted == 0:
                return day
        day = date.fromordinal(day.toordinal() - 1)


# ---------------------------------------------------------------- the weekly chart's data


@dataclass(frozen=True)
class StageAgeRow:
    stage: str
    label: str
    counts: tuple[int, ...]  # one a bucket of StageAges.buckets

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class StageAges:
    day: date
    buckets: tuple[str, ...]  # "under 14 days", "14–29 days", …, "90+ days"
    rows: tuple[StageAgeRow, ...]  # every open stage, in playbook order (zeros included)

    @property
    def open_cases(self) -> int:
        return sum(r.total for r in self.rows)


def stage_ages(firm: Firm, edges: tuple[int, ...] = AGE_BUCKETS) -> StageAges:
    """Open cases by stage and by how long they have sat there: the weekly report's chart."""

    today = firm.today()
    with Transaction(firm, write=False) as s:
        rows = q.open_cases_by_stage_and_age(s, today, edges)
    counts: dict[str, list[int]] = {}
    for stage, bucket, n in rows:
        counts.setdefault(stage, [0] * (len(edges) + 1))[bucket] += n
    return StageAges(
        day=today,
        buckets=_bucket_labels(edges),
        rows=tuple(
            StageAgeRow(st.value, STAGES[st].label, tuple(counts.get(st.value, [0] * (len(edges) + 1))))
            for st in OPEN_STAGES
        ),
    )
