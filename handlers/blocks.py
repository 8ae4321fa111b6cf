"""Every message, modal and Home tab casebot shows, as pure `build_*` functions from plain data to Block Kit.

Nothing here talks to Slack or the database; each builder keeps to Slack's limits (50 blocks a message,
100 a view, 3000 characters a section) by summarising what does not fit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.errors import CasebotError, UnknownCase
from bot.rules.parsing import money
from bot.rules.playbook import STAGES, Stage
from bot.rules.playbook import ordinal as ordinal_word
from bot.services.cards import CaseCard, DueItem
from bot.services.caseload import LeadOverview

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_CHARS = 3000
HEADER_CHARS = 150
BUTTON_CHARS = 75

Block = dict[str, Any]

# action_ids; a suffix after ":" keeps several of one kind in a message apart.
LOG_CONTACT = "log_contact"
ADVANCE = "advance"
PROVIDER_RECEIVED = "provider_received"
OFFER_INFORMED = "offer_informed"
OVERDUE_PREVIOUS = "overdue_page_previous"
OVERDUE_NEXT = "overdue_page_next"
NEW_CASE_VIEW = "new_case"
LOG_CONTACT_VIEW = "log_contact_view"


@dataclass(frozen=True)
class Reply:
    """A message: fallback text (notifications, screen readers) and its blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


# ---------------------------------------------------------------- small pieces


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text or " ", SECTION_CHARS)}}
    if accessory:
        block["accessory"] = accessory
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": _cut(text, HEADER_CHARS), "emoji": True}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, SECTION_CHARS)}]}


def divider() -> Block:
    return {"type": "divider"}


def button(
    label: str, action_id: str, value: str, *, style: str | None = None, confirm: Block | None = None
) -> Block:
    b: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": _cut(label, BUTTON_CHARS), "emoji": True},
        "action_id": action_id,
        "value": value[:2000],
    }
    if style:
        b["style"] = style
    if confirm:
        b["confirm"] = confirm
    return b


def _plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": True}


def lines_sections(
    lines: Sequence[str], *, empty: str = "_Nothing._", max_blocks: int = 1, more: str = "…and {n} more"
) -> list[Block]:
    """Lines packed into at most `max_blocks` sections of Slack's 3000 characters; the rest summarised."""
    if not lines:
        return [section(empty)]
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    budget = SECTION_CHARS - 60
    for i, line in enumerate(lines):
        line = _cut(line, budget)
        if size + len(line) + 1 > budget:
            if len(blocks) + 1 == max_blocks:
                chunk.append(more.format(n=len(lines) - i))
                blocks.append(section("\n".join(chunk)))
                return blocks
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    blocks.append(section("\n".join(chunk)))
    return blocks


def day(d: date | None) -> str:
    return f"{d:%b} {d.day}" if d else "—"


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _when(item: DueItem, today: date) -> str:
    if item.overdue_days:
        return f"*{_days(item.overdue_days)} overdue* (due {day(item.due_on)})"
    if item.due_on == today:
        return "due today"
    return f"due {day(item.due_on)}"


def due_line(item: DueItem, today: date, *, with_client: bool = True) -> str:
    who = f" {item.client}" if with_client else ""
    snoozed = (
        f" · snoozed to {day(item.snoozed_until)}" if item.state == "snoozed" and item.snoozed_until else ""
    )
    return f"• *{item.case}*{who} · {item.rule} {item.kind} · {_when(item, today)} · {item.reason}{snoozed}"


def fit(blocks: list[Block], limit: int = MESSAGE_BLOCKS, note: str = "…more in /case show") -> list[Block]:
    """At most `limit` blocks: the last one says what was left out."""
    if len(blocks) <= limit:
        return blocks
    return blocks[: limit - 1] + [context(note)]


# ---------------------------------------------------------------- replies to commands

