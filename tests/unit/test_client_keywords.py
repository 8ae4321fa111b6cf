"""A client's text as the keyword reader sees it: STOP, START and HELP in English and Spanish as a whole message,
and free text that reads like a request to stop. Pure: no database."""

from __future__ import annotations

import pytest

from bot.rules.keywords import Keyword, keyword_of, reads_like_stop

STOPS = [
    "STOP",
    "stop",
    "Stop.",
    " STOP!! ",
    "StopAll",
    "STOP ALL",
    "UNSUBSCRIBE",
    "Unsubscribe.",
    "cancel",
    "END",
    "quit",
    "REVOKE",
    "OPTOUT",
    "opt-out",
    "Opt out",
    "PARAR",
    "¡ALTO!",
    "alto",
    "CANCELAR",
    "Baja",
    "no más",
    "No mas",
    "NO MÁS!!",
    "¡No más!",
]


@pytest.mark.parametrize("text", STOPS)
def test_every_stop_word_is_stop_whatever_the_case_accents_or_punctuation(text: str) -> None:
    reading = keyword_of(text)
    assert reading is not None and reading.keyword is Keyword.STOP and not reading.only_if_opted_out


@pytest.mark.parametrize("text", ["START", "start.", "Unstop", "COMENZAR", "Comenzar!"])
def test_start_words_opt_back_in_always(text: str) -> None:
    reading = keyword_of(text)
    assert reading is not None and reading.keyword is Keyword.START and not reading.only_if_opted_out


@pytest.mark.parametrize(
    ("text", "language"), [("YES", "en"), ("yes!", "en"), ("SÍ", "es"), ("si", "es"), ("Sí.", "es")]
)
def test_yes_and_si_start_only_a_number_that_is_opted_out(text: str, language: str) -> None:
    reading = keyword_of(text)
    assert reading is not None and reading.keyword is Keyword.START
    assert reading.only_if_opted_out and reading.language == language


@pytest.mark.parametrize("text", ["HELP", "help?", "Info", "AYUDA", "¿Ayuda?"])
def test_help_words(text: str) -> None:
    reading = keyword_of(text)
    assert reading is not None and reading.keyword is Keyword.HELP


def test_a_word_only_spanish_uses_says_so_and_stop_does_not() -> None:
    assert keyword_of("PARAR").language == "es"  # type: ignore[union-attr]
    assert keyword_of("no más").language == "es"  # type: ignore[union-attr]
    assert keyword_of("AYUDA").language == "es"  # type: ignore[union-attr]
    assert keyword_of("UNSUBSCRIBE").language == "en"  # type: ignore[union-attr]
    assert keyword_of("STOP").language is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "stop calling me at 7am",  # about calls, and a sentence: the manager reads it
        "When will the pain stop?",
        "I had another MRI",
        "¿cuándo me pagan?",
        "stopped by the office",
        "help me understand the offer",
        "no",
        "",
        "   ",
        "STOP STOP",
        "🛑",
    ],
)
def test_a_sentence_is_no_keyword(text: str) -> None:
    assert keyword_of(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "please stop texting me",
        "Please STOP sending me these messages!",
        "Don't text me anymore",
        "do not contact me",
        "No more texts please",
        "I no longer want to receive your text messages",
        "take me off your list",
        "please unsubscribe me",
        "no me manden más mensajes",
        "No me mande mas mensajes por favor",
        "Dejen de mandarme mensajes",
        "ya no quiero recibir mensajes",
        "No quiero más textos",
        "no me escriban más",
        "quítenme de la lista",
        "quiero darme de baja",
        "no más mensajes, gracias",
    ],
)
def test_free_text_that_asks_to_stop_is_read_as_a_request_to_stop(text: str) -> None:
    assert reads_like_stop(text)


@pytest.mark.parametrize(
    "text",
    [
        "When will the pain stop?",
        "I can't stop the headaches",
        "don't send the check yet",
        "No me mande la factura todavía",
        "Please don't call before 9, text me instead",
        "stop by the office tomorrow?",
        "¿cuándo me pagan?",
        "Text me when the offer comes in",
        "Gracias por el mensaje",
        "STOP",  # a keyword: keyword_of reads it, this does not
        "no más",
    ],
)
def test_ordinary_replies_are_not_read_as_a_request_to_stop(text: str) -> None:
    assert not reads_like_stop(text)
