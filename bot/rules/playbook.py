"""The firm's client-update playbook as data: stages, transitions, rules R1–R15 and every number.

PLAYBOOK.md is the precise reading of the firm's text; this module is that reading in one place.
A firm changes a number with a PLAYBOOK_<NAME> setting (see bot/settings.py), never in code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from bot.rules.said import Command, Said, said, typed


@dataclass(frozen=True)
class Numbers:
    """Every number the playbook uses. Days are calendar days unless the name says business days."""

    records_cadence_days: int = 14  # R2: "twice a month" while records are collected
    provider_followup_days: int = 14  # R3: follow up on an outstanding request
    provider_slow_days: int = 30  # R3: a request open longer is shown as slow
    demand_hold_cadence_days: int = 30  # R5: monthly while the demand is held up
    adjuster_check_days: int = 10  # R7: confirm the adjuster received the demand
    ack_window_days: int = 30  # R6/R8: the insurer has this long to acknowledge
    checkin_days: int = 30  # R13: longest a client goes without hearing from us
    escalate_after_business_days: int = 2  # overdue this long goes to the leads, once
    offer_inform_business_days: int = 2  # an offer the client was not told of within this is flagged
    lien_reduction_days: int = 5  # R14: ask each lien holder for a reduction this soon after the final offer
    limitation_alert_days: tuple[int, ...] = (180, 90, 60, 30)
    limitation_red_days: int = 90  # inside this, every hold-up is flagged red
    claim_alert_days: tuple[int, ...] = (90, 60, 30, 14, 7)  # before a claim deadline against a public entity
    deadline_warn_days: int = (
        30  # a limitation date or claim deadline this close, or passed: a warning line, red
    )
    fee_presuit: Fraction = Fraction(1, 3)  # of the fee base, before suit; set as 1/3 or 0.3333
    fee_litigation: Fraction = Fraction(2, 5)  # once the case is in litigation
    fee_base: str = "gross"  # gross | net (of costs)
    advance_guard_seconds: int = 30  # a second plain `advance` this soon after a move is refused
    undo_window_hours: int = 24  # `/case undo` reaches back this far
    coming_up_business_days: int = 5  # how far "Coming up" looks ahead on Home and in /case due
    client_wrote_business_days: int = 1  # R15: a text or email from the client is answered this soon


class Stage(StrEnum):
    RECORDS = "records"
    DEMAND_QUEUE = "demand_queue"
    DEMAND_DRAFTING = "demand_drafting"
    DEMAND_SENT = "demand_sent"
    NEGOTIATION = "negotiation"
    FINAL_OFFER = "final_offer"
    SETTLEMENT = "settlement"
    SETTLED = "settled"
    LITIGATION = "litigation"
    DROPPED = "dropped"


class CloseOutcome(StrEnum):
    """How a case closes: each is also the stage it closes into (`/case close <case> settled`)."""

    SETTLED = Stage.SETTLED.value
    LITIGATION = Stage.LITIGATION.value
    DROPPED = Stage.DROPPED.value


@dataclass(frozen=True)
class GuardFacts:
    """What a stage's guard reads of a case: its number, and each provider's name with what it still owes
    ("" when everything is in), in the case's order."""

    number: str
    providers: tuple[tuple[str, str], ...]


# A stage's guard: why a plain `advance` out of it must wait (a refusal's words), or None when it may go.
Guard = Callable[[GuardFacts], Said | None]


def all_records_in(case: GuardFacts) -> Said | None:
    """Step 2 is done when every provider has sent its records and its bills (and there is a provider)."""
    if not case.providers:
        return said(
            f"{case.number} has no providers yet: add them with ",
            Command(f"provider {case.number} add <name>"),
            ".",
        )
    owing = [
        said("; " if i else "", typed(name), f" ({owes})")
        for i, (name, owes) in enumerate(p for p in case.providers if p[1])
    ]
    if owing:
        return said(f"{case.number} can't go to the demand yet: still owed by ", *owing, ".")
    return None


@dataclass(frozen=True)
class StageInfo:
    stage: Stage
    label: str
    step: str  # the playbook step(s) it stands for
    next: Stage | None  # where a plain `advance` goes
    requires: Guard | None = None  # a precondition a plain advance must meet (a rule above)
    via: str | None = (
        None  # the command (its subcommand and words) that enters the next stage instead of `advance`
    )


