"""Answering the client and reading the conversation: `reply` and `messages`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.said import quoted, said
from bot.services import client_conversation as conv
from handlers.blocks import Reply
from handlers.blocks.client_replies import build_messages_reply, build_reply_queued
from handlers.commands.subcommand import CASE, Subcommand, case_no, no_more, refuse
from handlers.context import Context
from handlers.parse import Quoted

# Slack writes &, < and > of a command's text as entities: the client gets the characters the manager typed.
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


@dataclass(frozen=True)
class ReplyArgs:
    number: str
    text: str


def _as_typed(words: list[str]) -> str:
    text = " ".join(f'"{w}"' if isinstance(w, Quoted) else w for w in words)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text.strip()


def parse_reply(words: list[str]) -> ReplyArgs:
    number = case_no(REPLY, words)
    text = _as_typed(words)
    if not text:
        raise refuse(REPLY, "Write your reply after the case number.")
    return ReplyArgs(number, text)


def run_reply(ctx: Context, actor: str, a: ReplyArgs) -> Reply:
    return build_reply_queued(conv.reply_to_client(ctx.firm, actor, a.number, a.text))


REPLY = Subcommand(
    CASE,
    "reply",
    usage="<case-no> <text…>",
    help="answer the client by the channel they last used",
    example="PI-2041 Thanks María, I'll call you tomorrow at 10.",
    parse=parse_reply,
    run=run_reply,
)


@dataclass(frozen=True)
class MessagesArgs:
    number: str
    page: int


def parse_messages(words: list[str]) -> MessagesArgs:
    number = case_no(MESSAGES, words)
    page = 1
    if words:
        word = words.pop(0)
        if not word.isdigit() or int(word) < 1 or int(word) > 10_000:
            raise refuse(MESSAGES, said(quoted(word[:20]), " is not a page number."))
        page = int(word)
    no_more(MESSAGES, words)
    return MessagesArgs(number, page)


def run_messages(ctx: Context, actor: str, a: MessagesArgs) -> Reply:
    return build_messages_reply(conv.conversation(ctx.firm, actor, a.number, a.page))


MESSAGES = Subcommand(
    CASE,
    "messages",
    usage="<case-no> [page]",
    help="the conversation with the client, newest first",
    example="PI-2041 2",
    parse=parse_messages,
    run=run_messages,
)
