"""Telling a manager, in their own DM with casebot, that cases were given to them (`/case assign`, `/case
handover`): after the reply, never in its way."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.cards import CaseCard
from handlers.blocks import build_given
from handlers.context import Context


def tell_new_manager(
    ctx: Context,
    by: str,
    manager: str,
    numbers: Sequence[str],
    *,
    card: CaseCard | None = None,
    kept: bool = False,
) -> None:
    """`manager` now has these cases (one: its card, for its client and team), given by `by`."""
    reply = build_given(
        by, numbers, client=card.client if card else None, team=card.team if card else (), kept=kept
    )
    ctx.later(ctx.client.chat_postMessage, channel=manager, text=reply.text, blocks=reply.blocks)
