"""The fuzz test: seeded, bounded streams of validly signed slash commands, button clicks, form submissions and
events, with random words and values, sent to the real HTTP server (waitress and casebot's front door) as
Slack would send them. Whatever arrives: no 5xx, nothing logged at ERROR and no typed text in the log,
every message and view casebot sends valid, and an intruder (a guest, a bot, someone deactivated, or a member
who is not on the case) changes nothing. On SQLite and, with TEST_DATABASE_URL, PostgreSQL.

The generator is `random.Random(SEED)`: the same requests every run, so a failure can be replayed by its
number (`rid` in the assertion message)."""

from __future__ import annotations

import json
import logging
import random
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot import services
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.blocks import (
    ADVANCE,
    LOG_CONTACT,
    LOG_CONTACT_VIEW,
    NEW_CASE_VIEW,
    OFFER_INFORMED,
    OVERDUE_NEXT,
    OVERDUE_PREVIOUS,
    PROVIDER_RECEIVED,
    UNDO,
)
from handlers.blocks.client_replies import CONFIRM_STOP, KEEP_TEXTING, NOT_THIS_CASE, REPLY_CLIENT, REPLY_VIEW
from handlers.blocks.client_updates import CANCEL_UPDATE, OPEN_UPDATE, SEND_UPDATE
from handlers.blocks.digests import LOG_CONTACT as DIGEST_LOG_CONTACT
from handlers.blocks.digests import OPEN_CASE, SNOOZE, SNOOZE_CHOICES
from handlers.commands.table import TABLES
from tests.kit.served import ServedSlack
from tests.kit.slack_bodies import slash_body
from tests.kit.typed import AMOUNTS, DATES, MENTIONS, QUOTES, WORDS

SEED = 24
MEMBER_REQUESTS = 200  # and INTRUDER_REQUESTS more: 300 a database
INTRUDER_REQUESTS = 100
MARK = "Quillon-Vexdahl"  # in every typed text: it must never reach the log

MEMBERS = ("U1", "U2", "ULEAD", "UADMIN")
NOT_MEMBERS = ("UGUEST", "USINGLE", "UBOT", "UGONE")
CASES = ("PI-1", "pi-1", "PI-2", "PI-404", "PI-1x", "")
SUBCOMMANDS = {
    command: sorted({name for sub in table.subcommands for name in (sub.name, *sub.aliases)})
    for command, table in TABLES.items()
}
ACTIONS = (
    ADVANCE,
    LOG_CONTACT,
    PROVIDER_RECEIVED,
    f"{PROVIDER_RECEIVED}:1",
    OFFER_INFORMED,
    f"{OFFER_INFORMED}:2",
    OVERDUE_NEXT,
    OVERDUE_PREVIOUS,
    UNDO,
    DIGEST_LOG_CONTACT,
    SNOOZE,
    OPEN_CASE,
    SEND_UPDATE,
    CANCEL_UPDATE,
    OPEN_UPDATE,
    REPLY_CLIENT,
    NOT_THIS_CASE,
    CONFIRM_STOP,
    KEEP_TEXTING,
    "no_such_button",
)
ODD = (
    MARK,
    f"*{MARK}*",
    f"<https://example.com|{MARK}>",
    f"<!channel> {MARK}",
    f"{MARK}\u0000",
    f"\u202e{MARK}",
    "²",
    "1e309",
    "NaN",
    "-0",
    "９",
    "🚗💥",
    "'; DROP TABLE cases; --",
    "\\",
    f"{MARK} " + "x" * 3000,
)


