"""R15, the client wrote: due the next business day; the first client contact recorded after the message
closes it. Through the pure planner."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.rules.calendar import BusinessCalendar
from bot.rules.planner import DONE, OPEN, Answer, CaseFacts, ClientWrote, StageEntry, plan
from bot.rules.playbook import RULES, Kind, Numbers, Stage

cal = BusinessCalendar()
D = date
OCT_1 = D(2026, 10, 1)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def r15(wrote: tuple[ClientWrote, ...], answers: tuple[Answer, ...] = (), numbers: Numbers | None = None):  # type: ignore[no-untyped-def]
    facts = CaseFacts(
        created_on=OCT_1,
        stages=(StageEntry(Stage.RECORDS, OCT_1),),
        client_wrote=wrote,
        client_answers=answers,
        client_contacts=tuple(a.on for a in answers),
    )
    return {i.key: i for i in plan(facts, cal, numbers or Numbers()) if i.rule == "R15"}


def test_r15_is_a_client_obligation_in_the_playbook_table_with_talking_points() -> None:
    rule = RULES["R15"]
    assert rule.kind is Kind.CLIENT and len(rule.talking_points) >= 2
    assert Numbers().client_wrote_business_days == 1


def test_a_text_on_friday_is_due_monday_and_a_text_before_veterans_day_skips_it() -> None:
    items = r15((ClientWrote("m1", D(2026, 10, 16), at(D(2026, 10, 16), 18), "sms"),))
    item = items["R15:m1"]
    assert (item.kind, item.due_on, item.state) == (Kind.CLIENT, D(2026, 10, 19), OPEN)
    assert item.reason == "The client wrote on Oct 16 (text): answer them"
    items = r15((ClientWrote("m2", D(2026, 11, 10), at(D(2026, 11, 10), 18), "email"),))
    assert items["R15:m2"].due_on == D(2026, 11, 12)  # Nov 11 is Veterans Day
    assert "(email)" in items["R15:m2"].reason


def test_the_firm_can_give_two_business_days() -> None:
    items = r15(
        (ClientWrote("m1", D(2026, 10, 16), at(D(2026, 10, 16), 18), "sms"),),
        numbers=Numbers(client_wrote_business_days=2),
    )
    assert items["R15:m1"].due_on == D(2026, 10, 20)


def test_a_contact_recorded_after_the_message_closes_it() -> None:
    wrote = ClientWrote("m1", D(2026, 10, 16), at(D(2026, 10, 16), 15), "sms")
    items = r15((wrote,), (Answer(D(2026, 10, 19), at(D(2026, 10, 19), 17)),))
    assert (items["R15:m1"].state, items["R15:m1"].closed_on) == (DONE, D(2026, 10, 19))


def test_a_contact_recorded_before_the_message_even_that_day_does_not_answer_it() -> None:
    wrote = ClientWrote("m1", D(2026, 10, 16), at(D(2026, 10, 16), 15), "sms")
    same_day_before = Answer(D(2026, 10, 16), at(D(2026, 10, 16), 9))
    late_entry_for_an_earlier_day = Answer(D(2026, 10, 15), at(D(2026, 10, 16), 16))
    items = r15((wrote,), (same_day_before, late_entry_for_an_earlier_day))
    assert items["R15:m1"].state == OPEN


def test_each_message_has_its_own_obligation_and_one_answer_closes_those_before_it() -> None:
    first = ClientWrote("m1", D(2026, 10, 16), at(D(2026, 10, 16), 15), "sms")
    second = ClientWrote("m2", D(2026, 10, 19), at(D(2026, 10, 19), 18), "email")
    items = r15((first, second), (Answer(D(2026, 10, 19), at(D(2026, 10, 19), 16)),))
    assert items["R15:m1"].state == DONE
    assert items["R15:m2"].state == OPEN and items["R15:m2"].due_on == D(2026, 10, 20)
