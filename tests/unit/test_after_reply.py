"""Work after the reply (issue 23): asked for while a request is served, it starts when the request ends, not
beside it; a Home refresh waits, a little, for a moment when no request is being served; and the front door
counts a request as served until the server has taken its reply."""

from __future__ import annotations

import threading
import time
from typing import cast

import pytest
from slack_bolt import App, BoltResponse

from bot.entrypoints.http import Replays, slack_endpoint
from bot.services import request
from tests.kit.slack_bodies import sign, slash_body, wsgi_environ


def test_work_asked_for_in_a_request_starts_when_it_ends() -> None:
    started: list[str] = []
    with request.serving(actor="U1"):
        assert request.after_served(lambda: started.append("refresh"))
        with request.serving(actor="U1"):  # a nested one is the same request
            assert request.after_served(lambda: started.append("message"))
        assert started == []
    assert started == ["refresh", "message"]


def test_work_asked_for_outside_a_request_is_left_to_the_caller() -> None:
    assert not request.after_served(lambda: None)


def test_work_still_starts_when_the_request_failed_and_one_failing_to_start_stops_no_other() -> None:
    started: list[str] = []

    def broken() -> None:
        raise RuntimeError("pool closed")

    try:
        with request.serving(actor="U1"):
            request.after_served(broken)
            request.after_served(lambda: started.append("refresh"))
            raise ValueError("the reply failed")
    except ValueError:
        pass
    assert started == ["refresh"]


def test_waiting_for_quiet_returns_at_once_when_idle_and_when_the_request_ends() -> None:
    flight = request.InFlight()
    began = time.monotonic()
    flight.giving_way(5)()
    assert time.monotonic() - began < 1

    inside, leave = threading.Event(), threading.Event()

    def serve() -> None:
        end = flight.begin()
        try:
            inside.set()
            leave.wait(5)
        finally:
            end()

    worker = threading.Thread(target=serve)
    worker.start()
    inside.wait(5)
    began = time.monotonic()
    flight.giving_way(0.05)()  # a request in flight: waits, but no longer than it is told
    assert time.monotonic() - began >= 0.05
    threading.Timer(0.05, leave.set).start()
    began = time.monotonic()
    flight.giving_way(5)()  # returns when the request ends
    assert time.monotonic() - began < 2
    worker.join(5)


def test_a_request_ends_once_however_often_its_end_is_called() -> None:
    """The front door ends a request when the server takes its reply, whether by reading it to the end or by
    closing it (a server does both): the second call must not end another request still being served."""
    flight = request.InFlight()
    first, second = flight.begin(), flight.begin()
    first()
    first()
    began = time.monotonic()
    flight.giving_way(0.05)()  # the second is still being served
    assert time.monotonic() - began >= 0.05
    second()
    began = time.monotonic()
    flight.giving_way(5)()
    assert time.monotonic() - began < 1


def test_work_giving_way_waits_for_quiet_before_each_step_for_a_while_then_goes_on() -> None:
    """A Home refresh calls its pause before each step: it waits while a request is served, but only until
    its time to give way is spent, after which a busy server no longer holds it back."""
    flight = request.InFlight()
    pause = flight.giving_way(0.3)
    began = time.monotonic()
    pause()  # nothing served: at once
    assert time.monotonic() - began < 0.1
    end = flight.begin()
    threading.Timer(0.05, end).start()
    began = time.monotonic()
    pause()  # a request is served: until it ends
    assert 0.05 <= time.monotonic() - began < 0.25
    flight.begin()  # one that never ends
    pause()  # waits out what is left of the 0.3 s
    began = time.monotonic()
    pause()
    pause()  # spent: every later step at once
    assert time.monotonic() - began < 0.05


class _Bolt:
    """What the front door hands a request to: here, one that answers or fails as it is told."""

    def __init__(self, fail: bool) -> None:
        self.fail = fail

    def dispatch(self, _request: object) -> BoltResponse:
        if self.fail:
            raise RuntimeError("the database went away")
        return BoltResponse(status=200, body='{"text": "ok"}')


@pytest.mark.parametrize("fail", [False, True], ids=["answered", "failed"])
def test_the_front_door_ends_its_request_once_the_reply_is_taken_and_when_it_fails(fail: bool) -> None:
    """A request the front door never ended would keep every later Home refresh waiting its longest."""
    body = slash_body("/case", "due", "U1", response_url="http://127.0.0.1:9/r", trigger_id="t.1")
    door = slack_endpoint(cast(App, _Bolt(fail)), "s3cret", Replays())
    statuses: list[str] = []
    reply = door(
        wsgi_environ(body, sign("s3cret", body)), lambda status, _headers, *_: statuses.append(status)
    )
    if not fail:  # built, not yet taken: still being served
        began = time.monotonic()
        request.in_flight.giving_way(0.05)()
        assert time.monotonic() - began >= 0.05
    assert b"".join(reply) and statuses == ["500 Internal Server Error" if fail else "200 OK"]
    began = time.monotonic()
    request.in_flight.giving_way(5)()
    assert time.monotonic() - began < 1
