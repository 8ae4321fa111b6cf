"""The day grammar (bot/rules/parsing.py) as people type it: every form on awkward days, and every refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.errors import BadDate
from bot.rules.calendar import BusinessCalendar
from bot.rules.parsing import day_span, parse_day, read_day, spoken_day

D = date
MONDAY = D(2026, 11, 23)  # a Monday
FIRST = D(2026, 12, 1)  # the 1st of a month (a Tuesday)
JAN_2 = D(2027, 1, 2)  # two days into a new year (a Saturday)

# (today, what is typed, the day it means)
FORMS = [
    # on a Monday
    (MONDAY, "2026-11-03", D(2026, 11, 3)),
    (MONDAY, "11/3", D(2026, 11, 3)),
    (MONDAY, "11/3/26", D(2026, 11, 3)),
    (MONDAY, "11/3/2026", D(2026, 11, 3)),
    (MONDAY, "Nov 3", D(2026, 11, 3)),
    (MONDAY, "nov 3", D(2026, 11, 3)),
    (MONDAY, "November 3", D(2026, 11, 3)),
    (MONDAY, "Nov. 3rd", D(2026, 11, 3)),
    (MONDAY, "3 Nov", D(2026, 11, 3)),
    (MONDAY, "3 November 2025", D(2025, 11, 3)),
    (MONDAY, "Nov 3 2026", D(2026, 11, 3)),
    (MONDAY, "Nov 3, 2026", D(2026, 11, 3)),
    (MONDAY, "today", MONDAY),
    (MONDAY, "Yesterday", D(2026, 11, 22)),
    (MONDAY, "monday", MONDAY),  # today is such a day, and not in the future
    (MONDAY, "mon", MONDAY),
    (MONDAY, "last monday", D(2026, 11, 16)),  # before today
    (MONDAY, "sunday", D(2026, 11, 22)),
    (MONDAY, "tue", D(2026, 11, 17)),
    (MONDAY, "last friday", D(2026, 11, 20)),
    (MONDAY, "11/23", MONDAY),
    # on the 1st of a month
    (FIRST, "yesterday", D(2026, 11, 30)),
    (FIRST, "12/1", FIRST),
    (FIRST, "Nov 30", D(2026, 11, 30)),
    (FIRST, "31 Oct", D(2026, 10, 31)),
    (FIRST, "last tuesday", D(2026, 11, 24)),
    (FIRST, "tuesday", FIRST),
    (FIRST, "wednesday", D(2026, 11, 25)),
    # on Jan 2: last year's days without a year
    (JAN_2, "12/30", D(2026, 12, 30)),
    (JAN_2, "Dec 31", D(2026, 12, 31)),
    (JAN_2, "1/1", D(2027, 1, 1)),
    (JAN_2, "1/2", JAN_2),
    (JAN_2, "yesterday", D(2027, 1, 1)),
    (JAN_2, "last thursday", D(2026, 12, 31)),
    (JAN_2, "2/29", D(2024, 2, 29)),  # a leap day: the last one that was
    (JAN_2, "12/30/26", D(2026, 12, 30)),
    (JAN_2, "12/30/99", D(1999, 12, 30)),  # a two-digit year within 50 years of today
]


@pytest.mark.parametrize(("today", "typed", "means"), FORMS)
def test_every_form_means_one_day(today, typed, means):
    assert parse_day(typed, today) == means
    words = ["PI-1", "client", *typed.split(), "left", "a", "voicemail"]
    assert read_day(words, 2, today) == (means, len(typed.split()))


NEAR = [
    (MONDAY, "12/1", FIRST),
    (MONDAY, "11/22", D(2026, 11, 22)),  # yesterday is nearer than next year's
    (MONDAY, "friday", D(2026, 11, 27)),  # a weekday that may lie ahead is the next one
    (MONDAY, "monday", MONDAY),
    (MONDAY, "tomorrow", D(2026, 11, 24)),
    (MONDAY, "last friday", D(2026, 11, 20)),
    (D(2026, 12, 30), "1/2", D(2027, 1, 2)),
    (D(2027, 1, 2), "12/30", D(2026, 12, 30)),
    (D(2026, 12, 30), "2027-03-02", D(2027, 3, 2)),
]


@pytest.mark.parametrize(("today", "typed", "means"), NEAR)
def test_days_that_may_lie_ahead_are_the_nearest_such_day(today, typed, means):
    """What is due, or away until: the nearest such day; a weekday name, the next one."""
    assert parse_day(typed, today, when="near") == means


def test_a_limitation_date_needs_its_year():
    assert parse_day("3/2/2028", MONDAY, when="dated") == D(2028, 3, 2)
    with pytest.raises(BadDate) as err:
        parse_day("3/2", MONDAY, when="dated")
    assert (
        err.value.message == "“3/2” is not a day casebot can place without its year: write it like 3/2/2028."
    )


def test_the_firms_today_decides_not_utc_near_midnight():
    """At 06:30 UTC on Nov 3 it is still Nov 2 in Los Angeles: "today" and "yesterday" are the firm's."""
    cal = BusinessCalendar(timezone="America/Los_Angeles")
    today = cal.today(datetime(2026, 11, 3, 6, 30, tzinfo=UTC))
    assert today == D(2026, 11, 2)
    assert parse_day("today", today) == D(2026, 11, 2)
    assert parse_day("yesterday", today) == D(2026, 11, 1)
    with pytest.raises(BadDate, match="Nov 3 is tomorrow"):  # Nov 3 has not come yet in the firm's zone
        parse_day("11/3", today)
    tokyo = BusinessCalendar(timezone="Asia/Tokyo").today(datetime(2026, 11, 2, 15, 30, tzinfo=UTC))
    assert tokyo == D(2026, 11, 3) and parse_day("11/3", tokyo) == D(2026, 11, 3)


