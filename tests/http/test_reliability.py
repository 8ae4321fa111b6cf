"""The reliability suite: generated command texts, concurrent advances over HTTP, replayed requests.

(The database going away mid-command: tests/services/test_database_outage.py. Slack answering 429 and 500 for a
while: tests/slack/test_reminders_*.py. Three replicas and a killed sender: tests/http/test_replicas.py.)"""

from __future__ import annotations

import threading
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot import services
from bot.services.people import person
from storage.models import AuditEntry, Case, Obligation, StageChange
from tests.kit.slack_bodies import sign, slash_body
from tests.kit.typed import AMOUNTS, DATES, MENTIONS, QUOTES, WORDS
from tests.kit.workspace import SECRET


def _db_state(firm) -> tuple:
    with firm.db.uow() as s:
        return (
            s.scalar(select(func.count()).select_from(AuditEntry)),
            s.scalar(select(func.count()).select_from(Case)),
            sorted(s.execute(select(Obligation.key, Obligation.state, Obligation.remind_on)).all()),
        )


SUBCOMMANDS = [
    "new",
    "show",
    "provider",
    "contacted",
    "advance",
    "holdup",
    "demand",
    "accounting",
    "assign",
    "close",
    "mine",
    "due",
    "overdue",
    "away",
    "back",
    "role",
    "help",
    "received",
    "list",
    "informed",
]
token = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(DATES),
    st.sampled_from(AMOUNTS),
    st.sampled_from(MENTIONS),
    st.sampled_from(QUOTES),
    st.text(min_size=1, max_size=12),
)
command_text = st.one_of(
    st.builds(
        lambda sub, rest: " ".join([sub, *rest]), st.sampled_from(SUBCOMMANDS), st.lists(token, max_size=8)
    ),
    st.text(max_size=60),
    st.builds(
        lambda sub, blob: f"{sub} PI-1 {blob}",
        st.sampled_from(SUBCOMMANDS),
        st.text(min_size=2000, max_size=6000),
    ),
)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    command=st.sampled_from(["/case", "/offer"]),
    text=command_text,
    user=st.sampled_from(["U1", "U2", "UADMIN", "UGUEST"]),
)
def test_generated_command_texts_never_break_and_refusals_change_nothing(workspace, command, text, user):
    if services.has_cases(workspace.firm) is False:
        workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
        workspace.case("U1", "provider PI-1 add Valley Ortho 2026-11-02")
    before = _db_state(workspace.firm)
    answer = workspace.command(user, text, command)
    assert answer.status == 200
    shown = answer.all_text
    assert "ran into a problem" not in shown, f"{command} {text!r} raised an unhandled error"
    from handlers.commands import opens_modal

    assert answer.text or opens_modal(command, text), "every reply has fallback text"
    if shown.lstrip().startswith(":warning:") or ":warning:" in shown.split("\n", 1)[0]:
        assert _db_state(workspace.firm) == before, f"the refused {command} {text!r} changed the database"


def test_twenty_concurrent_advances_over_http_move_the_case_once_and_tell_everyone_else(http, clock):
    served = http.slack
    services.set_role(served.firm, "UADMIN", "ULEAD", "lead")
    served.case("U1", "new PI-1 Jane Roe 2026-11-02")
    served.case("U1", "provider PI-1 add Valley Ortho 2026-11-02")
    served.case("U1", "provider PI-1 received 1 both 2026-11-20")
    server = http
    start = threading.Barrier(20)
    replies: list[tuple[int, str]] = []

    def advance(user: str, n: int) -> None:
        # Each a request of its own, as Slack's are (its own trigger_id): the same signed request twice
        # would be a replay, refused before it reaches the app.
        body = slash_body(
            "/case",
            "advance PI-1",
            user,
            response_url=served.standin.response_url("adv"),
            trigger_id=f"t.{n}",
        )
        start.wait()
        status, data, _ = server.post(body)
        replies.append((status, data.get("text", "")))

    # One person's advance sent twenty times at once (a double submit is the same person's repeated
    # plain advance; a lead's own advance after it would be a move of its own).
    threads = [threading.Thread(target=advance, args=("U1", i)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(replies) == 20 and all(status == 200 for status, _ in replies)
    moved = [t for _, t in replies if t.startswith("PI-1 moved to “Waiting for a legal assistant”")]
    told = [t for _, t in replies if "already moved to “Waiting for a legal assistant”" in t]
    assert len(moved) == 1 and len(told) == 19
    assert services.show_case(served.firm, "U1", "PI-1").stage == "demand_queue"
    with served.firm.db.uow() as s:
        assert s.scalar(select(func.count()).select_from(StageChange)) == 2


def test_a_replayed_request_older_than_five_minutes_is_refused_and_changes_nothing(http):
    served = http.slack
    server = http
    body = slash_body("/case", "new PI-9 Jane Roe", "U1", response_url=served.standin.response_url("r"))
    old = int(time.time()) - 301
    headers = sign(SECRET, body, old)
    status, _, _ = server.post(body, headers=headers)
    assert status == 401
    # The same body and signature, replayed again, still refused; a fresh signature is accepted.
    assert server.post(body, headers=headers)[0] == 401
    assert services.has_cases(served.firm) is False
    assert server.post(body)[0] == 200
    assert services.show_case(served.firm, "U1", "PI-9").client == "Jane Roe"


def test_the_database_going_away_answers_try_again_and_changes_nothing(workspace, monkeypatch):
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    workspace.case("U1", "show PI-1")  # the caller's Slack profile is cached
    before = _db_state(workspace.firm)
    gone = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/gone?connect_timeout=1")
    monkeypatch.setattr(workspace.firm.db, "sessions", sessionmaker(gone))
    monkeypatch.setattr(workspace.firm.db, "read_sessions", sessionmaker(gone))
    for text in ("contacted PI-1 client", "advance PI-1", "show PI-1"):
        answer = workspace.case("U1", text)
        assert answer.status == 200 and "try again" in answer.text and "ran into a problem" not in answer.text
    monkeypatch.undo()
    gone.dispose()
    assert _db_state(workspace.firm) == before
    assert workspace.case("U1", "contacted PI-1 client").text.startswith("Logged a client contact")


def test_every_event_delivery_is_handled_at_most_once(workspace):
    opened = {"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "DU1"}
    assert workspace.event(opened, event_id="EvHome1").status == 200
    assert workspace.event(opened, event_id="EvHome1").status == 200  # Slack's retry of the same delivery
    assert len(workspace.standin.calls_to("views.publish")) == 1
    workspace.event(opened, event_id="EvHome2")  # a new delivery is work again
    assert len(workspace.standin.calls_to("views.publish")) == 2
    guest = {
        "type": "user_change",
        "user": {"id": "U2", "name": "u2", "is_restricted": True, "tz": "America/Chicago"},
    }
    workspace.event(guest, event_id="EvUser1")
    assert person(workspace.firm, "U2").is_guest is True
    undo = {"type": "user_change", "user": {"id": "U2", "name": "u2", "tz": "America/Chicago"}}
    workspace.event(undo, event_id="EvUser1")  # a replay under a claimed id changes nothing
    assert person(workspace.firm, "U2").is_guest is True
