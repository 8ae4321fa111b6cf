"""casebot's mail server for replies, on loopback: only reply+<token>@ the inbound domain for a token casebot
issued is accepted; the reply handed over is the new text only; a mailbox that can't take it answers 451."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.entrypoints.smtp import Mailbox, smtp_listener
from bot.rules.email_reply import InboundEmail

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
DOMAIN = "replies.ramoslaw.example"
TOKEN_A = "uom6nqgnbt6vx3sfckqemj7sp25ra4br"
TOKEN_B = "6ffytfhunvp3q6sirahc45igtc27ifqs"


class Box:
    def __init__(self, tokens: set[str]) -> None:
        self.tokens = tokens
        self.got: list[tuple[str, InboundEmail]] = []
        self.down = False

    def known(self, token: str) -> bool:
        return token in self.tokens

    def receive(self, token: str, reply: InboundEmail) -> None:
        if self.down:
            raise ConnectionError("database down")
        self.got.append((token, reply))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def box() -> Iterator[tuple[Box, int]]:
    b = Box({TOKEN_A, TOKEN_B})
    port = free_port()
    server = smtp_listener(DOMAIN, Mailbox(b.known, b.receive), port=port)
    server.start()
    try:
        yield b, port
    finally:
        server.stop()


def test_a_spanish_gmail_reply_is_handed_over_with_only_the_new_text(box: tuple[Box, int]) -> None:
    b, port = box
    raw = (FIXTURES / "gmail_es.eml").read_bytes().replace(b"\n", b"\r\n")  # SMTP's line ends
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        refused = smtp.sendmail("maria.lopez@gmail.com", [f"reply+{TOKEN_A}@{DOMAIN}"], raw)
    assert refused == {}
    [(token, reply)] = b.got
    assert token == TOKEN_A
    assert (
        reply.text
        == "Hola Dana, gracias por avisarme.\n¿Cuándo me pagan? Tuve otra resonancia la semana pasada."
    )


def test_the_address_case_does_not_matter(box: tuple[Box, int]) -> None:
    b, port = box
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.sendmail(
            "x@example.com",
            [f"REPLY+{TOKEN_B.upper()}@Replies.RamosLaw.Example"],
            b"Subject: hi\r\n\r\nOK\r\n",
        )
    assert [(t, r.text) for t, r in b.got] == [(TOKEN_B, "OK")]


@pytest.mark.parametrize(
    "rcpt",
    [
        f"reply+{TOKEN_A}@elsewhere.example",  # not our domain: no relaying
        "reply+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@replies.ramoslaw.example",  # a token casebot never issued
        "postmaster@replies.ramoslaw.example",
    ],
)
def test_any_other_recipient_is_refused_and_nothing_is_handed_over(box: tuple[Box, int], rcpt: str) -> None:
    b, port = box
    with smtplib.SMTP("127.0.0.1", port) as smtp, pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        smtp.sendmail("x@example.com", [rcpt], b"Subject: hi\r\n\r\nhello\r\n")
    assert refused.value.recipients[rcpt][0] == 550
    assert b.got == []


def test_a_mailbox_that_cannot_take_it_answers_451_so_the_sender_retries(box: tuple[Box, int]) -> None:
    b, port = box
    b.down = True
    with smtplib.SMTP("127.0.0.1", port) as smtp, pytest.raises(smtplib.SMTPDataError) as err:
        smtp.sendmail("x@example.com", [f"reply+{TOKEN_A}@{DOMAIN}"], b"Subject: hi\r\n\r\nhello\r\n")
    assert err.value.smtp_code == 451
    b.down = False
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.sendmail("x@example.com", [f"reply+{TOKEN_A}@{DOMAIN}"], b"Subject: hi\r\n\r\nhello\r\n")
    assert [r.text for _, r in b.got] == ["hello"]