REFUSED = [
    ("2026-11-31", "“2026-11-31” is not a day (November has 30)."),
    ("13/45", "“13/45” is not a day: there is no month 13"),
    ("25/12", "there is no month 25 (casebot reads month/day"),
    ("Feb 30", "“Feb 30” is not a day (February has 28, or 29 in a leap year)."),
    ("11/31", "(November has 30)"),
    ("Nov 31", "(November has 30)"),
    ("11/3/", "“11/3/” is not a day: write it like 11/3 or 11/3/2026."),
    ("2/29/2025", "(February 2025 has 28)"),
    ("2025-02-29", "(February 2025 has 28)"),
    ("11/0", "(November has 30)"),
    ("0/3", "there is no month 0"),
    ("11/3/202", "write the year with 2 or 4 digits"),
    ("2026-11", "write it as YYYY-MM-DD"),
    ("Nov 2026", "give the day of the month too, like Nov 3 2026"),
    ("11-3-2026", "write month/day with slashes"),
    ("3.11.2026", "write month/day with slashes"),
    ("1850-01-01", "1850 is not a year casebot records"),
    ("Nov", "is not a day casebot reads"),
    ("next week", "is not a day casebot reads"),
    ("", "is not a day casebot reads"),
    ("11/3 please", "is not a day casebot reads"),
]


@pytest.mark.parametrize(("typed", "reason"), REFUSED)
def test_what_looks_like_a_day_but_is_not_one_is_refused_with_the_reason(typed, reason):
    with pytest.raises(BadDate) as err:
        parse_day(typed, MONDAY)
    assert reason in err.value.message
    assert err.value.example


@pytest.mark.parametrize(
    "words",
    [
        ["May", "Chen"],  # a month name before a word is a name
        ["Nov"],
        ["12.5", "hours"],
        ["555-1212"],
        ["3", "visits"],
        ["last", "week"],
        ["12,500"],
        ["33", "1/3%"],
        ["Jane", "Roe"],
    ],
)
def test_words_that_are_not_days_are_left_alone(words):
    assert day_span(words) == 0
    assert read_day(words, 0, MONDAY) is None


@pytest.mark.parametrize(
    ("words", "span"),
    [
        (["13/45"], 1),
        (["Feb", "30", "x"], 2),
        (["11/3/"], 1),
        (["Nov", "3,", "2026", "x"], 3),
        (["3", "Nov"], 2),
    ],
)
def test_day_shaped_words_are_claimed_so_that_they_are_refused_not_swallowed(words, span):
    assert day_span(words) == span


def test_a_recorded_day_is_said_in_words_and_how_long_ago():
    today = D(2026, 11, 28)
    assert spoken_day(D(2026, 11, 3), today) == "Tue Nov 3 — 25 days ago"
    assert spoken_day(today, today) == "Sat Nov 28 (today)"
    assert spoken_day(D(2026, 11, 27), today) == "Fri Nov 27 — yesterday"
    assert spoken_day(D(2025, 12, 30), today) == "Tue Dec 30 2025 — 333 days ago"
    assert spoken_day(D(2026, 12, 1), today) == "Tue Dec 1 — in 3 days"
