"""What every listener needs besides Bolt's own arguments: the firm, who is who, and a place for work after the ack."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from slack_sdk import WebClient

from bot.logs import failure
from bot.services import request
from bot.services.firm import Firm
from handlers.slack.client import lookup_client
from handlers.slack.people import People

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Context:
    """The firm and its Slack client, the people cache, and a small pool for work that must not hold up a reply
    (a message after a button), and a lane of its own, one at a time, for Home refreshes (`later_home`)."""

    firm: Firm
    client: WebClient
    people: People = field(init=False)
    workers: int = 4
    _pool: ThreadPoolExecutor = field(init=False)
    _homes: ThreadPoolExecutor = field(init=False)
    _pending: set[Future[Any]] = field(init=False, default_factory=set)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="casebot-later")
        # One at a time: a refresh's work is the interpreter's, and two side by side each take as long as both,
        # and give way to requests in the same moments (bench/RESULTS.md, issue 23, run R14).
        self._homes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casebot-later-home")
        # Looked up before a first reply: no retries and a short timeout, so a command still answers in time.
        self.people = People(self.firm, lookup_client(self.client), later=self.later)

    def later(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run `fn` after the reply has gone; a failure is logged, never shown to anyone as an error. Asked
        for while a request is served, it starts when that request ends (request.after_served), so that it
        never shares the interpreter with the rest of the request it follows."""
        self._later(self._pool, fn, *args, **kwargs)

    def later_home(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """As `later`, in the Home refreshes' own lane, one at a time in the order asked, so that a refresh
        giving way to requests (handlers/home.py) never holds up the answer to a button."""
        self._later(self._homes, fn, *args, **kwargs)

    def _later(self, pool: ThreadPoolExecutor, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        def run() -> None:
            try:
                fn(*args, **kwargs)
            except Exception as exc:
                failure(log, f"run {getattr(fn, '__name__', 'work')} after the reply", exc)

        if not request.after_served(partial(self._submit, pool, run)):
            self._submit(pool, run)

    def _submit(self, pool: ThreadPoolExecutor, run: Callable[[], None]) -> None:
        with self._lock:
            future = pool.submit(run)
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait for the work queued so far, and whatever it queued in turn (tests and the console)."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return
            for f in pending:
                f.exception(timeout=max(0.0, deadline - time.monotonic()))
        raise TimeoutError("work after the reply did not finish in time")

    def close(self) -> None:
        self._homes.shutdown(wait=True)
        self._pool.shutdown(wait=True)


def listener(ctx: Context, fn: Callable[Concatenate[Context, P], R]) -> Callable[P, R]:
    """A listener closed over casebot's context: `fn(ctx, ack, body, …)` as Bolt calls it, with the
    arguments Bolt gives by their names (ack, body, respond, client, view, event). Each module's
    `register(app, ctx)` binds its listeners so; nothing reads the context out of Bolt's."""
    bound = partial(fn, ctx)
    bound.__name__ = fn.__name__  # type: ignore[attr-defined]  # Bolt names a listener by it in its logs
    return cast(Callable[P, R], bound)
