"""`/case contacted`: a contact with the client or the adjuster, the accounting conversation, or an attempt
(a voicemail, no answer) that closes nothing. Its words, what runs, its table entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import services
from bot.rules.playbook import ACCOUNTING, CONTACT_KINDS, TYPED_ATTEMPTS, Kind
from bot.rules.said import Command, quoted, said
from bot.rules.wording import ATTEMPT_SPELLINGS, KIND_SPELLINGS, not_reached
from handlers.blocks import Reply
from handlers.commands.subcommand import (
    CASE,
    Subcommand,
    case_no,
    date_opt,
    outcome,
    refuse,
    text_without_days,
    vocab,
)
from handlers.context import Context
from handlers.parse import Quoted

ATTEMPT_WORDS: tuple[str, ...] = tuple(a.value for a in TYPED_ATTEMPTS)


@dataclass(frozen=True)
class Contacted:
    number: str
    kind: str
    on: date | None
    note: str | None
    topic: str | None = None  # `accounting`: the accounting conversation of step 9 (closes R12)
    attempt: str | None = None  # attempt | voicemail | no-answer: tried, not reached; closes nothing


def _line(number: str, kind: str, rest: str) -> str:
    return f"{CASE} {_words(number, kind, rest)}"


def _words(number: str, kind: str, rest: str) -> str:
    """The subcommand's words (a Command's), a note's backticks as quotes so that it stays one code span."""
    return f"{CONTACTED.name} {number} {kind} {rest.replace('`', chr(39))}".rstrip()


def parse_contacted(words: list[str]) -> Contacted:
    number = case_no(CONTACTED, words)
    typed = list(words)
    kind = vocab(
        CONTACTED,
        words,
        CONTACT_KINDS,
        KIND_SPELLINGS,
        example=lambda k: _line(number, k, " ".join(words[1:])),
    )
    kind = kind or CONTACT_KINDS[0]
    left = len(words)
    on = date_opt(CONTACTED, words)
    day = " ".join(typed[len(typed) - left : len(typed) - len(words)])  # the day as typed, for examples
    attempt = vocab(
        CONTACTED,
        words,
        ATTEMPT_WORDS,
        ATTEMPT_SPELLINGS,
        example=lambda a: _line(number, kind, f"{day} {a} {' '.join(words[1:])}".strip()),
    )
    topic = None
    if attempt is None and words and words[0].lower() == ACCOUNTING:
        if kind != Kind.CLIENT:
            raise refuse(CONTACTED, "The accounting conversation is with the client.")
        topic = words.pop(0).lower()
    unquoted = " ".join(w for w in words if not isinstance(w, Quoted))
    note = text_without_days(
        CONTACTED, words, "note", f"right after {kind} (/case contacted {number} {kind} 11/3 …)", recorded=on
    )
    gone = not_reached(unquoted) if attempt is None else None
    if gone is not None and note is not None:
        raise refuse(
            CONTACTED,
            said(
                "The note says ",
                quoted(gone),
                f": the {kind} was not reached. That is an attempt, which closes nothing; record it with `",
                Command(_words(number, kind, f"voicemail {note}")),
                "`. If you did reach them, put the note in quotes: `",
                Command(_words(number, kind, f'"{note}"')),
                "`. Nothing was recorded.",
            ),
            example=_line(number, kind, f"voicemail {note}"),
        )
    return Contacted(number=number, kind=kind, on=on, note=note, topic=topic, attempt=attempt)


def run_contacted(ctx: Context, actor: str, a: Contacted) -> Reply:
    if a.attempt is not None:
        return outcome(
            ctx, services.record_attempt(ctx.firm, actor, a.number, a.kind, a.on, a.attempt, a.note)
        )
    return outcome(
        ctx,
        services.log_contact(ctx.firm, actor, a.number, kind=a.kind, on=a.on, note=a.note, topic=a.topic),
    )


CONTACTED = Subcommand(
    CASE,
    "contacted",
    usage=f"<case-no> [{'|'.join(CONTACT_KINDS)}] [day] [note…]",
    also=(
        f"<case-no> client [day] {ACCOUNTING} [note…]",
        f"<case-no> {'|'.join(CONTACT_KINDS)} [day] {'|'.join(ATTEMPT_WORDS)} [note…]",
    ),
    help="log a contact (client … accounting: step 9's conversation; voicemail, no-answer: an attempt)",
    example="PI-2041 client 2026-11-20 called about PT",
    parse=parse_contacted,
    run=run_contacted,
    aliases=("contact",),
)
