"""The Home refresh after a change reads only what the change touched (issue 23), and never hides a change:
the Home published after each change equals the Home a full read gives (a workspace of its own, which kept
nothing), whether the change was made here, by another process on the same database, or behind casebot's
back. Counts of statements, never timings."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import event, text

from bot import services
from bot.services import request
from bot.services.firm import Firm
from handlers import home
from handlers.home import home_view
from handlers.slack.standin import SlackStandIn
from tests.kit.clock import Clock
from tests.kit.statements import watch
from tests.kit.workspace import Slack

# The range scans of a whole Home: one person's open cases, their team's, what asks for their attention.
WHOLE = ("cases.manager_id = ", "case_team.user_id = ", "obligations.manager_id = ")


@pytest.fixture
def reads(workspace: Slack, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The statements of each Home read (services.home), as its thread ran them."""
    seen = watch(workspace.firm.db)
    calls: list[list[str]] = []
    real = services.home

    def counted(firm: Firm, user: str, **kw: Any) -> services.Home:
        start, me = len(seen.statements), threading.current_thread().name
        try:
            return real(firm, user, **kw)
        finally:
            calls.append([sql for name, sql in seen.statements[start:] if name == me and sql != "BEGIN"])

    monkeypatch.setattr(services, "home", counted)
    return calls


def _published(workspace: Slack, user: str) -> dict[str, Any]:
    views = [c for c in workspace.standin.calls_to("views.publish") if c.params["user_id"] == user]
    assert views, f"no Home published for {user}"
    view: dict[str, Any] = views[-1].params["view"]
    return view


def _full_read(firm: Firm, standin: SlackStandIn, user: str) -> dict[str, Any]:
    """The Home as a process that kept nothing builds it."""
    fresh = Slack(firm, standin)
    try:
        return home_view(fresh.ctx, user)
    finally:
        fresh.close()


def _open_home(workspace: Slack, user: str) -> None:
    workspace._n += 1
    workspace.event(
        {"type": "app_home_opened", "user": user, "tab": "home", "channel": "D" + user},
        event_id=f"EvH{workspace._n}",
    )


def _whole(statements: list[str]) -> bool:
    """Some statement scanned the person's whole caseload (not one case's rows)."""
    one_case = ("obligations.case_id = ", "cases.id = ")
    return any(
        scan in sql and not any(one in sql for one in one_case) for sql in statements for scan in WHOLE
    )


