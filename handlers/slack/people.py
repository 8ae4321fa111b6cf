"""Who is asking: Slack's users.info, cached in the staff table, and the refusal of guests, bots and the deleted."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, timedelta
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.errors import NotAllowed, TryAgain
from bot.logs import failure
from bot.rules.said import Person, said, typed
from bot.services import request
from bot.services.firm import Firm
from bot.services.members import Member, not_member
from bot.services.people import PersonInfo, person, remember_person

log = logging.getLogger(__name__)

T = TypeVar("T")

REFRESH_AFTER = timedelta(hours=24)


def person_from_slack(
    user: Mapping[str, Any], user_id: str | None = None, *, home_team: str | None = None
) -> PersonInfo:
    """What casebot keeps of a users.info `user` object: the one reading of it, for commands and for sending.

    A bot is a bot user or an app user (Slackbot aside); a guest is a single- or multi-channel guest; someone
    whose `team_id` is not the firm's (`home_team`, from auth.test) is of another workspace (Slack Connect).
    Guests, bots, deactivated accounts and other workspaces' people are not the firm's: they may not act, be
    given cases or be sent to. The email is not read: casebot keeps none."""
    profile = user.get("profile") or {}
    team = user.get("team_id") or profile.get("team")
    return PersonInfo(
        user_id=str(user.get("id") or user_id or ""),
        name=user.get("real_name") or profile.get("real_name") or user.get("name") or None,
        tz=user.get("tz") or None,
        is_guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
        is_bot=bool(user.get("is_bot") or user.get("is_app_user")) and user.get("id") != "USLACKBOT",
        deleted=bool(user.get("deleted")),
        external=bool(user.get("is_stranger")) or bool(team and home_team and team != home_team),
    )


class CallerUnknown(Exception):
    """The caller's row, read in the command's transaction, says casebot has never asked Slack who they
    are: the transaction is rolled back, Slack asked, and the command run again (handlers/commands)."""


class CallerRefused(NotAllowed):
    """The caller may not use casebot, found in the command's own transaction."""


class HomeTeam:
    """The firm's own workspace id, asked of Slack (auth.test) once."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._team: str | None = None
        self._lock = threading.Lock()

    def __call__(self) -> str | None:
        with self._lock:
            if self._team is None:
                self._team = str(self.client.auth_test().get("team_id") or "") or None
            return self._team


class People:
    """Looks people up at most once a day (or on `user_change`), and says who may use casebot.

    A stale record is used as it is and refreshed in the background, so a command never waits on Slack;
    only a person casebot has never seen is looked up before answering, with no retries (a command must
    answer within Slack's 3 seconds)."""

    def __init__(self, firm: Firm, lookup: WebClient, *, later: Callable[..., Any] | None = None) -> None:
        self.firm = firm
        self.lookup = lookup
        self.later = later
        self.home_team = HomeTeam(lookup)

    def remember(self, user: Mapping[str, Any]) -> None:
        if user.get("id"):
            p = person_from_slack(user, home_team=self.home_team())
            remember_person(
                self.firm,
                p.user_id,
                name=p.name,
                tz=p.tz,
                is_guest=p.is_guest,
                is_bot=p.is_bot,
                deleted=p.deleted,
                external=p.external,
            )

    def refresh(self, user_id: str) -> bool:
        try:
            answer = self.lookup.users_info(user=user_id)
        except SlackApiError as exc:
            if exc.response.get("error") == "user_not_found":
                return False
            raise
        self.remember(answer["user"])
        return True

    def check(self, user_id: str, *, who: str = "you", field: str | None = None) -> None:
        """Refuse guests, bots, deleted and unknown accounts; `who` is "you" for the caller, else a mention;
        `field` names the argument that person came in (a form shows the refusal there).

        Within a request, each person's row is read once: the caller's, when the request asked for it
        (`defer=True` via `check_caller`), in the command's own transaction (bot/services/request.py)."""
        known, staff = request.known_staff(user_id)
        if not known:
            staff = person(self.firm, user_id)
            request.remember(user_id, staff)
        if self._needs_lookup(staff):
            staff = self._look_up(user_id, field)
        self._checked(staff, user_id, who, field)

    def check_caller(self, user_id: str) -> None:
        """The caller's check, left to the command's first transaction when there is a request to keep it
        (see `settle`); else done now."""
        if not request.defer_check(user_id, lambda staff: self._deferred(staff, user_id)):
            self.check(user_id)

    def serve(self, user_id: str, do: Callable[[], T]) -> T:
        """`do` for the caller `user_id`, as a slash command is served (handlers/commands): their row read and
        checked in `do`'s own first transaction, so that a click or a form is one transaction, the caller read
        once. A caller casebot has never asked Slack about is looked up, then `do` runs again (its first try
        stopped as its first transaction began, before anything changed). A refusal of the caller comes before
        `do`'s own error."""
        with request.serving(actor=user_id):
            try:
                return self._serve(user_id, do)
            except CallerUnknown:
                self.check(user_id)
                return do()

    def _serve(self, user_id: str, do: Callable[[], T]) -> T:
        self.check_caller(user_id)
        try:
            result = do()
        except CallerUnknown:
            raise
        except Exception:
            self.settle(user_id)
            raise
        self.settle(user_id)
        return result

    def settle(self, user_id: str) -> None:
        """The caller's deferred check, if no transaction ran it (a command that read nothing, or one
        refused before it read): done now, and its refusal is the one that counts."""
        pending = request.current()
        if pending is not None and pending.pending is not None and pending.actor == user_id:
            pending.pending = None
            self.check(user_id)

    def _deferred(self, staff: Member | None, user_id: str) -> None:
        if self._needs_lookup(staff):
            raise CallerUnknown(user_id)
        try:
            self._checked(staff, user_id, "you", None)
        except NotAllowed as exc:
            raise CallerRefused(exc.message) from exc

    @staticmethod
    def _needs_lookup(staff: Member | None) -> bool:
        return staff is None or staff.info_fetched_at is None

    def _look_up(self, user_id: str, field: str | None) -> Member:
        not_now = TryAgain(
            "casebot could not check with Slack who that is just now; nothing was changed. "
            "Please try again in a moment.",
            field=field,
        )
        try:
            known = self.refresh(user_id)
        except SlackClientError as exc:
            log.warning("users.info for %s failed: %s", user_id, type(exc).__name__)
            raise not_now from exc
        if not known:
            raise NotAllowed(
                said(
                    "Slack does not know ", typed(f"<@{user_id}>"), "; casebot works with the firm's members."
                ),
                field=field,
            )
        staff = person(self.firm, user_id)
        request.remember(user_id, staff)
        if staff is None:  # Slack answered and casebot kept what it said, so only a vanished row gets here
            raise not_now
        return staff

    def _checked(self, staff: Member | None, user_id: str, who: str, field: str | None) -> None:
        fetched = staff.info_fetched_at if staff is not None else None
        if fetched is not None:
            if fetched.tzinfo is None:
                fetched = fetched.replace(tzinfo=UTC)
            if self.firm.now() - fetched > REFRESH_AFTER and self.later is not None:
                self.later(self._refresh_quietly, user_id)
        refusal = not_member(
            staff, who="You are" if who == "you" else said(Person(user_id), " is"), field=field
        )
        if refusal is not None:
            raise refusal

    def _refresh_quietly(self, user_id: str) -> None:
        try:
            self.refresh(user_id)
        except Exception as exc:
            failure(log, "refresh users.info", exc, user=user_id)
