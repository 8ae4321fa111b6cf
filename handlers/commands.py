"""`/case` and `/offer`: a routing table from subcommand to parser, one service call and one builder.

Every reply is ephemeral and is the ack itself (see bot/entrypoints/app.py for why that is fast enough)."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import services
from bot.errors import CasebotError, InputError
from bot.services import accounting, caseload, limitation
from handlers import parse as p
from handlers.blocks import (
    Reply,
    build_accounting,
    build_case_card,
    build_due,
    build_error,
    build_help,
    build_message,
    build_mine,
    build_new_case_modal,
    build_offers,
    build_outcome,
    build_overdue,
)
from handlers.context import Context

log = logging.getLogger(__name__)

Run = Callable[[Context, str, dict[str, Any]], Reply]


@dataclass(frozen=True)
class Route:
    """How a subcommand is read (answers the USAGE key and the arguments) and what it does."""

    parse: Callable[[list[str]], tuple[str, dict[str, Any]]]
    run: Run


def _simple(
    sub: str,
) -> Callable[[Callable[[list[str]], dict[str, Any]]], Callable[[list[str]], tuple[str, dict[str, Any]]]]:
    """A parser that always reads one USAGE key."""

    def wrap(fn: Callable[[list[str]], dict[str, Any]]) -> Callable[[list[str]], tuple[str, dict[str, Any]]]:
        return lambda words: (sub, fn(words))

    return wrap


def _outcome(ctx: Context, outcome: services.Outcome) -> Reply:
    return build_outcome(outcome.message, outcome.card, ctx.firm.today())


# ---------------------------------------------------------------- /case subcommands


def run_new(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    if a["manager"] and a["manager"] != actor:
        ctx.people.check(a["manager"], who="them")
    return _outcome(
        ctx,
        services.create_case(
            ctx.firm,
            actor,
            a["number"],
            a["client"],
            manager=a["manager"],
            on=a["on"],
            limitation_on=a["limitation_on"],
        ),
    )


def run_show(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return build_case_card(services.show_case(ctx.firm, actor, a["number"]), ctx.firm.today())


def run_provider(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    f, n = ctx.firm, a["number"]
    if "name" in a:
        return _outcome(ctx, services.add_provider(f, actor, n, a["name"], on=a["on"]))
    if "what" in a:
        return _outcome(ctx, services.provider_received(f, actor, n, a["ref"], a["what"], on=a["on"]))
    return _outcome(ctx, services.provider_followed_up(f, actor, n, a["ref"], on=a["on"]))


def run_contacted(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return _outcome(
        ctx, services.log_contact(ctx.firm, actor, a["number"], kind=a["kind"], on=a["on"], note=a["note"])
    )


def run_advance(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return _outcome(
        ctx, services.advance(ctx.firm, actor, a["number"], to=a["to"], on=a["on"], because=a["because"])
    )


def parse_holdup(words: list[str]) -> tuple[str, dict[str, Any]]:
    action, args = p.parse_holdup(words)
    return "holdup", {**args, "action": action}


def run_holdup(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    if a["action"] == "clear":
        return _outcome(ctx, services.clear_holdup(ctx.firm, actor, a["number"], a["kind"]))
    return _outcome(ctx, services.set_holdup(ctx.firm, actor, a["number"], a["kind"], a["note"]))


def parse_demand(words: list[str]) -> tuple[str, dict[str, Any]]:
    event, args = p.parse_demand(words)
    return "demand", {**args, "event": event}


def run_demand(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    f, n = ctx.firm, a["number"]
    if a["event"] == "sent":
        return _outcome(ctx, services.demand_sent(f, actor, n, on=a["on"], adjuster=a["adjuster"]))
    if a["event"] == "resent":
        return _outcome(ctx, services.demand_resent(f, actor, n, on=a["on"], adjuster=a["adjuster"]))
    return _outcome(ctx, services.demand_ack(f, actor, n, on=a["on"]))


def run_accounting(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    statement = accounting.settlement_statement(
        ctx.firm,
        actor,
        a["number"],
        a["gross"],
        costs=a["costs"],
        liens=a["liens"],
        litigation_costs=a["litigation_costs"],
    )
    return build_accounting(statement)


def run_assign(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    ctx.people.check(a["manager"], who="them")
    return _outcome(ctx, services.assign(ctx.firm, actor, a["number"], a["manager"]))


def run_close(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return _outcome(ctx, services.close_case(ctx.firm, actor, a["number"], a["outcome"]))


def run_mine(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return build_mine(services.my_cases(ctx.firm, actor))


def run_due(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    today = ctx.firm.today()
    on = a["day"] or today
    return build_due(services.due_for(ctx.firm, [actor], on), on, today)


def overdue_reply(ctx: Context, actor: str, user: str | None, page: int = 1) -> Reply:
    """One page of the overdue list: the caller's own, one person's, or (a lead's) everyone's by manager.
    Also what the Previous and Next buttons show; services.overdue checks the caller may see it."""
    items = services.overdue(ctx.firm, actor, user)
    everyone = user is None and services.role(ctx.firm, actor) in services.LEAD_ROLES
    return build_overdue(items, ctx.firm.today(), everyone=everyone, page=page, user=user)


def run_overdue(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return overdue_reply(ctx, actor, a["user"])


def run_away(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    if a["cover"] and a["cover"] != actor:
        ctx.people.check(a["cover"], who="them")
    return build_message(services.set_away(ctx.firm, actor, until=a["until"], cover=a["cover"]))


def run_back(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return build_message(services.set_back(ctx.firm, actor))


def run_role(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    ctx.people.check(a["user"], who="them")
    return build_message(services.set_role(ctx.firm, actor, a["user"], a["role"]))


@contextmanager
def _command_example(sub: str) -> Iterator[None]:
    """The core's refusals give a bare hint (`2026-03-02 CA`); a person is shown a whole command instead."""
    try:
        yield
    except InputError as exc:
        if exc.example and exc.example.startswith("/"):
            raise
        usage, example = p.USAGE[(p.CASE, sub)]
        raise type(exc)(exc.message, usage=usage, example=example) from None


def run_sol(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    with _command_example("sol"):
        return _outcome(
            ctx,
            limitation.set_limitation(
                ctx.firm, actor, a["number"], on=a["on"], loss_on=a["loss_on"], state=a["state"]
            ),
        )


def run_fees(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    with _command_example("fees"):
        return _outcome(
            ctx,
            accounting.set_fee_terms(
                ctx.firm, actor, a["number"], presuit=a["presuit"], litigation=a["litigation"], base=a["base"]
            ),
        )


def run_handover(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    ctx.people.check(a["to_user"], who="them")
    with _command_example("handover"):
        moved = caseload.move_caseload(ctx.firm, actor, a["from_user"], a["to_user"])
    return build_outcome(moved.message, None, ctx.firm.today())


def run_help(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return build_help(a.get("command", p.CASE))


# ---------------------------------------------------------------- /offer subcommands


def run_offer_received(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return _outcome(
        ctx, services.offer_received(ctx.firm, actor, a["number"], a["amount"], final=a["final"], on=a["on"])
    )


def run_offer_list(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return build_offers(services.list_offers(ctx.firm, actor, a["number"]))


def run_offer_informed(ctx: Context, actor: str, a: dict[str, Any]) -> Reply:
    return _outcome(ctx, services.offer_informed(ctx.firm, actor, a["number"], a["n"], on=a["on"]))


CASE_ROUTES: dict[str, Route] = {
    "help": Route(lambda w: ("help", {"command": p.CASE}), run_help),
    "new": Route(_simple("new")(p.parse_new), run_new),
    "show": Route(_simple("show")(p.parse_show), run_show),
    "provider": Route(p.parse_provider, run_provider),
    "contacted": Route(_simple("contacted")(p.parse_contacted), run_contacted),
    "advance": Route(_simple("advance")(p.parse_advance), run_advance),
    "holdup": Route(parse_holdup, run_holdup),
    "demand": Route(parse_demand, run_demand),
    "accounting": Route(_simple("accounting")(p.parse_accounting), run_accounting),
    "assign": Route(_simple("assign")(p.parse_assign), run_assign),
    "close": Route(_simple("close")(p.parse_close), run_close),
    "mine": Route(_simple("mine")(p.parse_nothing("mine")), run_mine),
    "due": Route(_simple("due")(p.parse_due), run_due),
    "overdue": Route(_simple("overdue")(p.parse_overdue), run_overdue),
    "away": Route(_simple("away")(p.parse_away), run_away),
    "back": Route(_simple("back")(p.parse_nothing("back")), run_back),
    "role": Route(_simple("role")(p.parse_role), run_role),
    "sol": Route(_simple("sol")(p.parse_sol), run_sol),
    "fees": Route(_simple("fees")(p.parse_fees), run_fees),
    "handover": Route(_simple("handover")(p.parse_handover), run_handover),
}
OFFER_ROUTES: dict[str, Route] = {
    "help": Route(lambda w: ("help", {"command": p.OFFER}), run_help),
    "received": Route(_simple("received")(p.parse_offer_received), run_offer_received),
    "list": Route(_simple("list")(p.parse_offer_list), run_offer_list),
    "informed": Route(_simple("informed")(p.parse_offer_informed), run_offer_informed),
}
ROUTES = {p.CASE: CASE_ROUTES, p.OFFER: OFFER_ROUTES}
ALIASES = {
    p.CASE: {
        "contact": "contacted",
        "hold-up": "holdup",
        "providers": "provider",
        "?": "help",
        "card": "show",
        "reassign": "assign",
        "limitation": "sol",
        "statute": "sol",
        "fee": "fees",
        "hand-over": "handover",
        "caseload": "handover",
    },
    p.OFFER: {"receive": "received", "offers": "list", "told": "informed", "inform": "informed", "?": "help"},
}


def opens_modal(command: str, text: str) -> bool:
    """`/case new` with nothing after it opens the new-case form instead of answering."""
    return command == p.CASE and p.tokenize(text) in (["new"], ["New"], ["NEW"])


def answer(ctx: Context, command: str, actor: str, text: str) -> Reply:
    """The reply to one slash command: checks the caller, reads the words, calls one service, renders."""
    routes = ROUTES.get(command)
    if routes is None:
        return build_message(f"casebot does not know {command}.")
    usage: str | None = None
    example: str | None = None
    try:
        words = p.tokenize(text)
        ctx.people.check(actor)
        sub = words.pop(0).lower() if words else "help"
        sub = ALIASES[command].get(sub, sub)
        route = routes.get(sub)
        if route is None:
            close = difflib.get_close_matches(sub, list(routes), n=1, cutoff=0.6)
            hint = f" Did you mean `{command} {close[0]}`?" if close else ""
            raise InputError(
                f"`{command} {sub[:30]}` is not something casebot does.{hint}",
                usage=f"{command} help",
                example=f"{command} {close[0] if close else 'help'}",
            )
        usage, example = p.USAGE[(command, sub)]
        key, args = route.parse(words)
        usage, example = p.USAGE[(command, key)]
        return route.run(ctx, actor, args)
    except CasebotError as exc:
        return build_error(exc, usage=usage, example=example)
    except Exception:
        log.exception("Failed to answer %s %s for %s", command, text[:200], actor)
        return build_message(
            ":x: casebot ran into a problem and could not finish that; it has been logged. "
            "Check the case with `/case show` before trying again."
        )


def handle_slash(ack: Ack, command: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    ctx: Context = context["casebot"]
    name, actor, text = command["command"], command["user_id"], command.get("text") or ""
    if opens_modal(name, text):
        try:
            ctx.people.check(actor)
        except CasebotError as exc:
            reply = build_error(exc)
            ack(text=reply.text, blocks=reply.blocks, response_type="ephemeral")
            return
        ack()
        # trigger_id lives 3 seconds: the form opens right away, before anything else.
        client.views_open(
            trigger_id=command["trigger_id"],
            view=build_new_case_modal(actor, ctx.firm.today(), channel=command.get("channel_id")),
        )
        return
    reply = answer(ctx, name, actor, text)
    ack(text=reply.text, blocks=reply.blocks, response_type="ephemeral")


def register(app: App, ctx: Context) -> None:
    app.command(p.CASE)(handle_slash)
    app.command(p.OFFER)(handle_slash)