def _cases(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-10-01")
    workspace.case("U1", "new PI-2 Sam Poe 2026-11-02")
    workspace.case("U1", "provider PI-2 add Valley Ortho 2026-11-02")
    workspace.case("U1", "provider PI-2 received 1 both")
    workspace.case("U2", "new PI-3 Lou Yer 2026-11-02")
    workspace.case("U2", "team PI-3 add <@U1>")
    workspace.case("U1", "new PI-4 Ari Zona 2026-09-01")
    _say(workspace, "UADMIN", "advance PI-4 demand_drafting because backfilled")
    _say(workspace, "U1", "demand PI-4 sent")
    workspace.case("UADMIN", "role <@ULEAD> lead")


CHANGES: list[tuple[str, str, bool]] = [
    # (who, what, read as only what it touched)
    ("U1", "contacted PI-1 client called back", True),
    ("U1", "contacted PI-3 adjuster voicemail left a message", True),  # an attempt, on a team case of U1's
    ("U1", "advance PI-2", True),
    ("U1", "demand PI-4 ack", True),
    ("U1", "offer:received PI-4 25000", True),
    ("U1", "undo PI-4", False),
    ("ULEAD", "assign PI-2 <@U2>", False),  # U1's view changes by a lead's hand: read whole
    ("U1", "new PI-5 Cal Ifornia 2026-11-02", True),
]


def _say(workspace: Slack, who: str, what: str) -> None:
    if what.startswith("offer:"):
        answer = workspace.offer(who, what.removeprefix("offer:"))
    else:
        answer = workspace.case(who, what)
    assert "Usage:" not in answer.text and not answer.text.startswith(":warning:"), (what, answer.text)


def test_the_home_after_each_change_equals_a_full_read(
    workspace: Slack, standin: SlackStandIn, reads: list[list[str]]
) -> None:
    _cases(workspace)
    _open_home(workspace, "U1")
    assert _published(workspace, "U1") == _full_read(workspace.firm, standin, "U1")
    for who, what, touched_only in CHANGES:
        before = len(reads)
        _say(workspace, who, what)
        assert len(reads) > before, f"{what}: no Home refresh"
        assert _published(workspace, "U1") == _full_read(workspace.firm, standin, "U1"), what
        if touched_only:
            assert not _whole(reads[before]), f"{what}: the refresh read the whole Home"


def test_a_change_made_elsewhere_is_never_hidden(
    workspace: Slack, standin: SlackStandIn, firm: Firm, reads: list[list[str]]
) -> None:
    _cases(workspace)
    _open_home(workspace, "U1")
    other = Slack(firm, standin)  # another process (a replica) on the same database
    try:
        other.case("U1", "contacted PI-2 client called back")
    finally:
        other.close()
    _open_home(workspace, "U1")
    assert _whole(reads[-1]), "a Home kept from before another process's change was used"
    assert _published(workspace, "U1") == _full_read(firm, standin, "U1")

    # This process's change after another's: the version is not the one its marks expect.
    other = Slack(firm, standin)
    try:
        other.case("ULEAD", "contacted PI-1 client called back")
    finally:
        other.close()
    _say(workspace, "U1", "advance PI-2")
    assert _whole(reads[-1])
    assert _published(workspace, "U1") == _full_read(firm, standin, "U1")

    # Behind casebot's back (psql): the database moves the version on by itself.
    with firm.db.uow() as s:
        s.execute(text("UPDATE cases SET client_name = 'Jane Doe' WHERE number = 'PI-1'"))
    _say(workspace, "U1", "new PI-6 Dee Ware 2026-11-02")
    assert _whole(reads[-1])
    home = _published(workspace, "U1")
    assert "Jane Doe" in str(home) and home == _full_read(firm, standin, "U1")

    # A change of this process's that alters nothing on the Home publishes none; the next opening finds that
    # another process changed the database since, and reads the whole Home.
    other = Slack(firm, standin)
    try:
        other.case("ULEAD", "contacted PI-6 client called back")
    finally:
        other.close()
    workspace.standin.reset()
    _say(workspace, "U1", "contacted PI-6 client called back")
    assert not workspace.standin.calls_to("views.publish")
    _open_home(workspace, "U1")
    assert _whole(reads[-1])
    assert _published(workspace, "U1") == _full_read(firm, standin, "U1")


def test_a_change_that_alters_nothing_on_the_home_publishes_none(
    workspace: Slack, standin: SlackStandIn, reads: list[list[str]]
) -> None:
    """A contact logged again the same day closes nothing due and asks for the next one weeks away: the
    caller's Home would come out the same, so it is not read or published; opened afterwards, it shows
    everything, reading only the case the change touched. A lead's Home (the firm's overview) and a change
    that moves what the Home lists (a stage, a due contact) are published as before."""
    _cases(workspace)
    _open_home(workspace, "U1")
    _say(workspace, "U1", "contacted PI-1 client called back")  # PI-1's client update was due: shown
    assert _published(workspace, "U1") == _full_read(workspace.firm, standin, "U1")
    home = _published(workspace, "U1")

    workspace.standin.reset()
    before = len(reads)
    answer = workspace.case("U1", "contacted PI-1 client called again with a question")
    assert "PI-1" in answer.text and not answer.text.startswith(":warning:"), answer.text
    assert not workspace.standin.calls_to("views.publish") and len(reads) == before
    assert _full_read(workspace.firm, standin, "U1") == home, "the Home it did not publish is the same"
    _open_home(workspace, "U1")
    assert not _whole(reads[-1]), "the kept Home and the change's mark still account for the version"
    assert _published(workspace, "U1") == home

    workspace.standin.reset()
    _say(workspace, "U1", "advance PI-2")  # a stage moves: the Home's lists change
    assert _published(workspace, "U1") == _full_read(workspace.firm, standin, "U1") != home

    _open_home(workspace, "ULEAD")
    workspace.standin.reset()
    _say(workspace, "ULEAD", "contacted PI-1 client called a third time")
    assert _published(workspace, "ULEAD") == _full_read(workspace.firm, standin, "ULEAD")
    assert not [c for c in workspace.standin.calls_to("views.publish") if c.params["user_id"] == "U1"]


def test_a_change_publishes_at_once_only_a_home_its_person_opened_lately(
    workspace: Slack, standin: SlackStandIn, reads: list[list[str]], clock: Clock
) -> None:
    """A Home nobody opened lately is not read or published after a change: Slack tells casebot when its
    person opens it, and it is built then, with the change. One opened within WATCHED_FOR is published at once.
    On PostgreSQL, which serves replicas, a process that was not told of the opening knows it all the same."""
    _cases(workspace)
    workspace.standin.reset()
    before = len(reads)
    _say(workspace, "U1", "contacted PI-1 client called back")
    assert not workspace.standin.calls_to("views.publish") and len(reads) == before, "U1 never opened it"

    _open_home(workspace, "U1")  # opened: built now, with the contact
    assert _published(workspace, "U1") == _full_read(workspace.firm, standin, "U1")
    workspace.standin.reset()
    _say(workspace, "U1", "advance PI-2")
    assert _published(workspace, "U1") == _full_read(workspace.firm, standin, "U1")

    # Another process, told nothing of the opening: on PostgreSQL it reads it; SQLite serves one process.
    workspace.firm.homes.opened.clear()
    workspace.standin.reset()
    _say(workspace, "U1", "contacted PI-3 adjuster voicemail left a message")
    published = bool(workspace.standin.calls_to("views.publish"))
    assert published == workspace.firm.db.is_postgres

    _open_home(workspace, "U1")
    clock.advance(hours=12, minutes=1)  # a working day later, not opened since
    workspace.standin.reset()
    _say(workspace, "U1", "demand PI-4 ack")
    assert not workspace.standin.calls_to("views.publish"), "not opened for longer than WATCHED_FOR"
    _open_home(workspace, "U1")
    assert _published(workspace, "U1") == _full_read(workspace.firm, standin, "U1")


def test_an_opening_is_written_down_for_other_replicas_at_most_every_ten_minutes(
    workspace: Slack, clock: Clock
) -> None:
    """On PostgreSQL each opening a process is told of reaches home_opens, but not more often than every
    NOTE_OPENED_EVERY a person; on SQLite (one process) an opening never writes."""
    _cases(workspace)
    seen = watch(workspace.firm.db)
    last = 0
    for minute in (0, 3, 6, 11, 12):  # U1 opens their Home at these minutes
        clock.advance(minutes=minute - last)
        last = minute
        _open_home(workspace, "U1")
    written = [sql for _, sql in seen.statements if "INSERT INTO home_opens" in sql]
    assert len(written) == (2 if workspace.firm.db.is_postgres else 0), written  # at 0 and at 11


def test_a_home_is_published_when_opened_even_if_noting_the_opening_fails(
    workspace: Slack, standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cases(workspace)

    def fails(*_: Any) -> None:
        raise RuntimeError("the database said no")

    monkeypatch.setattr(home, "note_opened", fails)
    _open_home(workspace, "U1")
    assert _published(workspace, "U1") == _full_read(workspace.firm, standin, "U1")


def test_the_refresh_after_a_change_reads_only_the_case_it_touched(
    workspace: Slack, reads: list[list[str]]
) -> None:
    _cases(workspace)
    for n in range(6, 16):
        workspace.case("U1", f"new PI-{n} Client Number{n} 2026-10-15")
    workspace.firm.homes.forget("U1")  # as a process that has just started
    _open_home(workspace, "U1")
    whole = reads[-1]
    assert _whole(whole)
    workspace.case("U1", "contacted PI-7 client called back")
    after = reads[-1]
    assert not _whole(after)
    assert len(after) < len(whole), (whole, after)
    # Opened again with nothing changed: the person's row and version, nothing else.
    _open_home(workspace, "U1")
    again = reads[-1]
    assert not _whole(again) and len(again) <= 2, again
    assert not [sql for sql in again if "FROM cases" in sql or "FROM obligations" in sql]


def test_a_new_day_reads_the_whole_home(
    workspace: Slack, standin: SlackStandIn, clock: Any, reads: list[list[str]]
) -> None:
    """Days overdue, in stage and coming up are the day's: a Home kept yesterday is not used today."""
    _cases(workspace)
    _open_home(workspace, "U1")
    clock.advance(days=1)
    _open_home(workspace, "U1")
    assert _whole(reads[-1])
    assert _published(workspace, "U1") == _full_read(workspace.firm, standin, "U1")


def test_a_process_keeps_a_bounded_number_of_homes_and_reads_a_forgotten_one_whole(
    workspace: Slack, standin: SlackStandIn, reads: list[list[str]]
) -> None:
    """Memory (issue 23): the least recently used Home beyond the bound is forgotten with its marks; the next
    refresh of its person reads the whole Home, and shows what a full read shows."""
    _cases(workspace)
    workspace.firm.homes.limit = 1
    _open_home(workspace, "U1")
    _open_home(workspace, "U2")
    assert list(workspace.firm.homes.kept) == ["U2"]
    workspace.case("U1", "contacted PI-1 client called back")
    assert _whole(reads[-1])
    assert _published(workspace, "U1") == _full_read(workspace.firm, standin, "U1")
    assert list(workspace.firm.homes.kept) == ["U1"] and not workspace.firm.homes.marks


def test_the_database_moves_a_home_version_on_whoever_writes(workspace: Slack) -> None:
    """Every table a Home is built from moves on the version of whom it shows the row to, whatever writes."""
    from datetime import UTC, date, datetime

    from storage import home_rows
    from storage.models import ContactAttempt, DemandEvent

    _cases(workspace)
    db = workspace.firm.db

    def version(user: str) -> int:
        with db.uow(write=False) as s:
            return home_rows.version_of(s, user)

    with db.uow(write=False) as s:
        pi3 = s.execute(text("SELECT id FROM cases WHERE number = 'PI-3'")).scalar_one()
    at, on = datetime(2026, 11, 26, tzinfo=UTC), date(2026, 11, 26)
    writes: list[tuple[str, Any]] = [
        ("U1", "UPDATE obligations SET talking_points = 'x' WHERE manager_id = 'U1'"),
        ("U2", ContactAttempt(case_id=pi3, kind="client", how="voicemail", on=on, by="U2", at=at)),
        ("U1", DemandEvent(case_id=pi3, kind="ack", on=on, by="U2", at=at)),  # U1 is on PI-3's team
        ("U2", DemandEvent(case_id=pi3, kind="resent", on=on, by="U2", at=at)),  # its manager
        ("U1", "UPDATE cases SET stage_entered_on = '2026-11-20' WHERE number = 'PI-3'"),
        ("U1", "DELETE FROM case_team WHERE user_id = 'U1'"),
        ("U1", "UPDATE staff SET role = 'lead' WHERE user_id = 'U1'"),
        ("U2", "DELETE FROM cases WHERE number = 'PI-3'"),
    ]
    for user, write in writes:
        before, others = version(user), version("UADMIN")
        with db.uow() as s:
            if isinstance(write, str):
                s.execute(text(write))
            else:
                s.add(write)
        assert version(user) > before, write
        assert version("UADMIN") == others, f"{write}: moved on the Home of someone it is not shown to"
    # A column no Home shows moves nothing.
    before = version("U1")
    with db.uow() as s:
        s.execute(text("UPDATE cases SET last_client_contact_on = NULL WHERE manager_id = 'U1'"))
    assert version("U1") == before


def test_a_refresh_gives_way_to_a_request_that_begins_while_it_reads(
    workspace: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole Home read beside a request took as long as both together, and the request with it
    (bench/RESULTS.md, issue 23): a refresh waits for quiet before each step, not only before its first. Its
    lane is its own, so the answer to a button is not held up behind it."""
    _cases(workspace)
    monkeypatch.setattr(home, "QUIET_WAIT", 30.0)  # gives way as long as it takes
    workspace.firm.homes.forget("U1")  # a whole read
    seen = watch(workspace.firm.db)
    began, ends = threading.Event(), []

    def refresh_thread() -> bool:
        return threading.current_thread().name.startswith("casebot-later-home")

    def a_request_comes_in(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if refresh_thread() and "cases.manager_id = " in sql and not ends:
            ends.append(request.in_flight.begin())  # as the front door counts one
            began.set()

    engines = {workspace.firm.db.engine, workspace.firm.db.read_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", a_request_comes_in)
    published = len(workspace.standin.calls_to("views.publish"))
    opened = threading.Thread(target=_open_home, args=(workspace, "U1"))  # drains when the refresh is done
    try:
        opened.start()
        assert began.wait(5), "the refresh never read U1's cases"
        read_so_far = len([t for t, _ in seen.statements if t.startswith("casebot-later-home")])
        answered = threading.Event()
        workspace.ctx.later(answered.set)  # what a button's answer would be
        assert answered.wait(2), "work after a reply waited behind the refresh"
        time.sleep(0.3)  # long enough for a refresh that did not give way to read on and publish
        assert len([t for t, _ in seen.statements if t.startswith("casebot-later-home")]) == read_so_far
        assert len(workspace.standin.calls_to("views.publish")) == published
    finally:
        for end in ends:
            end()  # the request is answered: the refresh goes on
        opened.join(10)
        for engine in engines:
            event.remove(engine, "before_cursor_execute", a_request_comes_in)
    assert _published(workspace, "U1") == _full_read(workspace.firm, workspace.standin, "U1")
    assert len(workspace.standin.calls_to("views.publish")) == published + 1