CASE_HELP = (
    (
        "new <case-no> <client name…> [@manager] [YYYY-MM-DD] [sol YYYY-MM-DD]",
        "open a case (no words: a form)",
    ),
    ("show <case-no>", "the case card, with buttons"),
    ("provider <case-no> add|received|followed-up …", "providers' records and bills"),
    ("contacted <case-no> [client|adjuster] [YYYY-MM-DD] [note…]", "log a contact"),
    ("advance <case-no> [<stage>] [YYYY-MM-DD] [because <reason…>]", "next stage"),
    (
        "holdup <case-no> chart-notes|billing|wage-loss|other [note…] · clear [kind|all]",
        "what holds the demand up",
    ),
    ("demand <case-no> sent|ack|resent [YYYY-MM-DD] [adjuster <name…>]", "the demand's clocks"),
    (
        "accounting <case-no> <gross> [costs <amt>] [liens <amt>] [litigation-costs <amt>]",
        "settle now vs. litigate",
    ),
    ("assign <case-no> @user · close <case-no> settled|litigation|dropped", "hand over or close"),
    ("mine · due [YYYY-MM-DD] · overdue [@user]", "your cases and what is due"),
    ("away [until YYYY-MM-DD] [cover @user] · back", "away and cover"),
    ("role @user manager|lead|admin", "admins only"),
    ("sol <case-no> <YYYY-MM-DD> · sol <case-no> loss <YYYY-MM-DD> <state>", "the statute of limitations"),
    ("fees <case-no> [presuit <rate>] [litigation <rate>] [base gross|net]", "the retainer's fee terms"),
    ("handover @from @to", "move a manager's open cases (leads and admins)"),
)
OFFER_HELP = (
    ("received <case-no> <amount> [final] [YYYY-MM-DD]", "record an offer"),
    ("list <case-no>", "the offers and when the client was told"),
    ("informed <case-no> [<n>] [YYYY-MM-DD]", "the client was told of offer n (default the latest)"),
)


def build_help(command: str = "/case") -> Reply:
    rows = CASE_HELP if command == "/case" else OFFER_HELP
    lines = [f"`{command} {usage}` — {what}" for usage, what in rows]
    blocks = [
        section(f"*{command}* — what you can do:"),
        section("\n".join(lines)),
        context(
            "Dates are YYYY-MM-DD, today or earlier (a limitation date may be later). "
            "Amounts: 12500, 12,500, $12,500.00 or 12.5k. "
            + ("Offers: /offer help." if command == "/case" else "Cases: /case help.")
        ),
    ]
    return Reply(f"{command} help: " + "; ".join(f"{command} {u}" for u, _ in rows), blocks)


def build_error(error: CasebotError, *, usage: str | None = None, example: str | None = None) -> Reply:
    """A refusal: what was wrong, then how it is written and an example. Nothing was changed."""
    usage = error.usage or usage
    if isinstance(error, UnknownCase):
        # Its own example is a hint, not the command's shape: show both.
        hint, example = "`/case mine` lists your open cases.", example or error.example
    else:
        hint, example = "", error.example or example
    blocks = [section(f":warning: {error.message}")]
    hints = []
    if usage:
        hints.append(f"Usage: `{usage}`")
    if example:
        hints.append(f"Example: `{example}`")
    if hint:
        hints.append(hint)
    if hints:
        blocks.append(context("  ·  ".join(hints)))
    text = error.message + (f" Usage: {usage}" if usage else "") + (f" Example: {example}" if example else "")
    return Reply(text, blocks)


def build_message(text: str) -> Reply:
    return Reply(text, [section(text)])


def build_outcome(message: str, card: CaseCard | None, today: date) -> Reply:
    """A change's one-line result, the case's stage, and what it asks for next."""
    blocks = [section(f":white_check_mark: {message}")]
    if card is not None:
        nxt = next((o for o in card.obligations if o.state == "open"), None)
        bits = [f"*{card.number}* · {card.stage_label} ({_days(card.days_in_stage)})"]
        if nxt is not None:
            bits.append(f"next: {nxt.rule} {nxt.kind} {_when(nxt, today)}")
        blocks.append(context(" · ".join(bits) + f" · `/case show {card.number}`"))
    return Reply(message, blocks)


# ---------------------------------------------------------------- the case card


def _provider_line(p: Any) -> str:
    if not p.owed:
        return f"*{p.seq}. {p.name}* — all in (records {day(p.records_on)}, bills {day(p.bills_on)})"
    slow = " :snail: *slow*" if p.slow else ""
    return f"*{p.seq}. {p.name}* — owes {p.owed}, asked {day(p.requested_on)} ({_days(p.days_open)}){slow}"


