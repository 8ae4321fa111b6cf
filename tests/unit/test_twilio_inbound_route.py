"""POST /twilio/inbound's front door, with the signature check as a port: a request the check refuses gets 403
and reaches nothing; a signed one is handed over once per delivery with its MessageSid; the end-to-end test with
the twilio package's RequestValidator is in tests/http/test_client_replies.py."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.entrypoints.twilio_inbound import EMPTY_TWIML, InboundText, inbound_endpoint
from bot.errors import TryAgain

BASE = "https://casebot.ramoslaw.example"
GOOD = "signed-ok"


def check(url: str, form: dict[str, str], signature: str) -> bool:
    return signature == GOOD and url == BASE + "/twilio/inbound"


def call(
    endpoint: Any,
    body: bytes,
    *,
    signature: str = GOOD,
    method: str = "POST",
    ctype: str = "application/x-www-form-urlencoded",
) -> tuple[str, bytes]:
    out: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        out["status"] = status

    environ = {
        "REQUEST_METHOD": method,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": ctype,
        "HTTP_X_TWILIO_SIGNATURE": signature,
        "wsgi.input": io.BytesIO(body),
    }
    chunks: Iterable[bytes] = endpoint(environ, start_response)
    return out["status"], b"".join(chunks)


FORM = urlencode(
    {
        "MessageSid": "SM" + "a" * 32,
        "From": "+13055550123",
        "To": "+13055550100",
        "Body": "¿cuándo me pagan?",
        "NumMedia": "1",
    }
).encode()


def test_a_signed_text_is_handed_over_and_answered_with_empty_twiml() -> None:
    got: list[InboundText] = []
    status, body = call(inbound_endpoint(lambda: BASE, check, got.append), FORM)
    assert (status, body) == ("200 OK", EMPTY_TWIML)
    assert got == [InboundText("SM" + "a" * 32, "+13055550123", "+13055550100", "¿cuándo me pagan?", 1)]


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"signature": "forged"}, "403 Forbidden"),
        ({"signature": ""}, "403 Forbidden"),
        ({"method": "GET"}, "405 Method Not Allowed"),
        ({"ctype": "application/json"}, "400 Bad Request"),
    ],
)
def test_a_request_that_is_not_a_signed_twilio_form_reaches_nothing(
    kwargs: dict[str, str], status: str
) -> None:
    got: list[InboundText] = []
    assert call(inbound_endpoint(lambda: BASE, check, got.append), FORM, **kwargs)[0] == status
    assert got == []


def test_without_a_public_address_or_an_auth_token_nothing_can_be_verified() -> None:
    got: list[InboundText] = []
    assert call(inbound_endpoint(lambda: None, check, got.append), FORM)[0] == "403 Forbidden"
    assert call(inbound_endpoint(lambda: BASE, None, got.append), FORM)[0] == "403 Forbidden"
    assert got == []


def test_too_large_or_repeated_fields_are_refused() -> None:
    got: list[InboundText] = []
    endpoint = inbound_endpoint(lambda: BASE, check, got.append)
    assert call(endpoint, b"Body=" + b"a" * 70_000)[0] == "413 Request Entity Too Large"
    assert call(endpoint, FORM + b"&From=%2B15550000000")[0] == "400 Bad Request"
    assert got == []


def test_a_database_outage_answers_503_so_twilio_tries_again() -> None:
    def down(_: InboundText) -> None:
        raise TryAgain("down")

    assert call(inbound_endpoint(lambda: BASE, check, down), FORM)[0] == "503 Service Unavailable"
