"""`/case` and `/offer`: find the subcommand in the table, read its words, run it, reply privately.

Every reply is ephemeral and is the ack itself (see bot/entrypoints/app.py for why that is fast enough).

The package: `table.py` is the one command table (which subcommands exist, in help-card order);
`subcommand.py` says what an entry is and holds the strict readers parsers use; each subject module
(`cases`, `providers`, `demand`, `ledger`, `terms`, `work`, `staff`, `offers`) holds, per subcommand, its typed
arguments, its parser, its run function and its entry.

To add a subcommand (say `/case cost <case-no> <amount> <description…>`):

1. In the subject's module (or a new one under handlers/commands/), write
   - its arguments as a frozen dataclass (`class Cost: number: str; amount: Decimal; description: str`);
   - its parser, `parse_cost(words: list[str]) -> Cost`, reading with the helpers of `subcommand.py`
     (`case_no`, `amount`, `date_opt`, `user`, `no_more`, `refuse`), each given the entry (`COST`) so a
     refusal carries that subcommand's usage line and example; vocabularies come from the playbook's enums
     or the services' constants, never typed out again here;
   - its run function, `run_cost(ctx, actor, a: Cost) -> Reply`: check any other person it names
     (`ctx.people.check(user, who="them")`), call ONE service, pick one builder (`outcome(ctx, result)` for
     a change);
   - its entry: `COST = Subcommand(CASE, "cost", usage="<case-no> <amount> <description…>", help="a case
     cost", example="PI-2041 350 filing fee", parse=parse_cost, run=run_cost, aliases=(…))`. `usage` and
     `example` are the words after the name; `also=` adds other shapes to the usage line, `forms=` gives
     each arguments type its own usage line and example when one subcommand has several shapes.
2. List the entry in `TABLES` in `table.py`, where the help card should show it.
3. Name it in docs/commands.md and in manifest.yml's usage_hint (tests check the three agree; take it off
   NOT_BUILT_YET in tests/slack/test_command_table.py), and test it through tests/kit/workspace.py.

Its service says people and commands as data: `said("PI-1 is ", Person(manager), "'s")`, and an example
as `command("cost PI-1 350 filing fee")` (bot/rules/said.py); handlers/said.py shows them as a mention
and as `/case cost PI-1 350 filing fee`, the slash command named by bot/rules/said.py's OFFER_SUBCOMMANDS
(tests/services/test_said.py keeps it equal to this table's /offer entries).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.errors import CasebotError
from bot.services import request
from handlers import values
from handlers.blocks import Reply, build_message, build_new_case_modal
from handlers.commands.subcommand import CASE
from handlers.commands.table import TABLES, Table, build_help
from handlers.commands.work import overdue_reply
from handlers.context import Context, listener
from handlers.parse import tokenize, words_of
from handlers.refusals import Shown, refusal
from handlers.slack.people import CallerRefused, CallerUnknown

__all__ = ["TABLES", "Table", "answer", "build_help", "opens_modal", "overdue_reply", "register"]


def opens_modal(command: str, text: str) -> bool:
    """`/case new` with nothing after it opens the new-case form instead of answering."""
    return command == CASE and tokenize(text) in (["new"], ["New"], ["NEW"])


def answer(ctx: Context, command: str, actor: str, text: str) -> Reply:
    """The reply to one slash command: checks the caller, reads the words, calls one service, renders.

    One transaction: the caller's row is read and checked in the service's own (bot/services/request.py).
    A caller casebot has never asked Slack about is looked up first and the command run again."""
    table = TABLES.get(command)
    if table is None:
        return build_message(f"casebot does not know {command}.")
    with request.serving(actor=actor):
        try:
            return _answer(ctx, table, actor, text, defer=True)
        except CallerUnknown:
            return _answer(ctx, table, actor, text, defer=False)


def _answer(ctx: Context, table: Table, actor: str, text: str, *, defer: bool) -> Reply:
    shown: Shown | None = None
    name: str | None = None
    args: Any = None
    try:
        words = words_of(text, ctx.firm.today())
        if defer:
            ctx.people.check_caller(actor)
        else:
            ctx.people.check(actor)
        sub = table.find(words.pop(0) if words else "help")
        shown, name = sub, sub.name
        args = sub.parse(words)
        shown = sub.shown_for(args)
        reply = sub.run(ctx, actor, args)
        ctx.people.settle(actor)
        return reply
    except CallerUnknown:
        raise
    except Exception as exc:
        error: BaseException = exc
        try:
            ctx.people.settle(actor)  # a refusal of the caller comes before what they typed
        except CallerUnknown:
            raise
        except Exception as first:
            error = first
        if isinstance(error, CallerRefused) or error is not exc:
            shown = None  # about who is asking, not about the subcommand
        # Never the command's text: it may hold a client's name, an amount or a note.
        return refusal(
            error,
            shown=shown,
            doing=f"answer {table.command}",
            sub=name,
            case=getattr(args, "number", None),
            user=actor,
        )


def handle_slash(ctx: Context, ack: Ack, command: dict[str, Any], client: WebClient) -> None:
    name, actor = command["command"], values.user_id(command.get("user_id"), "user_id")
    text = values.text(command.get("text") or "", "command text", most=1 << 20)
    if opens_modal(name, text):
        try:
            ctx.people.check(actor)
        except CasebotError as exc:
            reply = refusal(exc)
            ack(text=reply.text, blocks=reply.blocks, response_type="ephemeral")
            return
        trigger = values.text(command.get("trigger_id"), "trigger_id", most=200)
        ack()
        # trigger_id lives 3 seconds: the form opens right away, before anything else.
        client.views_open(
            trigger_id=trigger,
            view=build_new_case_modal(actor, ctx.firm.today(), channel=command.get("channel_id")),
        )
        return
    reply = answer(ctx, name, actor, text)
    ack(text=reply.text, blocks=reply.blocks, response_type="ephemeral")


def register(app: App, ctx: Context) -> None:
    for command in TABLES:
        app.command(command)(listener(ctx, handle_slash))