def _demand_text(card: CaseCard) -> str | None:
    d = card.demand
    if d.sent_on is None:
        return None
    parts = [f"Sent {day(d.sent_on)}" + (f" to {d.adjuster}" if d.adjuster else "")]
    if d.resent_on:
        parts.append("resent " + ", ".join(day(x) for x in d.resent_on))
    if d.acknowledged_on:
        parts.append(f"acknowledged {day(d.acknowledged_on)}")
    else:
        parts.append(f"adjuster check by {day(d.adjuster_check_on)}")
        parts.append(f"acknowledgment due by {day(d.ack_due_on)}")
    return " · ".join(parts)


def _limitation_left(card: CaseCard) -> str:
    left = card.limitation_days_left
    if left is None:
        return "no date"
    if left > 0:
        return f"{_days(left)} left"
    return "the last day is today" if left == 0 else f"passed {_days(-left)} ago"


def _limitation_countdown(card: CaseCard) -> str:
    left = card.limitation_days_left or 0
    if left > 0:
        return f"{_days(left)} to the limitation date"
    return "the limitation date is today" if left == 0 else f"the limitation date passed {_days(-left)} ago"


def _offer_line(o: Any) -> str:
    what = "final offer" if o.final else f"{o.nth} offer"
    if o.informed_on:
        told = f"client told {day(o.informed_on)}"
    else:
        told = ":warning: *late: client not told yet*" if o.inform_late else "client not told yet"
    return f"*{what}* {money(o.amount)} · received {day(o.received_on)} · {told}"


def build_case_card(card: CaseCard, today: date, *, buttons: bool = True) -> Reply:
    """The case card: stage and days in it, manager, providers, hold-ups, demand, offers, obligations, contact."""
    stage = Stage(card.stage)
    summary = [
        f"*{card.stage_label}* for {_days(card.days_in_stage)} (since {day(card.stage_entered_on)}) · "
        f"manager <@{card.manager}>"
    ]
    contact = day(card.last_client_contact_on) if card.last_client_contact_on else "none logged yet"
    summary.append(f"Last client contact: {contact}")
    if card.limitation_on:
        flag = ":red_circle: " if card.limitation_red else ""
        summary.append(
            f"{flag}Statute of limitations: {card.limitation_on:%Y-%m-%d} ({_limitation_left(card)})"
        )
    blocks: list[Block] = [header(f"{card.number} · {card.client}"), section("\n".join(summary))]

    blocks.append(section("*Providers*"))
    if not card.providers:
        blocks.append(context(f"None yet: `/case provider {card.number} add <name>`"))
    owing = [p for p in card.providers if p.owed]
    # One section per provider still owing something, so each carries its own "Mark received" button;
    # past 12 of them (rare) the rest are listed as text and marked with the command.
    with_buttons = owing[:12] if buttons and not card.closed else []
    for p in card.providers:
        if p in with_buttons:
            value = f"{card.number}|{p.seq}|{'both' if p.owed == 'records and bills' else p.owed}"
            confirm = _confirm(
                "Mark received?", f"Mark {p.owed} from {p.name} as received today?", "Received"
            )
            blocks.append(
                section(
                    _provider_line(p),
                    button("Mark received", f"{PROVIDER_RECEIVED}:{p.seq}", value, confirm=confirm),
                )
            )
    rest = [_provider_line(p) for p in card.providers if p not in with_buttons]
    if rest:
        blocks.extend(lines_sections(rest))

    if card.holdups:
        lines = [
            f"{':red_circle: ' if h.red else ''}{h.label}"
            + (f" — {h.note}" if h.note else "")
            + f" (since {day(h.since)})"
            + (f" · *{_limitation_countdown(card)}*" if h.red else "")
            for h in card.holdups
        ]
        blocks.append(section("*Hold-ups*\n" + "\n".join(lines)))

    demand = _demand_text(card)
    if demand:
        blocks.append(section("*Demand*\n" + demand))

    if card.offers:
        blocks.append(section("*Offers*\n" + "\n".join(_offer_line(o) for o in card.offers)))
        if buttons and (told := _told_buttons(card)):
            blocks.append(told)

    lines = [
        due_line(o, today, with_client=False).replace(f"*{card.number}* · ", "") for o in card.obligations
    ]
    blocks.append(section("*Open obligations*"))
    blocks.extend(lines_sections(lines, empty="_None open._", max_blocks=2))

    if buttons and not card.closed:
        elements = [button("Log contact", LOG_CONTACT, card.number, style="primary")]
        info = STAGES[stage]
        if info.next is not None and info.via is None:
            label = STAGES[info.next].label
            elements.append(
                button(
                    f"Advance to {label}",
                    ADVANCE,
                    json.dumps({"case": card.number, "expected": card.stage}),
                    confirm=_confirm(
                        "Advance the case?",
                        f"Move {card.number} from “{STAGES[stage].label}” to “{label}” as of today?",
                        "Advance",
                    ),
                )
            )
        blocks.append({"type": "actions", "block_id": "case", "elements": elements})
    elif card.closed:
        blocks.append(context("This case is closed."))
    text = f"{card.number} · {card.client}: {card.stage_label}, {_days(card.days_in_stage)}"
    return Reply(text, fit(blocks, note=f"…the card is longer than Slack shows; `/case show {card.number}`"))


