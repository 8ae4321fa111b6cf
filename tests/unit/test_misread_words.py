"""Issue 18 (items 1, 2, 3, 6), the pure part: a day typed without its year, claim numbers that are not days,
typos of a vocabulary word, and notes that say nobody was reached. No database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BadDate
from bot.rules.parsing import AHEAD_DAYS, looks_like_day, parse_day, read_day
from bot.rules.wording import ATTEMPT_SPELLINGS, KIND_SPELLINGS, close_to, not_reached, vocabulary_word

D = date
FRI_DEC_11 = D(2026, 12, 11)  # the day
JAN_2 = D(2027, 1, 2)

# ---------------------------------------------------------------- item 1: days without a year


@pytest.mark.parametrize(
    ("today", "typed", "said"),
    [
        (
            FRI_DEC_11,
            "12/14",
            "Dec 14 is in 3 days; record events on the day they happened. For last year's, type 2025-12-14.",
        ),
        (FRI_DEC_11, "Dec 14", "Dec 14 is in 3 days"),
        (FRI_DEC_11, "14 Dec", "Dec 14 is in 3 days"),
        (
            FRI_DEC_11,
            "12/12",
            "Dec 12 is tomorrow; record events on the day they happened. For last year's, type 2025-12-12.",
        ),
        (D(2026, 11, 23), "12/30", "Dec 30 is in 37 days"),
        (D(2026, 11, 18), "11/19", "Nov 19 is tomorrow"),  # the contact of Nov 19, typed on Nov 18
        (D(2026, 1, 2), "1/3", "Jan 3 is tomorrow"),
    ],
)
def test_a_yearless_day_just_ahead_is_refused_naming_both_readings(
    today: date, typed: str, said: str
) -> None:
    with pytest.raises(BadDate) as refused:
        parse_day(typed, today)
    assert said in refused.value.message
    assert refused.value.example is not None and refused.value.example.startswith(str(today.year - 1))


@pytest.mark.parametrize(
    ("today", "typed", "means"),
    [
        (JAN_2, "12/30", D(2026, 12, 30)),  # on Jan 2, 12/30 is still three days ago
        (JAN_2, "Dec 31", D(2026, 12, 31)),
        (FRI_DEC_11, "12/11", FRI_DEC_11),
        (FRI_DEC_11, "12/10", D(2026, 12, 10)),
        (FRI_DEC_11, "2/20", D(2026, 2, 20)),  # this year's, long gone
        (D(2026, 1, 5), "11/20", D(2025, 11, 20)),  # this year's is 319 days ahead: last year's, as always
        (FRI_DEC_11, "2025-12-14", D(2025, 12, 14)),  # the way out the refusal names
        (FRI_DEC_11, "12/14/25", D(2025, 12, 14)),
    ],
)
def test_other_yearless_days_keep_their_rule(today: date, typed: str, means: date) -> None:
    assert parse_day(typed, today) == means


def test_days_that_may_lie_ahead_keep_their_rule() -> None:
    assert parse_day("12/14", FRI_DEC_11, when="near") == D(2026, 12, 14)
    assert parse_day("1/3", JAN_2, when="near") == D(2027, 1, 3)


@given(
    today=st.dates(min_value=D(2001, 1, 1), max_value=D(2098, 12, 31)),
    month=st.integers(1, 12),
    day=st.integers(1, 31),
    form=st.sampled_from(["{m}/{d}", "{b} {d}", "{d} {b}"]),
)
def test_a_yearless_day_never_lands_far_back_when_this_years_is_just_ahead_nor_in_the_future(
    today: date, month: int, day: int, form: str
) -> None:
    """Whatever today is: the day recorded is never in the future, and never more than 300 days back when
    the same day this year is within the next 60 days (then it is refused)."""
    typed = form.format(m=month, d=day, b=D(2001, month, 1).strftime("%b"))
    try:
        this_year: date | None = D(today.year, month, day)
    except ValueError:
        this_year = None
    try:
        got = parse_day(typed, today)
    except BadDate:
        return  # refused: nothing recorded
    assert got <= today
    if this_year is not None and 0 < (this_year - today).days <= AHEAD_DAYS:
        pytest.fail(f"{typed} on {today} was read as {got}, though {this_year} is just ahead")
    if this_year is not None and this_year > today:
        assert (today - got).days <= 366  # last year's, never older
    assert (got.month, got.day) == (month, day)


@given(today=st.dates(min_value=D(2001, 1, 1), max_value=D(2098, 12, 31)), ahead=st.integers(1, 60))
def test_every_day_of_the_next_60_typed_without_its_year_is_refused(today: date, ahead: int) -> None:
    coming = today + timedelta(days=ahead)
    if coming.year != today.year:
        return  # next year's Jan 3 is this year's Jan 3, long gone: the rule above
    with pytest.raises(BadDate):
        parse_day(f"{coming.month}/{coming.day}", today)


# ---------------------------------------------------------------- item 6: what is a day


@pytest.mark.parametrize("word", ["0457-22", "0457-22-1", "2024-1234", "555-1212", "12.5"])
def test_claim_numbers_are_not_days(word: str) -> None:
    assert not looks_like_day(word)


def test_iso_days_are_still_days() -> None:
    assert read_day(["2026-11-03"], 0, FRI_DEC_11) == (D(2026, 11, 3), 1)
    assert looks_like_day("1999-12-31") and looks_like_day("2026-13-45")


# ---------------------------------------------------------------- item 2: typos of a vocabulary word

KINDS = ("client", "adjuster")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("cleint", "client"),
        ("clinet", "client"),
        ("ajuster", "adjuster"),
        ("adjustr", "adjuster"),
        ("CLIENTT", "client"),
    ],
)
def test_a_word_close_to_a_kind_is_a_typo(typed: str, meant: str) -> None:
    near = close_to(typed, (*KINDS, *KIND_SPELLINGS))
    assert near is not None and KIND_SPELLINGS.get(near, near) == meant


@pytest.mark.parametrize("word", ["Renée", "Karen", "called", "talked", "spoke", "she", "PT", "Zoë", "re"])
def test_words_of_a_note_are_not_typos(word: str) -> None:
    assert close_to(word, (*KINDS, *KIND_SPELLINGS)) is None


@pytest.mark.parametrize(
    ("words", "found"),
    [
        (["adjustor", "Karen"], ("adjuster", 1)),
        (["Adjuster"], ("adjuster", 1)),
        (["client", "x"], ("client", 1)),
        (["no", "answer", "x"], ("no-answer", 2)),
        (["No-Answer"], ("no-answer", 1)),
        (["VM"], ("voicemail", 1)),
        (["Karen"], None),
    ],
)
def test_vocabulary_words_and_their_spellings(words: list[str], found: tuple[str, int] | None) -> None:
    spellings = {**KIND_SPELLINGS, **ATTEMPT_SPELLINGS}
    vocabulary = (*KINDS, "attempt", "voicemail", "no-answer")
    assert vocabulary_word(words, vocabulary, spellings) == found


# ---------------------------------------------------------------- item 3: a note that says "not reached"


@pytest.mark.parametrize(
    ("note", "said"),
    [
        ("Renée left voicemail", "left voicemail"),
        ("left a message", "left a message"),
        ("no answer", "no answer"),
        ("called, VM", "VM"),
        ("went to voice mail", "voice mail"),
        ("she didn't answer", "didn't answer"),
        ("couldn’t reach her", "couldn't reach"),
    ],
)
def test_a_note_that_says_nobody_was_reached(note: str, said: str) -> None:
    assert not_reached(note) == said


@pytest.mark.parametrize("note", ["she is doing PT at home", "talked about the demand", "vmware", "answered"])
def test_a_note_about_a_conversation_is_not_an_attempt(note: str) -> None:
    assert not_reached(note) is None
