"""`/case history`: one page of what was recorded on a case, newest first, to the person who asked."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from bot.rules.said import Person
from bot.services.history import History, HistoryItem
from handlers.blocks.kit import Block, Reply, code, context, esc, lines_sections, section


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _what(item: HistoryItem) -> str:
    """The entry's words: the people it names as mentions, everything typed escaped."""
    return "".join(f"<@{p.id}>" if isinstance(p, Person) else esc(str(p)) for p in item.what.parts)


def history_line(item: HistoryItem, tz: tzinfo) -> str:
    at = _aware(item.at).astimezone(tz)
    who = f"<@{item.by}>" if item.by[:1] in ("U", "W") else esc(item.by)
    when = f"{at:%a %b %-d %Y %H:%M}" if at.year != datetime.now(tz).year else f"{at:%a %b %-d %H:%M}"
    line = f"*{when}* · {who} · {_what(item)}"
    if item.on is not None and item.on != at.date():
        line += f", of {item.on:%a %b %-d}" + (f" {item.on.year}" if item.on.year != at.year else "")
    if item.note:
        line += f" — “{esc(item.note)}”"
    if item.undone:
        line = f"~{line}~ (undone)"
    return line


def build_history(h: History, tz: tzinfo) -> Reply:
    title = f"History of {esc(h.number)} · {esc(h.client)}"
    if not h.items:
        return Reply(f"{title}: nothing recorded yet.", [section(f"*{title}*: nothing recorded yet.")])
    where = f"page {h.page} of {h.pages}, " if h.pages > 1 else ""
    head = f"*{title}* — {where}{h.total} entr{'ies' if h.total != 1 else 'y'}, newest first"
    blocks: list[Block] = [section(head)]
    blocks.extend(lines_sections([history_line(i, tz) for i in h.items], max_blocks=3))
    more = []
    if h.page < h.pages:
        more.append(f"Older: {code(f'/case history {h.number} {h.page + 1}')}")
    if h.page > 1:
        more.append(f"Newer: {code(f'/case history {h.number} {h.page - 1}')}")
    if more:
        blocks.append(context(" · ".join(more)))
    return Reply(f"{title}, {where}{h.total} entries", blocks)
