"""`/case calendar`: a new private calendar link, the links a person holds, and what revoking one did."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from handlers.blocks.kit import Reply, code, context, section


def made(at: datetime, tz: tzinfo) -> str:
    """When a link was made, in the firm's time zone: `Sat Dec 5 2026 15:11`."""
    at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz)
    return f"{at:%a %b %-d %Y %H:%M}"


def build_calendar_link(url: str, *, most: int, replaced: str | None = None) -> Reply:
    """Only to the asker: their private calendar link, how to subscribe, and how to revoke it; `replaced` is
    when the oldest link was made, when this one took its place."""
    text = f"Your private calendar link: {url}"
    blocks = [
        section(
            ":calendar: *Your private calendar link*: limitation dates and claim deadlines of your open "
            f"cases, as all-day events with reminders.\n{code(url)}"
        ),
        context(
            "*Outlook*: Add calendar → Subscribe from web, paste the link. "
            "*Google Calendar*: Other calendars → + → From URL, paste the link. "
            "Events show the case number and the client's initials only."
        ),
        context(
            "Anyone with this link sees these deadlines: keep it to yourself. casebot keeps no copy, so it "
            f"can't show it again. You hold at most {most} links: `/case calendar list` shows them, "
            "`/case calendar revoke <n>` revokes one, `/case calendar reset` every one. "
            "A lawyer confirms every date."
        ),
    ]
    if replaced is not None:
        note = (
            f"You already had {most} calendar links, the most you can hold: your oldest, made {replaced}, "
            "is revoked, and a calendar subscribed to it gets nothing more."
        )
        text += f" {note}"
        blocks.insert(1, section(f":information_source: {note}"))
    return Reply(text, blocks)


def build_calendar_links(made_at: list[str], *, most: int) -> Reply:
    """The asker's links, numbered oldest first as `/case calendar revoke <n>` reads them."""
    if not made_at:
        text = "You have no calendar link. `/case calendar` gives you one."
        return Reply(text, [section(text)])
    head = f"*Your calendar links* ({len(made_at)} of at most {most}), oldest first:"
    lines = [f"{n}. made {when}" for n, when in enumerate(made_at, 1)]
    hint = (
        "`/case calendar revoke <n>` revokes link n (a calendar subscribed to it gets nothing more); "
        "`/case calendar reset` revokes them all. casebot keeps no copy of a link, so it can't show one again."
    )
    text = head.replace("*", "") + " " + "; ".join(lines)
    return Reply(text, [section(head + "\n" + "\n".join(lines)), context(hint)])
