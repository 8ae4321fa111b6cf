"""The client's side: `/case client` (contact details, consent to texts) and `/case update` (preview, send)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.client_details import CHANNELS, LANGUAGES, PREFERENCES
from bot.rules.said import quoted, said
from bot.services.client_updates import preview_update, send_update
from bot.services.clients import DETAILS, set_client_detail, set_sms_consent
from handlers.blocks import Reply
from handlers.blocks.client_updates import build_update_preview, build_update_queued
from handlers.commands.subcommand import CASE, Form, Subcommand, case_no, no_more, one_of, outcome, refuse
from handlers.context import Context

# ---------------------------------------------------------------- client

DETAIL_USAGE = (
    f"<case-no> phone <number>|email <address>|language {'|'.join(LANGUAGES)}|"
    f"prefer {'|'.join(PREFERENCES)}|zone <time zone>"
)


@dataclass(frozen=True)
class ClientDetail:
    number: str
    what: str  # phone | email | language | prefer | zone
    value: str


@dataclass(frozen=True)
class ClientConsent:
    number: str
    granted: bool
    source: str | None


def parse_client(words: list[str]) -> ClientDetail | ClientConsent:
    number = case_no(CLIENT, words)
    if not words:
        raise refuse(CLIENT, f"Say what to set: {one_of((*DETAILS, 'consent'))}.")
    what = words.pop(0).lower()
    if what == "consent":
        return _parse_consent(number, words)
    if what not in DETAILS:
        raise refuse(
            CLIENT, said(quoted(what[:30]), f" is not a contact detail: {one_of((*DETAILS, 'consent'))}.")
        )
    shown = CLIENT.forms[ClientDetail]
    if not words:
        raise refuse(shown, f"Give the client's {what}.", example=_example(number, what))
    if what in ("email", "language", "prefer") and len(words) > 1:
        raise refuse(shown, f"The {what} is one word.", example=_example(number, what))
    return ClientDetail(number, what, " ".join(words))


def _example(number: str, what: str) -> str:
    value = {
        "phone": "(305) 555-0123",
        "email": "ana.rivera@example.com",
        "language": "es",
        "prefer": "sms",
        "zone": "America/Chicago",
    }
    return f"/case client {number} {what} {value.get(what, '')}"


def _parse_consent(number: str, words: list[str]) -> ClientConsent:
    shown = CLIENT.forms[ClientConsent]
    example = f"/case client {number} consent sms yes engagement letter"
    if not words or words[0].lower() != "sms":
        raise refuse(
            shown, "Consent is to texts: say `consent sms yes <how…>` or `consent sms no`.", example=example
        )
    words.pop(0)
    answer = words.pop(0).lower() if words else ""
    if answer == "no":
        no_more(shown, words)
        return ClientConsent(number, False, None)
    if answer != "yes":
        raise refuse(shown, "Say yes (with how the client agreed) or no.", example=example)
    if not words:
        raise refuse(
            shown,
            "Say how the client agreed to texts (the engagement letter, told by phone…).",
            example=example,
        )
    return ClientConsent(number, True, " ".join(words))


def run_client(ctx: Context, actor: str, a: ClientDetail | ClientConsent) -> Reply:
    if isinstance(a, ClientConsent):
        return outcome(ctx, set_sms_consent(ctx.firm, actor, a.number, a.granted, a.source))
    return outcome(ctx, set_client_detail(ctx.firm, actor, a.number, a.what, a.value))


CLIENT = Subcommand(
    CASE,
    "client",
    usage=DETAIL_USAGE,
    help="the client's contact details",
    example="PI-2041 phone (305) 555-0123",
    parse=parse_client,
    run=run_client,
    forms={
        ClientDetail: Form(
            CASE,
            "client",
            usage=DETAIL_USAGE,
            example="PI-2041 phone (305) 555-0123",
            help="the client's contact details",
        ),
        ClientConsent: Form(
            CASE,
            "client",
            usage="<case-no> consent sms yes <how…>|no",
            example="PI-2041 consent sms yes engagement letter",
            help="consent to texts, with its source",
        ),
    },
)


# ---------------------------------------------------------------- update


@dataclass(frozen=True)
class Update:
    number: str
    channel: str | None
    rule: str | None
    send: bool


def parse_update(words: list[str]) -> Update:
    number = case_no(UPDATE, words)
    channel = rule = None
    send = False
    if words and words[0].lower() in CHANNELS:
        channel = words.pop(0).lower()
    if words and words[0].upper().startswith("R") and words[0][1:].isdigit():
        rule = words.pop(0).upper()
    if words and words[0].lower() == "send":
        words.pop(0)
        send = True
    if words:
        raise refuse(
            UPDATE,
            said(
                "I don't know what to do with ",
                quoted(" ".join(words)[:60]),
                f": after the case come {one_of(CHANNELS)}, a rule (R2) and send, each optional, in that order.",
            ),
        )
    return Update(number, channel, rule, send)


def run_update(ctx: Context, actor: str, a: Update) -> Reply:
    if a.send:
        queued = send_update(ctx.firm, actor, a.number, channel=a.channel, rule=a.rule)
        return build_update_queued(queued, ctx.firm.now())
    return build_update_preview(preview_update(ctx.firm, actor, a.number, channel=a.channel, rule=a.rule))


UPDATE = Subcommand(
    CASE,
    "update",
    usage=f"<case-no> [{'|'.join(CHANNELS)}] [R<n>] [send]",
    help="preview the playbook notice in the client's language; send sends it as previewed",
    example="PI-2041 sms R2",
    parse=parse_update,
    run=run_update,
)
