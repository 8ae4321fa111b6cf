"""The case card (`/case show`, the digest's Open case): stage, manager, providers, hold-ups, demand, offers,
the ledger, obligations, contact, and the buttons that act on it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.rules.playbook import STAGES, Stage
from bot.services.cards import CaseCard, LastContact
from bot.services.client_cards import ClientContactLine
from handlers.blocks.kit import (
    Block,
    Reply,
    actions,
    button,
    code,
    confirm,
    context,
    cut,
    day,
    days,
    esc,
    fit,
    header,
    in_stage,
    lines_sections,
    section,
)
from handlers.blocks.ledger import ledger_blocks
from handlers.blocks.lists import due_line
from handlers.blocks.offers import offer_line, told_buttons

# action_ids; a suffix after ":" keeps several of one kind in a message apart.
LOG_CONTACT = "log_contact"
ADVANCE = "advance"
PROVIDER_RECEIVED = "provider_received"

_PROVIDER_BUTTONS = 12


def _provider_line(p: Any) -> str:
    if not p.owed:
        return f"*{p.seq}. {esc(p.name)}* — all in (records {day(p.records_on)}, bills {day(p.bills_on)})"
    slow = " · *slow*" if p.slow else ""
    return f"*{p.seq}. {esc(p.name)}* — owes {p.owed}, asked {day(p.requested_on)} ({in_stage(p.days_open)}){slow}"


def _demand_text(card: CaseCard) -> str | None:
    """Every round of the demand, none overwritten (the first adjuster stays on record), then what the
    latest round still waits for."""
    d = card.demand
    if d.sent_on is None or not d.rounds:
        return None
    lines = []
    for r in d.rounds:
        what = "Sent" if r.n == 1 else f"Resent (round {r.n})"
        line = f"{what} {day(r.on)}" + (f" to {esc(r.adjuster)}" if r.adjuster else "")
        lines.append(line + (f" · acknowledged {day(r.acknowledged_on)}" if r.acknowledged_on else ""))
    if d.rounds[-1].acknowledged_on is None:
        lines.append(
            f"adjuster check by {day(d.adjuster_check_on)} · acknowledgment due by {day(d.ack_due_on)}"
        )
    return "\n".join(lines)


def _limitation_left(card: CaseCard) -> str:
    return _deadline_left(card.limitation_days_left)


def _deadline_left(left: int | None) -> str:
    if left is None:
        return "no date"
    if left > 0:
        return f"{days(left)} left"
    return "the last day is today" if left == 0 else f"passed {days(-left)} ago"


def _limitation_countdown(card: CaseCard) -> str:
    left = card.limitation_days_left or 0
    if left > 0:
        return f"{days(left)} to the limitation date"
    return "the limitation date is today" if left == 0 else f"the limitation date passed {days(-left)} ago"


def client_contact_line(c: ClientContactLine) -> str:
    """How to reach the client: number, address, language, preference, consent to texts and its source."""
    parts = []
    if c.phone:
        problem = f" ({c.phone_problem})" if c.phone_problem else ""
        parts.append(f":iphone: {esc(c.phone)}{problem}")
    if c.email:
        parts.append(f":email: {esc(c.email)}")
    parts.append("Spanish" if c.language == "es" else "English")
    if c.prefer:
        parts.append(f"prefers {'a call' if c.prefer == 'call' else c.prefer}")
    if c.zone:
        parts.append(f"time zone {esc(c.zone)}")
    if c.sms_consent:
        when = f" {c.consent_at:%Y-%m-%d}" if c.consent_at else ""
        who = f" by <@{c.consent_by}>" if c.consent_by and c.consent_by[:1] in ("U", "W") else ""
        parts.append(f"texts OK ({esc(c.consent_source or '')}{who}{when})")
    else:
        parts.append("no consent to texts")
    return "Client: " + " · ".join(parts)


def _attempt_lines(card: CaseCard) -> list[str]:
    """Who was tried and not reached since the last contact with them: an attempt closes nothing."""
    return [
        f":telephone_receiver: Not reached: {t.said}" + (f" ({esc(cut(t.note, 120))})" if t.note else "")
        for t in card.attempts
    ]


def _last_contact(on: date | None, last: LastContact | None) -> str:
    """ "Wed Nov 25 — “she is doing PT at home”": the day, and the note typed with that contact."""
    if on is None:
        return "none logged yet"
    shown = day(on)
    if last is not None and last.on == on and last.note:
        shown += f" — “{esc(cut(last.note, 300))}”"
    return shown


def _contact_lines(card: CaseCard) -> list[str]:
    lines = [f"Last client contact: {_last_contact(card.last_client_contact_on, card.last_client)}"]
    if card.last_adjuster is not None:
        lines.append(f"Last adjuster contact: {_last_contact(card.last_adjuster.on, card.last_adjuster)}")
    return lines


def build_case_card(card: CaseCard, today: date, *, buttons: bool = True) -> Reply:
    """The case card: stage and days in it, manager, providers, hold-ups, demand, offers, obligations, contact;
    one builder per section, in the card's order."""
    blocks: list[Block] = [
        header(f"{card.number} · {card.client}"),
        section("\n".join(_summary_lines(card))),
        *_provider_blocks(card, buttons),
        *_holdup_blocks(card),
        *_demand_blocks(card),
        *_offer_blocks(card, buttons),
        *ledger_blocks(card.ledger),
        *_obligation_blocks(card, today),
        *_action_blocks(card, buttons),
    ]
    text = f"{esc(card.number)} · {esc(card.client)}: {card.stage_label}, {in_stage(card.days_in_stage)}"
    more = f"…the card is longer than Slack shows; {code(f'/case show {card.number}')}"
    return Reply(text, fit(blocks, note=more))


