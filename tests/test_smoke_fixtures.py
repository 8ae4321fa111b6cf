from datetime import date

from bot import services


def test_a_case_opens_on_each_backend(firm):
    outcome = services.create_case(firm, "U1", "pi-1", "Jane Roe", on=date(2026, 11, 2))
    assert outcome.card.number == "PI-1"
    assert services.show_case(firm, "U1", "Pi-1").client == "Jane Roe"