class Fuzzer:
    """The random parts of each request, from one seeded generator."""

    def __init__(self, seed: int, obligations: list[int]) -> None:
        self.rng = random.Random(seed)
        self.obligations = obligations or [1]

    def pick(self, options: tuple[Any, ...] | list[Any]) -> Any:
        return options[self.rng.randrange(len(options))]

    def typo(self, word: str) -> str:
        if len(word) < 3 or self.rng.random() < 0.8:
            return word
        i = self.rng.randrange(len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    def word(self) -> str:
        pool = self.pick((WORDS, DATES, AMOUNTS, MENTIONS, QUOTES, ODD, CASES))
        return str(self.pick(pool))

    def text(self, command: str, case: str | None = None) -> str:
        """A command's words: a subcommand (now and then misspelt), a case number, then random words; now and
        then no subcommand at all."""
        words = [self.typo(self.pick(SUBCOMMANDS[command]))] if self.rng.random() < 0.95 else []
        if self.rng.random() < 0.7:
            words.append(case if case is not None else self.pick(CASES))
        words += [self.word() for _ in range(self.rng.randrange(7))]
        if self.rng.random() < 0.5:
            words.append(MARK)  # free text (a note, a name, a reason): typed, so it must stay out of the log
        return " ".join(w for w in words if w)

    def value(self, case: str = "PI-1") -> Any:
        """A button's value: what casebot's own buttons carry, now and then bent, or anything at all."""
        o = self.pick(self.obligations)
        n = self.rng.choice((1, 2, 0, -1, 10**12, 7))
        good = (
            case,
            f"{case}|{n}",
            f"{case}|{n}|records",
            json.dumps({"case": case, "expected": "records"}),
            json.dumps({"o": o}),
            json.dumps({"o": o, "c": case}),
            json.dumps({"page": n, "user": self.pick(MEMBERS)}),
            str(n),
        )
        bent = (
            json.dumps({"o": self.pick(ODD)}),
            json.dumps({"page": 1e308 * 10 if self.rng.random() < 0.5 else "2"}),
            json.dumps([case]),
            json.dumps({"case": self.word(), "expected": self.word()}),
            f"{self.word()}|{self.word()}",
            self.word(),
            None,
            n,
            [case],
            {"o": o},
        )
        return self.pick(good) if self.rng.random() < 0.6 else self.pick(bent)

    def form(self) -> tuple[str, dict[str, dict[str, Any]], str]:
        """A form submission: which form, its fields, its private_metadata."""
        callback = self.pick(
            (NEW_CASE_VIEW, NEW_CASE_VIEW, LOG_CONTACT_VIEW, LOG_CONTACT_VIEW, REPLY_VIEW, "nope")
        )
        fields: dict[str, dict[str, Any]] = {}
        for block in ("number", "client", "manager", "on", "sol", "kind", "note", "text"):
            if self.rng.random() < 0.3:
                continue
            shape = self.pick(("value", "selected_date", "selected_user", "selected_option"))
            answer: Any = self.pick(
                (
                    self.word(),
                    self.pick(CASES),
                    f"{MARK} Roe",
                    "2026-11-02",
                    "2026-02-30",
                    "U2",
                    "client",
                    None,
                    5,
                )
            )
            fields[block] = {"type": "x", shape: {"value": answer} if shape == "selected_option" else answer}
        metadata = self.pick(
            (
                json.dumps({"case": self.pick(CASES) or "PI-1", "channel": "C1"}),
                json.dumps({"case": self.word()}),
                json.dumps([1]),
                "",
                "{",
                self.word(),
            )
        )
        return callback, fields, metadata


@pytest.fixture
def firm(firm: Firm) -> Firm:
    firm.settings = replace(firm.settings, public_base_url="https://casebot.example.com")
    return firm


def _a_firm_at_work(slack: ServedSlack) -> list[int]:
    """Two managers' cases with providers, contacts, a demand, an offer, a hold-up and obligations due; every
    person has been seen once. The open obligations' ids."""
    services.set_role(slack.firm, "UADMIN", "ULEAD", "lead")
    for text in (
        "new PI-1 Jane Roe 2026-11-02 sol 2028-03-02",
        "provider PI-1 add Valley Ortho 2026-11-03",
        "provider PI-1 add Bayside Imaging 2026-11-03",
        "contacted PI-1 client 2026-11-20 asked about bills",
        "holdup PI-1 billing waiting on the ledger",
        "client PI-1 phone 415 555 0101",
    ):
        assert slack.case("U1", text).status == 200
    slack.case("U2", "new PI-2 Bo Other 2026-10-01")
    slack.case("U2", "provider PI-2 add Valley Ortho 2026-10-02")
    slack.case("U2", "provider PI-2 received 1 both 2026-10-20")
    slack.case("U2", "advance PI-2")
    slack.case("U2", "demand PI-2 sent 2026-11-01 adjuster Pat Lee")
    slack.offer("U2", "received PI-2 12500 2026-11-20")
    for user in ("ULEAD", "UADMIN", *NOT_MEMBERS):
        slack.case(user, "help")  # casebot remembers each person on their first request
    later = date(2027, 6, 1)
    return sorted({d.obligation_id for d in services.due_for(slack.firm, None, later)})


def _send(
    slack: ServedSlack, fuzz: Fuzzer, user: str, rid: int, *, case: str | None = None
) -> tuple[str, int]:
    """One random request from `user`: what it was, and the HTTP status it got."""
    kind = fuzz.pick(("command", "command", "command", "click", "click", "form"))
    if kind == "command":
        command = fuzz.pick(("/case", "/case", "/case", "/offer"))
        text = fuzz.text(command, case)
        body = slash_body(
            command,
            text,
            user,
            response_url=slack.standin.response_url(f"fz{rid}"),
            trigger_id=f"trig.fz{rid}",
        )
        return f"{command} {text[:80]!r}", slack.dispatch(body).status
    if kind == "click":
        action_id = fuzz.pick(ACTIONS)
        value = fuzz.value(case or "PI-1")
        extra: dict[str, Any] = {}
        if action_id == SNOOZE:
            option = f"{fuzz.pick(fuzz.obligations)}:{fuzz.pick(SNOOZE_CHOICES)[0]}"
            extra["action"] = {
                "selected_option": {"value": option if fuzz.rng.random() < 0.6 else fuzz.word()}
            }
        if fuzz.rng.random() < 0.3:
            blocks = [{"type": "section", "block_id": "b", "text": {"type": "mrkdwn", "text": MARK}}]
            extra["message"] = {"text": "digest", "blocks": blocks if fuzz.rng.random() < 0.7 else [MARK]}
        channel = fuzz.pick(("C1", "D1"))
        answer = slack.click(user, action_id, value, channel=channel, **extra)
        return f"click {action_id} {str(value)[:60]!r}", answer.status
    callback, fields, metadata = fuzz.form()
    answer = slack.submit(user, callback, fields, metadata=metadata)
    return f"form {callback} {sorted(fields)}", answer.status


def _event(slack: ServedSlack, fuzz: Fuzzer, rid: int) -> tuple[str, int]:
    """An Events API delivery: a Home opened, a new person's profile (never a member of the tests' cast:
    Slack may change anyone, but this test keeps its members who they are), or an event casebot ignores."""
    kind = fuzz.pick(("app_home_opened", "user_change", "team_join", "app_mention", "message"))
    event: dict[str, Any] = {"type": kind, "user": fuzz.pick((*MEMBERS, "U7"))}
    if kind in ("user_change", "team_join"):
        event["user"] = {
            "id": fuzz.pick(("U7", "U8", "W9")),
            "real_name": fuzz.pick((f"{MARK} Park", fuzz.word(), "Dana Park")),
            "tz": fuzz.pick(("America/Denver", "Mars/Olympus", fuzz.word())),
            "is_restricted": fuzz.rng.random() < 0.3,
            "deleted": fuzz.rng.random() < 0.2,
        }
    elif kind in ("app_mention", "message"):
        event["text"] = fuzz.text("/case")
        event["channel"] = "C1"
    else:
        event["tab"] = fuzz.pick(("home", "messages", fuzz.word()))
    answer = slack.event(event, event_id=f"EvFuzz{rid}")
    return f"event {kind}", answer.status


def _check_statuses(sent: list[tuple[int, str, int]]) -> None:
    failed = [(rid, what, status) for rid, what, status in sent if status >= 500]
    assert failed == [], failed[:10]


def test_fuzzed_requests_get_no_5xx_log_no_text_and_intruders_change_nothing(
    served: ServedSlack, caplog: pytest.LogCaptureFixture
) -> None:
    obligations = _a_firm_at_work(served)
    assert obligations, "the firm has obligations for the digest buttons to name"
    fuzz = Fuzzer(SEED, obligations)
    caplog.set_level(logging.DEBUG)
    sent: list[tuple[int, str, int]] = []

    # Intruders first, on the firm as it was set up: nothing they send changes anything.
    before = export_data(served.firm)
    for rid in range(INTRUDER_REQUESTS // 2):
        user = fuzz.pick(NOT_MEMBERS)
        what, status = _send(served, fuzz, user, rid)
        sent.append((rid, f"{user} {what}", status))
    assert export_data(served.firm) == before, "a guest, a bot or someone deactivated changed something"
    pi_1 = _case(before, "PI-1")
    for rid in range(INTRUDER_REQUESTS // 2, INTRUDER_REQUESTS):
        what, status = _send(served, fuzz, "U2", rid, case=fuzz.pick(("PI-1", "pi-1", " PI-1")))
        sent.append((rid, f"U2 {what}", status))
    assert _case(export_data(served.firm), "PI-1") == pi_1, "U2 changed U1's case, which they may not see"

    # Members: anything at all, events too.
    recorded = served.audit_count()
    for rid in range(INTRUDER_REQUESTS, INTRUDER_REQUESTS + MEMBER_REQUESTS):
        if fuzz.rng.random() < 0.15:
            what, status = _event(served, fuzz, rid)
        else:
            user = fuzz.pick(MEMBERS)
            what, status = _send(served, fuzz, user, rid)
            what = f"{user} {what}"
        sent.append((rid, what, status))

    assert len(sent) == INTRUDER_REQUESTS + MEMBER_REQUESTS
    assert served.audit_count() > recorded, (
        "some fuzzed requests got through to a change: the fuzz reaches in"
    )
    _check_statuses(sent)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage()[:300] for r in errors]
    assert MARK not in caplog.text, [r.getMessage()[:300] for r in caplog.records if MARK in r.getMessage()]
    answered = {status for _, _, status in sent}
    assert 200 in answered and any(400 <= s < 500 for s in answered), "both kinds of answer were exercised"
    assert served.check_everything_sent() > 100, "every message and view casebot sent is valid Block Kit"


def _case(export: dict[str, Any], number: str) -> dict[str, Any]:
    [found] = [c for c in export["cases"] if c["number"] == number]
    return found