def _confirm(title: str, text: str, yes: str) -> Block:
    return {
        "title": _plain(title, 100),
        "text": {"type": "mrkdwn", "text": _cut(text, 300)},
        "confirm": _plain(yes, 30),
        "deny": _plain("Cancel", 30),
    }


def build_offers(card: CaseCard) -> Reply:
    if not card.offers:
        return build_message(
            f"{card.number} has no offers yet. Record one: `/offer received {card.number} <amount>`"
        )
    blocks = [
        section(f"*Offers on {card.number}* · {card.client}"),
        section("\n".join(_offer_line(o) for o in card.offers)),
    ]
    if told := _told_buttons(card):
        blocks.append(told)
    return Reply(f"{len(card.offers)} offer(s) on {card.number}", blocks)


def _told_buttons(card: CaseCard) -> Block | None:
    """A "Client told" button for each of the latest offers the client has not been told of."""
    untold = [o for o in card.offers if o.informed_on is None][-5:]
    if not untold:
        return None
    return {
        "type": "actions",
        "block_id": "offers",
        "elements": [
            button(
                f"Client told of {'final' if o.final else o.nth} offer",
                f"{OFFER_INFORMED}:{o.n}",
                f"{card.number}|{o.n}",
            )
            for o in untold
        ],
    }


# ---------------------------------------------------------------- lists


def build_mine(rows: Sequence[tuple[str, str, str, int]]) -> Reply:
    if not rows:
        return build_message("You have no open cases. Open one with `/case new <case-no> <client name>`.")
    blocks: list[Block] = [section(f"*Your open cases* ({len(rows)})")]
    blocks.extend(_cases_by_stage(rows, max_blocks=MESSAGE_BLOCKS - 2))
    return Reply(f"You have {len(rows)} open case(s).", fit(blocks))


def _cases_by_stage(rows: Sequence[tuple[str, str, str, int]], *, max_blocks: int) -> list[Block]:
    by_stage: dict[str, list[str]] = {}
    for number, client, stage, days in rows:
        by_stage.setdefault(stage, []).append(f"• *{number}* {client} · {_days(days)}")
    blocks: list[Block] = []
    for stage, lines in by_stage.items():
        if len(blocks) >= max_blocks:
            break
        label = STAGES[Stage(stage)].label
        blocks.extend(lines_sections([f"*{label}* ({len(lines)})", *lines]))
    return blocks[:max_blocks]


def build_due(items: Sequence[DueItem], on: date, today: date) -> Reply:
    """What is due on a day (by a later day: everything until then), and what is overdue as of today."""
    overdue = [i for i in items if i.due_on < today]
    due = [i for i in items if i.due_on >= today]
    when = "today" if on == today else f"{'by' if on > today else 'on'} {on:%a %b} {on.day}"
    if not items:
        return build_message(f"Nothing due {when}, and nothing overdue. :tada:")
    blocks = [section(f"*Due {when}* ({len(due)})")]
    blocks.extend(lines_sections([due_line(i, today) for i in due], empty="_Nothing._", max_blocks=10))
    blocks.append(section(f"*Overdue* ({len(overdue)})"))
    blocks.extend(lines_sections([due_line(i, today) for i in overdue], empty="_Nothing._", max_blocks=10))
    return Reply(f"{len(due)} due {when}, {len(overdue)} overdue.", fit(blocks))


OVERDUE_PAGE_ITEMS = 40  # obligations a page: with a section a manager, well inside 50 blocks
_OVERDUE_LINE_CHARS = 280


