"""A property test on a real database: whatever a case holds in the facts that are not notice fields (provider
names, amounts, hold-up and contact notes, the adjuster, lien holders, costs, the case number, the client's
last name), none of it reaches any notice casebot would send, in any language, by any channel."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import services as sv
from bot.services.client_updates import preview_update
from bot.services.clients import set_client_detail, set_sms_consent
from tests.kit.client_updates import client_settings, with_clients

D = date
_numbers = itertools.count(10_000)

sentinel = st.from_regex(r"[A-Z][a-z]{2}[qxz]{2}[a-z]{3}", fullmatch=True)
money = st.decimals(min_value=Decimal("1000.00"), max_value=Decimal("999999.99"), places=2)


def _open_notice_rules(firm, number):
    from bot.rules.notices import NOTICE_RULES

    return sorted({o.rule for o in sv.show_case(firm, "U1", number).obligations if o.rule in NOTICE_RULES})


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [x for x in secrets if x and x.lower() in text.lower()]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    provider=sentinel,
    note=sentinel,
    diagnosis=sentinel,
    adjuster=sentinel,
    holder=sentinel,
    cost=sentinel,
    last_name=sentinel,
    offer=money,
    lien=money,
    language=st.sampled_from(["en", "es"]),
)
def test_no_forbidden_fact_reaches_a_notice(
    firm, clock, provider, note, diagnosis, adjuster, holder, cost, last_name, offer, lien, language
):
    clock.set(D(2026, 11, 26))
    live = with_clients(firm, client_settings(twilio_base="http://127.0.0.1:9", smtp_port=9))
    n = next(_numbers)
    number = f"PI-{n}"
    sv.create_case(live, "U1", number, f"Ana {last_name}", on=D(2026, 9, 1))
    sv.add_provider(live, "U1", number, f"{provider} Clinic", on=D(2026, 9, 2))
    sv.log_contact(live, "U1", number, on=D(2026, 9, 3), note=f"client said {note}")
    sv.add_cost(live, "U1", number, Decimal("350.00"), f"{cost} records fee")
    sv.add_lien(live, "U1", number, f"{holder} Health", lien, on=D(2026, 9, 4))
    set_client_detail(live, "U1", number, "phone", "(305) 555-0123")
    set_client_detail(live, "U1", number, "email", "ana@example.com")
    if language != "en":
        set_client_detail(live, "U1", number, "language", language)
    set_sms_consent(live, "U1", number, True, "engagement letter")
    secrets = [provider, note, diagnosis, adjuster, holder, cost, last_name, str(n)]
    amounts = [
        f"{offer:,.2f}",
        f"{offer:.2f}",
        f"{int(offer):,}",
        f"{lien:,.2f}",
        f"{lien:.2f}",
        f"{int(lien):,}",
    ]
    amounts += [a.replace(",", ".") for a in amounts]  # however a locale writes them

    def check_every_notice() -> int:
        seen = 0
        for rule in _open_notice_rules(live, number):
            for channel in ("sms", "email"):
                p = preview_update(live, "U1", number, channel=channel, rule=rule)
                for part in (p.text, p.subject or "", p.html or ""):
                    assert not _leaks(part, secrets + amounts), (rule, channel, part)
                seen += 1
        return seen

    seen = check_every_notice()  # R1, R2 while records are collected
    sv.provider_received(live, "U1", number, "1", "both", on=D(2026, 9, 20))
    sv.advance(live, "U1", number, on=D(2026, 10, 1))
    sv.set_holdup(live, "U1", number, "other", f"{diagnosis} chart", on=D(2026, 10, 2))
    seen += check_every_notice()  # R4, R5 with a hold-up
    sv.clear_holdup(live, "U1", number, "other")
    sv.demand_sent(live, "U1", number, on=D(2026, 10, 5), adjuster=f"{adjuster} Claims")
    seen += check_every_notice()  # R6
    sv.offer_received(live, "U1", number, offer, on=D(2026, 11, 2))
    seen += check_every_notice()  # R10 (a call)
    assert seen >= 8
