"""The notices' templates (pure, no database): twins in both languages with the same fields, every text within
two SMS segments, the first text names the firm and says how to stop, and nothing outside the whitelist."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

import pytest
from jinja2 import meta
from jinja2.exceptions import SecurityError, UndefinedError

from bot.rules.client_details import CALL_RULES, MESSAGE_RULES, sms_segments
from bot.rules.notices import (
    FIELD_NAMES,
    FIRM_NAME_MAX,
    FIRST_NAME_MAX,
    HOLDUP_PHRASES,
    NOTICE_RULES,
    STAGE_PHRASES,
    TEMPLATES,
    NoticeFields,
    _environment,
    render_notice,
    template_names,
)

KINDS = ("sms", "email.txt", "email.html")
STOP = {"en": "Reply STOP to opt out", "es": "Responda STOP para no recibir más mensajes"}


def fields_of(name: str) -> set[str]:
    env = _environment("en")
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    return set(meta.find_undeclared_variables(env.parse(source))) - {"subject"}


def longest(language: str, *, first: bool) -> NoticeFields:
    """Every field at the longest it can be in a message."""
    return NoticeFields(
        client_first_name="W" * FIRST_NAME_MAX,
        firm_name="F" * FIRM_NAME_MAX,
        firm_phone="(305) 555-0100",
        manager_first_name="M" * FIRST_NAME_MAX,
        stage_phrase=max(STAGE_PHRASES[language].values(), key=len),
        providers_outstanding=1234,
        demand_day=date(2026, 9, 30),
        holdup_label=max(HOLDUP_PHRASES[language].values(), key=len),
        first_message=first,
    )


def test_there_is_one_template_per_rule_language_and_channel_and_no_other() -> None:
    expected = {f"{r}.{lang}.{k}.j2" for r in NOTICE_RULES for lang in ("en", "es") for k in KINDS}
    assert set(template_names()) == expected
    assert set(NOTICE_RULES) == set(MESSAGE_RULES) | set(CALL_RULES)


@pytest.mark.parametrize("rule", NOTICE_RULES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_english_template_has_a_spanish_twin_with_the_same_fields(rule: str, kind: str) -> None:
    english, spanish = fields_of(f"{rule}.en.{kind}.j2"), fields_of(f"{rule}.es.{kind}.j2")
    assert english == spanish
    assert english <= FIELD_NAMES, english - FIELD_NAMES


def test_the_fields_are_exactly_the_whitelist() -> None:
    assert {f.name for f in fields(NoticeFields)} == {
        "client_first_name",
        "firm_name",
        "firm_phone",
        "manager_first_name",
        "stage_phrase",
        "providers_outstanding",
        "demand_day",
        "holdup_label",
        "first_message",
    }


@pytest.mark.parametrize("rule", NOTICE_RULES)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("first", [True, False])
def test_every_text_fits_in_two_segments(rule: str, language: str, first: bool) -> None:
    text = render_notice(rule, language, "sms", longest(language, first=first)).text
    seg = sms_segments(text)
    assert seg.count <= 2, (seg, text)
    assert len(text) <= (306 if seg.encoding == "GSM-7" else 134), text


@pytest.mark.parametrize("rule", NOTICE_RULES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_first_text_names_the_firm_and_says_how_to_stop_in_the_clients_language(
    rule: str, language: str
) -> None:
    f = replace(longest(language, first=True), firm_name="Rivera Law")
    first = render_notice(rule, language, "sms", f).text
    assert first.startswith("Rivera Law: ") and STOP[language] in first
    assert STOP["es" if language == "en" else "en"] not in first
    later = render_notice(rule, language, "sms", replace(f, first_message=False)).text
    assert later.startswith("Rivera Law: ") and "STOP" not in later


def test_spanish_letters_force_ucs2_and_plain_text_stays_gsm() -> None:
    assert sms_segments("Responda STOP para no recibir más mensajes").encoding == "UCS-2"
    assert sms_segments("Reply STOP to opt out").encoding == "GSM-7"
    assert sms_segments("x" * 160).count == 1 and sms_segments("x" * 161).count == 2
    assert sms_segments("á" * 70).count == 1 and sms_segments("á" * 71).count == 2
    assert sms_segments("€" * 80).units == 160  # an extension character takes two septets


def test_dates_and_numbers_are_written_in_the_clients_locale() -> None:
    en = render_notice("R6", "en", "email", longest("en", first=False))
    es = render_notice("R6", "es", "email", longest("es", first=False))
    assert "September 30" in en.text and "30 de septiembre" in es.text
    assert en.subject and es.subject and en.html and "<p>" in en.html


def test_a_name_outside_the_fields_is_an_error_not_an_empty_string() -> None:
    env = _environment("en")
    with pytest.raises(UndefinedError):
        env.from_string("{{ claim_number }}").render(client_first_name="Ana")
    with pytest.raises(SecurityError):
        env.from_string("{{ client_first_name.__class__.__mro__ }}").render(client_first_name="Ana")


def test_html_email_escapes_what_it_is_given() -> None:
    f = replace(longest("en", first=False), client_first_name="<b>Ana</b>")
    html = render_notice("R4", "en", "email", f).html or ""
    assert "<b>Ana</b>" not in html and "&lt;b&gt;Ana&lt;/b&gt;" in html
