"""A client's email reply, read from realistic .eml fixtures of Gmail, Outlook and iPhone Mail in English and
Spanish: the reply address's token, and only the new text. Pure: no database, no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.rules.email_reply import (
    message_id,
    new_reply_token,
    new_text,
    read_email,
    reply_address,
    token_of_address,
    token_of_message_ids,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
DOMAIN = "replies.ramoslaw.example"
TOKEN_A = "uom6nqgnbt6vx3sfckqemj7sp25ra4br"
TOKEN_B = "6ffytfhunvp3q6sirahc45igtc27ifqs"


def read(name: str):  # type: ignore[no-untyped-def]
    return read_email((FIXTURES / name).read_bytes(), DOMAIN)


def test_spanish_gmail_reply_keeps_only_the_new_text() -> None:
    mail = read("gmail_es.eml")
    assert (
        mail.text
        == "Hola Dana, gracias por avisarme.\n¿Cuándo me pagan? Tuve otra resonancia la semana pasada."
    )
    assert mail.reply_tokens == (TOKEN_A, TOKEN_A)
    assert mail.sender == "maria.lopez@gmail.com"
    assert mail.message_id == "<CAF3kq9xN2eN+3vWcQ@mail.gmail.com>"


def test_english_gmail_reply_with_a_wrapped_on_wrote_line() -> None:
    mail = read("gmail_en.eml")
    assert mail.text == "Thanks Dana. I had another MRI on Friday, should I send you the report?\n\nJordan"
    assert "Ramos Law" not in mail.text and "STOP" not in mail.text


def test_outlook_original_message_block_and_the_signature_are_cut() -> None:
    mail = read("outlook_en.eml")
    assert mail.text == "Hi Dana,\n\nCan we talk Thursday afternoon? I'm free after 3.\n\nThanks,\nPat"
    assert mail.reply_tokens == (TOKEN_A,)


def test_spanish_outlook_html_only_reply_with_an_attachment() -> None:
    mail = read("outlook_es.eml")
    assert mail.text == (
        "Buenas tardes,\nLe mando la foto de la carta del seguro. ¿Es normal que tarden tanto?\n\nJosé"
    )
    assert mail.attachments == 1
    assert mail.reply_tokens == (TOKEN_B,)


def test_spanish_iphone_reply_stops_at_enviado_desde_mi_iphone() -> None:
    mail = read("iphone_es.eml")
    assert mail.text == "Perfecto, muchas gracias. Ya no quiero recibir mensajes de texto, mejor por correo."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Yes, Thursday works.\n\nOn Mon, Dec 7, 2026 at 10:02 AM Ramos Law <x@y.example> wrote:\n> Hi",
            "Yes, Thursday works.",
        ),
        (
            "Sí, el jueves.\n\nEl lun, 7 dic 2026 a las 10:02, Ramos Law (<x@y.example>) escribió:\n> Hola",
            "Sí, el jueves.",
        ),
        ("OK\r\n\r\n-----Mensaje original-----\r\nDe: Ramos Law\r\nEnviado: lunes\r\n", "OK"),
        ("OK\n________________________________\nFrom: Ramos Law\nSent: Monday\n", "OK"),
        (
            "Call me\n\nFrom: Ramos Law <x@y.example>\nSent: Monday, December 7, 2026 10:02 AM\nTo: me\n",
            "Call me",
        ),
        ("Llámeme\n\nDe: Ramos Law <x@y.example>\nEnviado: lunes, 7 de diciembre de 2026 10:02\n", "Llámeme"),
        ("> quoted first\nmy answer below\n> more quote", "my answer below"),
        ("Thanks\n-- \nPat | 555-0142", "Thanks"),
        ("Thanks\n\nSent from my iPhone", "Thanks"),
        ("Gracias\n\nObtener Outlook para Android", "Gracias"),
        ("From now on I prefer email.\nDe verdad.", "From now on I prefer email.\nDe verdad."),
        ("", ""),
    ],
)
def test_quoted_history_forms(body: str, expected: str) -> None:
    assert new_text(body) == expected


def test_reply_token_is_unguessable_case_proof_and_round_trips() -> None:
    tokens = {new_reply_token() for _ in range(200)}
    assert len(tokens) == 200
    token = tokens.pop()
    assert len(token) == 32 and token == token.lower()
    address = reply_address(token, "Replies.RamosLaw.example")
    assert address == f"reply+{token}@replies.ramoslaw.example"
    assert token_of_address(address.upper(), DOMAIN) == token
    assert token_of_address(f"Ramos Law <{address}>", DOMAIN) == token
    assert token_of_message_ids(f"<abc@mail.gmail.com> {message_id(token, DOMAIN)}", DOMAIN) == token


@pytest.mark.parametrize(
    "address",
    [
        f"reply+{TOKEN_A}@other.example",
        f"reply+{TOKEN_A}@replies.ramoslaw.example.evil.example",
        f"{TOKEN_A}@replies.ramoslaw.example",
        "reply+short@replies.ramoslaw.example",
        f"reply+{TOKEN_A}1@replies.ramoslaw.example",
        "postmaster@replies.ramoslaw.example",
        "",
    ],
)
def test_any_other_address_has_no_token(address: str) -> None:
    assert token_of_address(address, DOMAIN) is None