def _late(item: DueItem) -> str:
    """How late, in business days (a Friday item on Sunday is overdue but 0 business days late)."""
    n = item.overdue_business_days
    age = f"{n} business day{'' if n == 1 else 's'} overdue" if n else "overdue"
    return f"*{age}* (due {day(item.due_on)})"


def overdue_line(item: DueItem) -> str:
    snoozed = (
        f" · snoozed to {day(item.snoozed_until)}" if item.state == "snoozed" and item.snoozed_until else ""
    )
    line = f"• *{item.case}* {item.client} · {item.rule} {item.kind} · {_late(item)} · {item.reason}{snoozed}"
    return _cut(line, _OVERDUE_LINE_CHARS)


def _most_overdue(item: DueItem) -> tuple[int, int, str, str]:
    return (-item.overdue_business_days, -item.overdue_days, item.case, item.rule)


def overdue_order(items: Sequence[DueItem], *, by_manager: bool) -> list[DueItem]:
    """Most overdue first; by manager, the manager with the most overdue item first, their items together."""
    if not by_manager:
        return sorted(items, key=_most_overdue)
    groups: dict[str, list[DueItem]] = {}
    for i in sorted(items, key=_most_overdue):
        groups.setdefault(i.manager, []).append(i)
    order = sorted(groups, key=lambda m: (_most_overdue(groups[m][0])[:2], m))
    return [i for m in order for i in groups[m]]


