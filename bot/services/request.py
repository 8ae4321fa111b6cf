"""What one request keeps while it is served: its replay key, to be written with a change, and the people it
has read (the caller once, not once per step).

The HTTP front door opens a request (`serving`) around Bolt's dispatch; a command's handler joins it (or
opens one, for Socket Mode and tests) and names its caller. Every `Transaction` opened on that thread while
it lasts (bot/services/firm.py) then:

- the first time it writes: claims the request's key in the change's own transaction (storage/claims.py),
  and refuses a replay without changing anything;
- the first time it runs with a caller whose check was deferred (`defer_check`): reads the caller's staff
  row in that transaction and checks it there, so a command is one transaction, not a read and then a
  change.

Work to do after the reply (Context.later: a Home refresh, a message after a button) that is asked for while a
request is served starts when the request ends (`after_served`), not beside the rest of its own request: on
two cores and one GIL, a refresh started mid-request took about a third of a change's time (bench/RESULTS.md).

Nothing here outlives the request: another replica may change a person's row at any time, so no one's row is
kept across requests (bot/services/people.py reads it again on the next one)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from bot.logs import failure
from bot.services.members import Member, member_of
from storage.models import Staff

log = logging.getLogger(__name__)

Check = Callable[[Member | None], None]


@dataclass
class Request:
    claims: list[str] = field(default_factory=list)  # keys a change of this request writes with itself
    claimed: bool = False  # a change has written them (and committed)
    actor: str | None = None
    people: dict[str, Member | None] = field(default_factory=dict)  # staff rows read in this request, copied
    pending: Check | None = None  # the caller's check, run where the caller's row is first read
    after: list[Callable[[], None]] = field(default_factory=list)  # started once the request is served

    def known(self, user_id: str) -> bool:
        return user_id in self.people


_current: ContextVar[Request | None] = ContextVar("casebot_request", default=None)


def current() -> Request | None:
    return _current.get()


@contextmanager
def serving(*, claims: tuple[str, ...] = (), actor: str | None = None) -> Iterator[Request]:
    """The request being served on this thread: a new one, or (inside one already) the same, with these
    claims and this caller added."""
    found = _current.get()
    if found is not None:
        found.claims.extend(k for k in claims if k not in found.claims)
        if actor is not None and found.actor is None:
            found.actor = actor
        yield found
        return
    request = Request(claims=list(claims), actor=actor)
    token = _current.set(request)
    try:
        yield request
    finally:
        _current.reset(token)
        _start_after(request)


class InFlight:
    """How many requests the front door is serving now, so that work after the reply (a Home refresh) can
    wait, a little, for a moment when none is: on a GIL it would otherwise slow the request beside it."""

    def __init__(self) -> None:
        self._count = 0
        self._quiet = threading.Condition()

    def begin(self) -> Callable[[], None]:
        """Count one request from now until the `end` returned is called (the first call counts; any
        other does nothing): the front door ends it once the server has taken the reply, not when the
        reply is built, so that a refresh waiting for quiet never competes with the reply's own write."""
        with self._quiet:
            self._count += 1
        ended = False

        def end() -> None:
            nonlocal ended
            with self._quiet:
                if ended:
                    return
                ended = True
                self._count -= 1
                if not self._count:
                    self._quiet.notify_all()

        return end

    def giving_way(self, most: float) -> Callable[[], None]:
        """For one piece of work after the reply, done in steps (a Home refresh): a `pause` to call before each
        step, which returns once no request is being served, for the first `most` seconds of the work; after
        that, at once. A step then never shares the interpreter with a request that began during the one
        before (a request and a refresh side by side each take as long as both together), and the work still
        ends within `most` seconds of waiting however busy the server is."""
        deadline = time.monotonic() + most

        def pause() -> None:
            with self._quiet:
                while self._count and (left := deadline - time.monotonic()) > 0:
                    self._quiet.wait(left)

        return pause


in_flight = InFlight()


def at_once() -> None:
    """The pause of work that gives way to nobody (InFlight.giving_way's, for work no request waits on)."""


def after_served(start: Callable[[], None]) -> bool:
    """Call `start` when the request being served on this thread ends (whether or not it failed: a change
    it committed still needs its Home refreshed). False, and nothing kept, when no request is being served:
    then the caller starts it itself."""
    request = _current.get()
    if request is None:
        return False
    request.after.append(start)
    return True


def _start_after(request: Request) -> None:
    work, request.after = request.after, []
    for start in work:
        try:
            start()
        except Exception as exc:  # one failing to start must not stop the others, nor fail the reply
            failure(log, "start work after the reply", exc)


def defer_check(user_id: str, check: Check) -> bool:
    """Run `check` on the caller's row where the request first reads it, in the command's own transaction.
    False (nothing deferred) when this is not the request's caller or the row is already read."""
    request = _current.get()
    if request is None or request.actor != user_id or request.known(user_id) or request.pending:
        return False
    request.pending = check
    return True


def run_pending(read: Callable[[str], Staff | None]) -> None:
    """The caller's deferred check, if still waiting: read the row with `read` and check it."""
    request = _current.get()
    if request is None or request.pending is None or request.actor is None:
        return
    check, request.pending = request.pending, None
    staff = member_of(read(request.actor))
    check(staff)
    remember(request.actor, staff)


def remember(user_id: str, staff: Staff | Member | None) -> None:
    """Keep a row read in this request, as a copy (so that neither a rollback nor a later change in its
    session alters it), for the rest of the request."""
    request = _current.get()
    if request is None:
        return
    request.people[user_id] = member_of(staff)


def forget(user_id: str) -> None:
    """A row this request is about to change: read it again from now on, not as it was kept."""
    request = _current.get()
    if request is not None:
        request.people.pop(user_id, None)


def known_staff(user_id: str) -> tuple[bool, Member | None]:
    """(True, the row) when this request has read this person's row already."""
    request = _current.get()
    if request is None or user_id not in request.people:
        return False, None
    return True, request.people[user_id]