STAGES: dict[Stage, StageInfo] = {
    s.stage: s
    for s in (
        StageInfo(Stage.RECORDS, "Collecting records", "1–2", Stage.DEMAND_QUEUE, requires=all_records_in),
        StageInfo(Stage.DEMAND_QUEUE, "Waiting for a legal assistant", "3", Stage.DEMAND_DRAFTING),
        StageInfo(
            Stage.DEMAND_DRAFTING,
            "Demand being drafted",
            "4",
            Stage.DEMAND_SENT,
            via="demand {case} sent",
        ),
        StageInfo(Stage.DEMAND_SENT, "Demand sent, awaiting acknowledgment", "5–6", Stage.NEGOTIATION),
        StageInfo(
            Stage.NEGOTIATION,
            "Negotiating",
            "7",
            Stage.FINAL_OFFER,
            via="received {case} <amount> final",
        ),
        StageInfo(Stage.FINAL_OFFER, "Final offer received", "8", Stage.SETTLEMENT),
        StageInfo(
            Stage.SETTLEMENT,
            "Accounting and client decision",
            "9",
            None,
            via="close {case} settled|litigation",
        ),
        StageInfo(Stage.SETTLED, "Closed: settled", "—", None),
        StageInfo(Stage.LITIGATION, "Closed: litigation", "—", None),
        StageInfo(Stage.DROPPED, "Closed: dropped", "—", None),
    )
}
# Hold-ups are what keeps the demand from going out: they matter (and are flagged red near the limitation
# date) only until it is sent, and sending it closes those still open.
HOLDUP_STAGES: tuple[Stage, ...] = (Stage.RECORDS, Stage.DEMAND_QUEUE, Stage.DEMAND_DRAFTING)


def offer_moves_to(current: Stage, final: bool) -> Stage | None:
    """The stage an offer takes the case to, or None when it stays: an offer before the demand is sent is
    kept with its R10/R11 but skips nothing, and an offer never moves a case backwards."""
    if STAGE_ORDER[current] < STAGE_ORDER[Stage.DEMAND_SENT]:
        return None
    target = Stage.FINAL_OFFER if final else Stage.NEGOTIATION
    return target if STAGE_ORDER[current] < STAGE_ORDER[target] else None


OPEN_STAGES: tuple[Stage, ...] = tuple(
    s for s in Stage if STAGES[s].next is not None or s is Stage.SETTLEMENT
)
CLOSED_STAGES: tuple[Stage, ...] = tuple(Stage(outcome) for outcome in CloseOutcome)
STAGE_ORDER: dict[Stage, int] = {s: i for i, s in enumerate(Stage)}


class CloseFact(StrEnum):
    """A fact on record that lets a case close with an outcome."""

    FINAL_OFFER = "final_offer"  # a final offer is recorded (`/offer received … final`)
    ACCOUNTING_TALK = "accounting"  # step 9's conversation is logged (`/case contacted … client accounting`)
    DEMAND_SENT = "demand_sent"  # the demand stages are passed: the case is at "Demand sent" or later


# What closing as each outcome needs on record: any one of its facts. Without one, a manager is refused with
# what is missing; a lead or an admin may close anyway with `because <reason>` (kept on the case's history).
CLOSE_NEEDS: dict[CloseOutcome, tuple[CloseFact, ...]] = {
    CloseOutcome.SETTLED: (CloseFact.FINAL_OFFER, CloseFact.ACCOUNTING_TALK),
    CloseOutcome.LITIGATION: (CloseFact.ACCOUNTING_TALK, CloseFact.DEMAND_SENT),
    CloseOutcome.DROPPED: (),
}


class Kind(StrEnum):
    CLIENT = "client"
    ADJUSTER = "adjuster"
    PROVIDER = "provider"
    TASK = "task"


# The kinds the escalation rule raises to a lead after Numbers.escalate_after_business_days: their age is
# shown in calendar days with the business days beside them.
ESCALATE_KINDS: tuple[str, ...] = (Kind.CLIENT.value, Kind.ADJUSTER.value)

# A client contact logged as the accounting conversation of step 9: the only contact that closes R12.
ACCOUNTING = "accounting"


class ContactKind(StrEnum):
    """Whom a contact (or an attempt at one) is with: what `/case contacted` logs."""

    CLIENT = Kind.CLIENT.value
    ADJUSTER = Kind.ADJUSTER.value


# Whom a contact is with, as `/case contacted` takes it (the first is the default).
CONTACT_KINDS: tuple[str, ...] = tuple(ContactKind)
# Whom a contact on record may be with: those logged with `/case contacted`, and a provider's follow-up
# (`/case provider … followed-up`), which is kept as a contact with the provider. `/case fix contact` corrects
# any of them.
RECORDED_CONTACT_KINDS: tuple[str, ...] = (*CONTACT_KINDS, Kind.PROVIDER)


class Role(StrEnum):
    """What a person may do: a manager works their own cases; a lead and an admin every case (an admin also
    gives roles). Stored as its value in staff.role; a person casebot has no row for is a manager."""

    MANAGER = "manager"
    LEAD = "lead"
    ADMIN = "admin"


ROLES: tuple[Role, ...] = tuple(Role)
# The roles that see and act on every case, override a precondition with a reason, and get escalations.
LEAD_ROLES: tuple[Role, ...] = (Role.LEAD, Role.ADMIN)


class Attempt(StrEnum):
    """How someone tried to reach the client or the adjuster without reaching them: recorded and shown, it
    closes nothing and moves no clock. The first three are typed (`/case contacted … voicemail`); a message
    casebot sent for a call-rule (R1, R10, R11, R12: "please call us") is an attempt by sms or email."""

    ATTEMPT = "attempt"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no-answer"
    SMS = "sms"
    EMAIL = "email"


