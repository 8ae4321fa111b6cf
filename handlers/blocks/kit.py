"""The one Block Kit kit: blocks cut to Slack's limits, and `esc()` for every piece of text a person typed.

Text that goes into mrkdwn (sections, context, confirm dialogs, a message's fallback `text`) is casebot's own
markup plus user text passed through `esc()`; plain_text (headers, button labels, modal titles) is never
parsed by Slack, so it takes user text as it is."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from handlers.said import say_spans

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_CHARS = 3000
HEADER_CHARS = 150
BUTTON_CHARS = 75
BUTTON_VALUE_CHARS = 2000
CONFIRM_TITLE_CHARS = 100
CONFIRM_TEXT_CHARS = 300
CONFIRM_BUTTON_CHARS = 30
BLOCK_ID_CHARS = 255

Block = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """A message: fallback text (notifications, screen readers) and its blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


# ---------------------------------------------------------------- user text

# A zero-width space on each side of a formatting character keeps it from opening or closing bold, italic,
# strike or code (Slack needs a non-space right inside the pair); `@` is kept from reading as @here.
_ZWSP = "\u200b"
_FORMATTING = re.compile(r"[*_~`]")
_AT = re.compile(r"@(?=\w)")


_SPECIAL = re.compile(f"[&<>@]|{_FORMATTING.pattern}")  # anything the lines below would change


def esc(text: object) -> str:
    """User text made literal for mrkdwn: `&`, `<`, `>` as Slack's entities (so `<!here>`, `<@U1>` and
    `<https://x|label>` show as typed), and `*`, `_`, `~`, backticks and `@word` unable to format or mention."""
    s = str(text)
    if _SPECIAL.search(s) is None:
        return s  # most text (a name, a reason, a day) has nothing to escape: a hundred due lines, 4 each
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _FORMATTING.sub(lambda m: f"{_ZWSP}{m.group(0)}{_ZWSP}", s)
    return _AT.sub(f"@{_ZWSP}", s)


def esc_message(text: str) -> str:
    """A message the core wrote (an outcome, a refusal, casebot's own words), with what a person typed
    made literal.

    The message is casebot's own mrkdwn (mentions, `/case …` in backticks) and stays as written; every piece
    the core marked as Typed (bot/rules/said.py) is escaped by its type, wherever it stands and whatever it
    looks like: nothing is escaped for its punctuation or for matching a name. The people and commands the
    core named (a Said) are shown as mentions and whole slash commands."""
    return _escaped(*say_spans(text, mrkdwn=True))


def _escaped(text: str, spans: list[tuple[int, int]]) -> str:
    out, at = [], 0
    for start, end in sorted(spans):
        if start < at:  # inside a span already escaped
            start = at
        if start >= end:
            continue
        out += [text[at:start], esc(text[start:end])]
        at = end
    out.append(text[at:])
    return "".join(out)


def code(text: str) -> str:
    """`text` as inline code: Slack does not format inside it, but still reads &, < and >, and a backtick
    would end it early."""
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")
    return f"`{s}`"


# ---------------------------------------------------------------- blocks


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, the last an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = HEADER_CHARS) -> Block:
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def section(text: str, accessory: Block | None = None, *, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": cut(text or " ", SECTION_CHARS)}}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id[:BLOCK_ID_CHARS]
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_CHARS)}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, SECTION_CHARS)}]}


def divider() -> Block:
    return {"type": "divider"}


def button(
    label: str, action_id: str, value: str, *, style: str | None = None, confirm: Block | None = None
) -> Block:
    b: Block = {
        "type": "button",
        "text": plain(label, BUTTON_CHARS),
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_CHARS],
    }
    if style:
        b["style"] = style
    if confirm:
        b["confirm"] = confirm
    return b


def actions(block_id: str, elements: list[Block]) -> Block:
    return {"type": "actions", "block_id": block_id[:BLOCK_ID_CHARS], "elements": elements}


def confirm(title: str, text: str, yes: str) -> Block:
    """A confirm dialog; `text` is mrkdwn, so user text in it goes through esc()."""
    return {
        "title": plain(title, CONFIRM_TITLE_CHARS),
        "text": {"type": "mrkdwn", "text": cut(text, CONFIRM_TEXT_CHARS)},
        "confirm": plain(yes, CONFIRM_BUTTON_CHARS),
        "deny": plain("Cancel", CONFIRM_BUTTON_CHARS),
    }


def lines_sections(
    lines: Sequence[str],
    *,
    empty: str = "_Nothing._",
    max_blocks: int = 1,
    more: str = "…and {n} more",
    total: int | None = None,
) -> list[Block]:
    """Lines packed into at most `max_blocks` sections of Slack's 3000 characters; the rest summarised.
    `total` is how many lines there are in all when `lines` holds only the first of them."""
    if not lines:
        return [section(empty)]
    total = max(total or 0, len(lines))
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    budget = SECTION_CHARS - 60
    for i, line in enumerate(lines):
        line = cut(line, budget)
        if size + len(line) + 1 > budget:
            if len(blocks) + 1 == max_blocks:
                chunk.append(more.format(n=total - i))
                blocks.append(section("\n".join(chunk)))
                return blocks
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if total > len(lines):
        chunk.append(more.format(n=total - len(lines)))
    blocks.append(section("\n".join(chunk)))
    return blocks


def fit(blocks: list[Block], limit: int = MESSAGE_BLOCKS, note: str = "…more in /case show") -> list[Block]:
    """At most `limit` blocks: the last one says what was left out."""
    if len(blocks) <= limit:
        return blocks
    return blocks[: limit - 1] + [context(note)]


# ---------------------------------------------------------------- words


def day(d: date | None) -> str:
    return f"{d:%b} {d.day}" if d else "—"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def days(n: int) -> str:
    return plural(n, "day")


def in_stage(n: int) -> str:
    """How long something has been where it is: "3 days", "1 day", never "0 days" ("since today")."""
    return "since today" if n == 0 else days(n)


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
