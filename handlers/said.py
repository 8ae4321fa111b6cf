"""How Slack shows what the core said (bot/rules/said.py): a Person as a mention, a Command as the whole
slash command a person can type (`/case close PI-1 settled`), and what a person Typed as it was typed, its
place kept so that mrkdwn escapes it. Every service message passes through `say` (or `say_spans`) on its way
into a block (esc_message and the reply builders call it)."""

from __future__ import annotations

from bot.rules.said import Command, Person, Said, Typed, names_a_command


def slash_command(words: str) -> str:
    """`close PI-1 settled` as a whole command: `/case close PI-1 settled`. Which slash command a subcommand
    belongs to is one written table (bot/rules/said.py's OFFER_SUBCOMMANDS, which tests/services/test_said.py keeps
    equal to the command table's /offer entries), not something filled in as modules load."""
    return str(Command(words))


def say(text: str, *, mrkdwn: bool = False) -> str:
    """A message for Slack: its people as mentions and its commands whole; other text as it is (plain
    text: a form's error, a console line). For mrkdwn, `say_spans` also says where what was typed stands."""
    return say_spans(text, mrkdwn=mrkdwn)[0]


def say_spans(text: str, *, mrkdwn: bool = False) -> tuple[str, list[tuple[int, int]]]:
    """`say(text)`, and the (start, end) of each piece a person typed in it: mrkdwn escapes those. For mrkdwn
    (a block's text, not a form's plain error), a command's `<`, `>` and `&` are Slack's entities, so that a
    placeholder such as `<reason>` shows as typed instead of being read as a link."""
    if not isinstance(text, Said):
        return text, []
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    at = 0
    for part in text.parts:
        if isinstance(part, Person):
            piece = f"<@{part.id}>"
        elif isinstance(part, Command):
            piece = slash_command(part.words)
            if mrkdwn:
                piece = piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        else:
            piece = str(part)
            if isinstance(part, Typed):
                spans.append((at, at + len(piece)))
        out.append(piece)
        at += len(piece)
    return "".join(out), spans


def whole_command(text: str) -> bool:
    """An example a person can copy as it is: a command the core named, or a slash command written out whole
    (not a bare value such as `2026-11-30` or `CA`)."""
    return names_a_command(text) or str(text).lstrip().startswith(("/case", "/offer"))