TYPED_ATTEMPTS: tuple[Attempt, ...] = (Attempt.ATTEMPT, Attempt.VOICEMAIL, Attempt.NO_ANSWER)


class HoldUp(StrEnum):
    CHART_NOTES = "chart-notes"
    BILLING = "billing"
    WAGE_LOSS = "wage-loss"
    OTHER = "other"


HOLDUP_LABELS: dict[HoldUp, str] = {
    HoldUp.CHART_NOTES: "missing chart notes",
    HoldUp.BILLING: "missing billing",
    HoldUp.WAGE_LOSS: "missing wage-loss authorization",
    HoldUp.OTHER: "other",
}


@dataclass(frozen=True)
class Rule:
    code: str
    kind: Kind
    reason: str  # one line: why this contact is due, in the firm's words
    talking_points: tuple[str, ...]  # our own words; {placeholders} are filled per case
    cadence_stages: tuple[Stage, ...] = ()  # a cadence rule runs while the case is in these stages


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "R1",
            Kind.CLIENT,
            "Treatment is complete: walk the client through what happens next",
            (
                "{provider_list}",
                "Explain the road ahead: records → demand → adjuster → negotiation.",
            ),
        ),
        Rule(
            "R2",
            Kind.CLIENT,
            "Twice-monthly status update while records are collected",
            (
                "Ask how they are doing.",
                "{outstanding}",
                "If a provider is slow, say so: the client can press the provider to send records faster.",
            ),
            cadence_stages=(Stage.RECORDS,),
        ),
        Rule(
            "R3",
            Kind.PROVIDER,
            "Follow up with {provider} on the outstanding {owed}",
            ("Requested {requested_on}; still owed: {owed}.",),
        ),
        Rule(
            "R4",
            Kind.CLIENT,
            "All records are in: the case goes to the legal team for the demand",
            (
                "Do not give a time frame unless you are certain.",
                "They are on the list for a legal assistant; work usually starts in about a week.",
            ),
        ),
        Rule(
            "R5",
            Kind.CLIENT,
            "Monthly update on what holds the demand up",
            ("{holdups}",),
            cadence_stages=(Stage.DEMAND_QUEUE, Stage.DEMAND_DRAFTING),
        ),
        Rule(
            "R6",
            Kind.CLIENT,
            "The demand went out on {sent_on}",
            ("The insurer has {ack_window_days} days to acknowledge it.",),
        ),
        Rule(
            "R7",
            Kind.ADJUSTER,
            "Confirm {adjuster} received the demand sent {sent_on}",
            ("Ask for the claim number and when to expect a response.",),
        ),
        Rule(
            "R8",
            Kind.CLIENT,
            "No acknowledgment {ack_window_days} days after the demand of {sent_on}",
            ("Tell the client we have no acknowledgment yet and are following up.",),
        ),
        Rule(
            "R8T",
            Kind.TASK,
            "No acknowledgment: get the current adjuster's details and resend the demand",
            ("The adjuster may have left the company; find who handles the claim now.",),
        ),
        Rule(
            "R9",
            Kind.CLIENT,
            "The demand was resent on {sent_on}{to_adjuster}",
            ("The insurer's {ack_window_days} days to acknowledge start again.",),
        ),
        Rule(
            "R10",
            Kind.CLIENT,
            "The {nth} offer came in and was rejected as too low",
            ("No need to give the amount unless they ask.",),
        ),
        Rule(
            "R11",
            Kind.CLIENT,
            "The final offer is in",
            ("We are reviewing whether to settle or push for more.",),
        ),
        Rule(
            "R12",
            Kind.CLIENT,
            "Go over the accounting: the client decides to settle or go to court",
            (
                "It is the client's choice; advise only if asked.",
                "In litigation the fee rises from 33⅓% to 40%: show the net both ways (/case accounting).",
            ),
        ),
        Rule(
            "R13",
            Kind.CLIENT,
            "Check-in: no client contact since {since}",
            ("Keep the client reasonably informed (ABA Model Rule 1.4).",),
        ),
        Rule(
            "R14",
            Kind.TASK,
            "Ask {holder} for a reduction of its lien",
            (
                "The final offer is in: every dollar a lien holder takes off goes to the client.",
                "Lien {n}, asserted {asserted_on}: recording its reduction or its acceptance closes this.",
            ),
        ),
        Rule(
            "R15",
            Kind.CLIENT,
            "The client wrote on {wrote_on} ({channel}): answer them",
            (
                "Read what they wrote (your DM, or the case's messages) and answer by the next business day.",
                "Reply goes back the way they wrote; or call them and log the contact.",
                "Give a date or an amount only if you are certain; if you need to find out, say when you will.",
            ),
        ),
    )
}
CADENCE_RULES = ("R2", "R5")

# R1's first talking point, with the providers recorded and without any yet.
R1_PROVIDERS = "Confirm the provider list: “I see you went to {places} — {names}. Is there more?”"
R1_NO_PROVIDERS = (
    "Ask where they were treated: no providers are recorded yet, so take the whole list from them."
)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
