from datetime import date

from bot.rules.calendar import BusinessCalendar

cal = BusinessCalendar()


def test_weekends_and_us_holidays_move_a_due_date_forward():
    assert cal.due(date(2026, 11, 1)) == date(2026, 11, 2)  # Sunday -> Monday
    assert cal.due(date(2026, 11, 1), 10) == date(2026, 11, 12)  # Veterans Day, Wednesday 11-11
    assert cal.due(date(2026, 11, 26)) == date(2026, 11, 27)  # Thanksgiving
    assert cal.due(date(2026, 12, 25)) == date(2026, 12, 28)  # Christmas Friday -> Monday
    assert cal.due(date(2026, 11, 24)) == date(2026, 11, 24)  # an ordinary Tuesday stays


def test_a_firm_can_add_its_own_closed_days():
    firm = BusinessCalendar(closed_days=[date(2026, 12, 24)])
    assert firm.due(date(2026, 12, 24)) == date(2026, 12, 28)
    assert firm.holiday_name(date(2026, 12, 24)) == "firm closed"


def test_state_holidays_come_from_the_holidays_package():
    ca = BusinessCalendar(subdiv="CA")
    assert not ca.is_business_day(date(2026, 3, 31))  # Cesar Chavez Day in California
    assert cal.is_business_day(date(2026, 3, 31))


def test_business_days_between_counts_open_days_only():
    assert cal.business_days_between(date(2026, 11, 20), date(2026, 11, 24)) == 2  # Mon, Tue
    assert cal.business_days_between(date(2026, 11, 25), date(2026, 11, 30)) == 2  # Fri 27, Mon 30
    assert cal.add_business_days(date(2026, 11, 25), 2) == date(2026, 11, 30)