def _summary_lines(card: CaseCard) -> list[str]:
    """The card's first section: stage, manager and team, contact, the claim and the limitation date."""
    summary = [_stage_line(card), *_contact_lines(card)]
    if card.client_contact is not None:
        summary.append(client_contact_line(card.client_contact))
    summary += _attempt_lines(card)
    if card.public_entity:  # the claim against a public entity is due long before the limitation date
        summary.append(_claim_line(card))
    if card.limitation_on:
        flag = ":red_circle: " if card.limitation_red or card.limitation_near else ""
        summary.append(
            f"{flag}Statute of limitations: {card.limitation_on:%Y-%m-%d} ({_limitation_left(card)})"
            + (f" · {esc(card.limitation_basis)}" if card.limitation_basis else "")
        )
    if card.limitation_on or card.public_entity:
        summary.append("_A lawyer confirms every date._")
    return summary


def _stage_line(card: CaseCard) -> str:
    return (
        f"*{card.stage_label}* "
        + (
            f"for {days(card.days_in_stage)} (since {day(card.stage_entered_on)}) · "
            if card.days_in_stage
            else f"since today ({day(card.stage_entered_on)}) · "
        )
        + f"manager <@{card.manager}>"
        + (f" · team {', '.join(f'<@{u}>' for u in card.team)}" if card.team else "")
    )


def _claim_line(card: CaseCard) -> str:
    """The claim against a public entity: made, due by its deadline, or its deadline still to enter."""
    if card.claim_done:
        return f":classical_building: Claim against a public entity {card.claim_done}" + (
            f" (its deadline was {card.claim_deadline_on:%Y-%m-%d})" if card.claim_deadline_on else ""
        )
    if card.claim_deadline_on:
        return (
            f"{':red_circle: ' if card.claim_near else ''}:classical_building: Claim deadline (public entity): "
            f"{card.claim_deadline_on:%Y-%m-%d} ({_deadline_left(card.claim_days_left)}) · {esc(card.claim_basis)}"
        )
    return (
        ":classical_building: Claim against a public entity: no claim deadline yet, "
        f"enter it: {code(f'/case claim-deadline {card.number} <YYYY-MM-DD>')}"
    )


def _provider_blocks(card: CaseCard, buttons: bool) -> list[Block]:
    """In their numbered order: a provider still owing something gets a section of its own, carrying its
    "Mark received" button; those in between are listed together. Past 12 buttons (rare) the rest are
    listed as text and marked with the command."""
    blocks: list[Block] = [section("*Providers*")]
    if not card.providers:
        blocks.append(context(f"None yet: {code(f'/case provider {card.number} add <name>')}"))
    owing = [p for p in card.providers if p.owed]
    with_buttons = owing[:_PROVIDER_BUTTONS] if buttons and not card.closed else []
    plain_lines: list[str] = []
    for p in sorted(card.providers, key=lambda p: p.seq):
        if p not in with_buttons:
            plain_lines.append(_provider_line(p))
            continue
        if plain_lines:
            blocks.extend(lines_sections(plain_lines))
            plain_lines = []
        blocks.append(_provider_with_button(card, p))
    if plain_lines:
        blocks.extend(lines_sections(plain_lines))
    return blocks


def _provider_with_button(card: CaseCard, p: Any) -> Block:
    value = f"{card.number}|{p.seq}|{'both' if p.owed == 'records and bills' else p.owed}"
    sure = confirm("Mark received?", f"Mark {p.owed} from {esc(p.name)} as received today?", "Received")
    return section(
        _provider_line(p),
        button("Mark received", f"{PROVIDER_RECEIVED}:{p.seq}", value, confirm=sure),
    )


def _holdup_blocks(card: CaseCard) -> list[Block]:
    if not card.holdups:
        return []
    lines = [
        f"{':red_circle: ' if h.red else ''}{h.label}"
        + (f" — {esc(h.note)}" if h.note else "")
        + f" (since {day(h.since)})"
        + (f" · *{_limitation_countdown(card)}*" if h.red else "")
        for h in card.holdups
    ]
    return [section("*Hold-ups*\n" + "\n".join(lines))]


def _demand_blocks(card: CaseCard) -> list[Block]:
    demand = _demand_text(card)
    return [section("*Demand*\n" + demand)] if demand else []


def _offer_blocks(card: CaseCard, buttons: bool) -> list[Block]:
    if not card.offers:
        return []
    blocks = [section("*Offers*\n" + "\n".join(offer_line(o) for o in card.offers))]
    if buttons and (told := told_buttons(card)):
        blocks.append(told)
    return blocks


def _obligation_blocks(card: CaseCard, today: date) -> list[Block]:
    lines = [due_line(o, today, with_client=False, with_case=False) for o in card.obligations]
    return [
        section("*Open obligations*"),
        *lines_sections(
            lines,
            empty="_None open._",
            max_blocks=3,
            more="…and {n} more lines of obligations than Slack shows",
        ),
    ]


def _action_blocks(card: CaseCard, buttons: bool) -> list[Block]:
    """Log contact and, where the next stage is reached by hand, Advance; a closed case says so instead."""
    if card.closed:
        return [context("This case is closed.")]
    if not buttons:
        return []
    elements = [button("Log contact", LOG_CONTACT, card.number, style="primary")]
    info = STAGES[Stage(card.stage)]
    if info.next is not None and info.via is None:
        label = STAGES[info.next].label
        elements.append(
            button(
                f"Advance to {label}",
                ADVANCE,
                json.dumps({"case": card.number, "expected": card.stage}),
                confirm=confirm(
                    "Advance the case?",
                    f"Move {esc(card.number)} from “{card.stage_label}” to “{label}” as of today?",
                    "Advance",
                ),
            )
        )
    return [actions("case", elements)]