def overdue_page_count(total: int) -> int:
    return max(1, -(-total // OVERDUE_PAGE_ITEMS))


def build_overdue(
    items: Sequence[DueItem], today: date, *, everyone: bool, page: int = 1, user: str | None = None
) -> Reply:
    """Overdue obligations, most overdue first, ages in business days; for a lead, grouped by manager.

    A page holds OVERDUE_PAGE_ITEMS; Previous and Next carry the page and the @user filter, so a click
    shows the list as it stands then. `user` is whose list a lead asked for (None: their own or everyone's)."""
    if not items:
        return build_message(
            f"<@{user}> has nothing overdue. :tada:" if user else "Nothing is overdue. :tada:"
        )
    ordered = overdue_order(items, by_manager=everyone)
    pages = overdue_page_count(len(ordered))
    page = min(max(page, 1), pages)
    first = (page - 1) * OVERDUE_PAGE_ITEMS
    shown = ordered[first : first + OVERDUE_PAGE_ITEMS]
    counts: dict[str, int] = {}
    for i in ordered:
        counts[i.manager] = counts.get(i.manager, 0) + 1
    if everyone:
        title = f"*Overdue across the firm*: {len(items)} for {len(counts)} manager(s), most overdue first"
        text = f"{len(items)} overdue across {len(counts)} manager(s)."
    elif user:
        title, text = f"*Overdue for <@{user}>* ({len(items)})", f"{len(items)} overdue for <@{user}>."
    else:
        title, text = f"*Overdue* ({len(items)})", f"{len(items)} overdue."
    blocks: list[Block] = [section(title)]
    room = MESSAGE_BLOCKS - 3  # the title above, the page line and the buttons below
    if everyone:
        groups: dict[str, list[DueItem]] = {}
        for i in shown:
            groups.setdefault(i.manager, []).append(i)
        for m, group in groups.items():
            earlier = first > 0 and ordered[first - 1].manager == m and group[0] is shown[0]
            heading = f"*<@{m}>* · {counts[m]} overdue" + (" (continued)" if earlier else "")
            lines = [heading, *(overdue_line(i) for i in group)]
            blocks.extend(lines_sections(lines, max_blocks=max(1, room - len(blocks) + 1)))
    else:
        blocks.extend(lines_sections([overdue_line(i) for i in shown], max_blocks=room))
    if pages > 1:
        blocks.append(
            context(
                f"Page {page} of {pages} · {first + 1}–{first + len(shown)} of {len(items)}"
                + ("" if user or not everyone else " · `/case overdue @user` for one person")
            )
        )
        buttons = []
        if page > 1:
            buttons.append(button("Previous", OVERDUE_PREVIOUS, _page_value(page - 1, user)))
        if page < pages:
            buttons.append(button("Next", OVERDUE_NEXT, _page_value(page + 1, user), style="primary"))
        blocks.append({"type": "actions", "block_id": "overdue_pages", "elements": buttons})
        text = f"{text} Page {page} of {pages}."
    return Reply(text, fit(blocks))


def _page_value(page: int, user: str | None) -> str:
    return json.dumps({"page": page, "user": user}, separators=(",", ":"))


def read_page_value(value: str) -> tuple[int, str | None]:
    """The page and @user filter a Previous or Next button carries; an unreadable one is page 1, no filter."""
    try:
        data = json.loads(value)
        page, user = int(data.get("page", 1)), data.get("user")
    except (ValueError, TypeError, AttributeError):
        return 1, None
    return max(page, 1), (str(user) if user else None)


# ---------------------------------------------------------------- accounting


def build_accounting(statement: Any) -> Reply:
    """The settlement statement (bot.rules.fees.Statement): settle now and litigate, side by side."""
    number = getattr(statement, "case", None)
    title = "Settlement statement" + (f" · {number}" if number else "")
    client = getattr(statement, "client", None)
    blocks: list[Block] = [section(f"*{title}*" + (f" — {client}" if client else ""))]
    fields = []
    for side in (statement.settle_now, statement.litigate):
        base = "" if side.fee_base == "gross" else f" of {money(side.fee_base_amount)} net of costs"
        fields.append(
            {
                "type": "mrkdwn",
                "text": "\n".join(
                    [
                        f"*{side.label}*",
                        f"Gross settlement: {money(side.gross)}",
                        f"Fee ({side.fee_percent}{base}): −{money(side.fee)}",
                        f"Case costs: −{money(side.costs)}",
                        f"Liens and medical bills: −{money(side.liens)}",
                        f"*Net to client: {money(side.net_to_client)}*",
                    ]
                ),
            }
        )
    blocks.append({"type": "section", "fields": fields})
    notes = []
    if getattr(statement, "litigation_costs", None) is not None:
        notes.append(f"Litigation column uses the cost estimate {money(statement.litigation_costs)}.")
    if getattr(statement, "terms_from_case", False):
        notes.append("Fee terms from this case's retainer.")
    notes.append("It is the client's choice; advise only if asked.")
    blocks.append(context(" ".join(notes)))
    text = (
        f"{title}: net to client {money(statement.settle_now.net_to_client)} settling now, "
        f"{money(statement.litigate.net_to_client)} in litigation"
    )
    return Reply(text, blocks)


# ---------------------------------------------------------------- App Home


def build_home(
    user: str,
    *,
    today: date,
    due: Sequence[DueItem],
    cases: Sequence[tuple[str, str, str, int]],
    overview: LeadOverview | None = None,
    overdue_ages: Mapping[str, int] | None = None,
    red_days: int,
    inform_days: int,
    role: str = "manager",
) -> dict[str, Any]:
    """A person's Home tab: due today, overdue, their cases by stage; a lead also sees the firm's overview.

    `overdue_ages` is each manager's oldest overdue item in business days; `red_days` and `inform_days` are
    the playbook's numbers the overview was counted with (for its headings)."""
    due_today = [i for i in due if i.due_on >= today]
    late = [i for i in due if i.due_on < today]
    blocks: list[Block] = [
        header(f"casebot · {today:%A %b} {today.day}"),
        context(f"<@{user}> · {role} · `/case help` for everything"),
        section(f"*Due today* ({len(due_today)})"),
        *lines_sections([due_line(i, today) for i in due_today], empty="_Nothing due today._", max_blocks=8),
        section(f"*Overdue* ({len(late)})"),
        *lines_sections([due_line(i, today) for i in late], empty="_Nothing overdue._", max_blocks=8),
        divider(),
        section(f"*Your open cases* ({len(cases)})"),
        *(_cases_by_stage(cases, max_blocks=30) if cases else [section("_None open._")]),
    ]
    if overview is not None:
        blocks.extend(_lead_overview(overview, overdue_ages or {}, red_days, inform_days))
    return {"type": "home", "blocks": fit(blocks, VIEW_BLOCKS, note="…more with `/case overdue`")}


def _lead_overview(o: LeadOverview, ages: Mapping[str, int], red_days: int, inform_days: int) -> list[Block]:
    """The firm as a lead sees it: at most 17 blocks, so a lead's Home stays inside Slack's 100."""
    blocks: list[Block] = [divider(), header("The firm")]
    stages = [
        f"• *{s.label}*: {s.cases} · average {s.average_days:g} days in stage (longest {s.longest_days})"
        for s in o.stages
    ]
    blocks.append(
        section(f"*Open cases by stage* ({o.open_cases})\n" + ("\n".join(stages) or "_None open._"))
    )

    total = sum(m.overdue for m in o.overdue)
    lines = [f"*Overdue by manager* ({total})"]
    for m in o.overdue:
        n = ages.get(m.manager, m.oldest_days)
        lines.append(
            f"• <@{m.manager}>: {m.overdue} · oldest {n} business day{'' if n == 1 else 's'} "
            f"(due {day(m.oldest_due_on)})"
        )
    if not o.overdue:
        lines.append("_Nothing overdue across the firm._")
    blocks.extend(lines_sections(lines, max_blocks=3, more="…and {n} more: `/case overdue`"))
    blocks.append(section(f"*Escalations open*: {o.escalations_open}"))

    lines = [f"*Inside {red_days} days of the limitation date* ({len(o.inside_limitation)})"]
    lines += [
        f"• :red_circle: *{c.case}* · <@{c.manager}> · {c.limitation_on:%Y-%m-%d} · "
        + (f"{_days(c.days_left)} left" if c.days_left >= 0 else f"passed {_days(-c.days_left)} ago")
        for c in o.inside_limitation
    ]
    if not o.inside_limitation:
        lines.append("_None._")
    blocks.extend(lines_sections(lines, max_blocks=3))

    lines = [
        f"*Offers the client was not told of within {inform_days} business days* ({len(o.offers_not_told)})"
    ]
    lines += [
        f"• :warning: *{x.case}* · {'final' if x.final else ordinal_word(x.n)} offer · received "
        f"{day(x.received_on)}, {x.business_days} business days ago · <@{x.manager}>"
        for x in o.offers_not_told
    ]
    if not o.offers_not_told:
        lines.append("_None._")
    blocks.extend(lines_sections(lines, max_blocks=3))
    return blocks


# ---------------------------------------------------------------- modals


def build_new_case_modal(user: str, today: date, *, channel: str | None = None) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": NEW_CASE_VIEW,
        "title": _plain("New case", 24),
        "submit": _plain("Open case", 24),
        "close": _plain("Cancel", 24),
        "private_metadata": json.dumps({"channel": channel}) if channel else "",
        "blocks": [
            _input(
                "number",
                "Case number",
                {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "max_length": 40,
                    "placeholder": _plain("PI-2041", 150),
                },
            ),
            _input(
                "client",
                "Client's name",
                {"type": "plain_text_input", "action_id": "value", "max_length": 200},
            ),
            _input(
                "manager",
                "Case manager",
                {"type": "users_select", "action_id": "value", "initial_user": user},
            ),
            _input(
                "on",
                "Treatment completed",
                {"type": "datepicker", "action_id": "value", "initial_date": today.isoformat()},
                hint="Today or earlier: the playbook's clocks count from this day.",
            ),
            _input(
                "sol", "Statute of limitations", {"type": "datepicker", "action_id": "value"}, optional=True
            ),
        ],
    }


def build_log_contact_modal(number: str, today: date, *, channel: str | None = None) -> dict[str, Any]:
    options = [
        {"text": _plain("Client", 75), "value": "client"},
        {"text": _plain("Adjuster", 75), "value": "adjuster"},
    ]
    return {
        "type": "modal",
        "callback_id": LOG_CONTACT_VIEW,
        "title": _plain("Log contact", 24),
        "submit": _plain("Log it", 24),
        "close": _plain("Cancel", 24),
        "private_metadata": json.dumps({"case": number, "channel": channel}),
        "blocks": [
            section(f"*{number}*"),
            _input(
                "kind",
                "Who",
                {
                    "type": "radio_buttons",
                    "action_id": "value",
                    "options": options,
                    "initial_option": options[0],
                },
            ),
            _input(
                "on", "Day", {"type": "datepicker", "action_id": "value", "initial_date": today.isoformat()}
            ),
            _input(
                "note",
                "Note",
                {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 2000},
                optional=True,
            ),
        ],
    }


def _input(
    block_id: str, label: str, element: Block, *, optional: bool = False, hint: str | None = None
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint, 2000)
    return block


def all_text(blocks: Iterable[Block]) -> str:
    """Every string in the blocks, for tests and for checking what a message says."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(list(blocks))
    return "\n".join(out)
