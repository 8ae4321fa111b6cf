"""How Slack shows what the core said (bot/rules/said.py): a Person as a mention, a Command as the whole
slash command a person can type (`/case close PI-1 settled`). Every service message passes through `say`
on its way into a block (esc_message and the reply builders call it)."""

from __future__ import annotations

from bot.rules.said import Command, Person, Said, names_a_command

# Each subcommand's slash command, as the command table's entries are made (handlers/commands/subcommand.py).
_COMMAND_OF: dict[str, str] = {}


def know_subcommand(name: str, command: str) -> None:
    _COMMAND_OF[name] = command


def slash_command(words: str) -> str:
    """`close PI-1 settled` as a whole command: `/case close PI-1 settled`."""
    command = Command(words)
    known = _COMMAND_OF.get(command.name)
    return f"{known} {words}" if known else str(command)


def say(text: str, *, mrkdwn: bool = False) -> str:
    """A message for Slack: its people as mentions and its commands whole; other text as it is. For mrkdwn
    (a block's text, not a form's plain error), a command's `<`, `>` and `&` are Slack's entities, so that a
    placeholder such as `<reason>` shows as typed instead of being read as a link."""
    if not isinstance(text, Said):
        return text
    out: list[str] = []
    for part in text.parts:
        if isinstance(part, Person):
            out.append(f"<@{part.id}>")
        elif isinstance(part, Command):
            whole = slash_command(part.words)
            if mrkdwn:
                whole = whole.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            out.append(whole)
        else:
            out.append(part)
    return "".join(out)


def whole_command(text: str) -> bool:
    """An example a person can copy as it is: a command the core named, or a slash command written out whole
    (not a bare value such as `2026-11-30` or `CA`)."""
    return names_a_command(text) or str(text).lstrip().startswith(("/case", "/offer"))
