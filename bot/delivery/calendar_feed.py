"""Deadlines as an iCalendar feed (RFC 5545, written by the `icalendar` library): `casebot calendar` writes it
to a file, and `casebot run --http` serves it at GET /calendar/<token>.ics for Outlook and Google to subscribe.

Each deadline is an all-day event on its day, with the case number, the client's initials, the statute
(or "entered by hand") and an alarm at each of casebot's alert thresholds; never the day of the loss. Its
UID is made of the kind, the case number and the firm's Slack workspace id, so a corrected date moves the
event instead of adding one, a feed fetched twice names the same events, and two firms' events never share
one. Its SEQUENCE counts the changes of the case's deadlines, so calendar clients take a corrected date. A
closed case is not in the feed, and a claim presented or rejected has no claim-deadline event, so they
disappear at the next refresh."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import quote

from icalendar import Alarm, Calendar, Event, vDuration

from bot.rules.ages import plural
from bot.services.calendars import CLAIM_DEADLINE, Deadline, calendar_owner, deadlines_for
from bot.services.firm import Firm

PRODID = "-//casebot//deadlines//EN"
REFRESH = timedelta(hours=1)  # how often a subscribed calendar should fetch the feed again
_TITLES = {CLAIM_DEADLINE: "Claim deadline (public entity)"}
_LIMITATION_TITLE = "Last day to file suit"
_PUBLIC_TITLE = "Last day to sue (public entity)"


def event_uid(d: Deadline) -> str:
    """Stable for the case and the kind (a corrected date moves the event), and unique to the firm: its
    Slack workspace id, once a link was given in Slack."""
    where = f"{quote(d.workspace, safe='-_.').lower()}.casebot" if d.workspace else "casebot"
    return f"{d.kind}-{quote(d.case_key, safe='-_.')}@{where}"


def _event(d: Deadline, stamp: datetime) -> Event:
    title = _TITLES.get(d.kind, _PUBLIC_TITLE if d.public else _LIMITATION_TITLE)
    summary = f"{title}: {d.case} ({d.initials})"
    what = "Present the claim to the public entity" if d.kind == CLAIM_DEADLINE else "File suit"
    event = Event.new(
        uid=event_uid(d),
        start=d.on,
        end=d.on + timedelta(days=1),
        stamp=stamp,
        summary=summary,
        description=(
            f"{summary}. {what} before this day ends: casebot never moves it past a weekend or holiday.\n"
            f"Where it comes from: {d.basis}.\nA lawyer confirms this date."
        ),
        categories=["casebot"],
    )
    event.add("sequence", d.sequence)  # grows with every change of the case's deadlines: clients replace it
    event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: it does not make anyone busy
    for days in sorted(d.alerts, reverse=True):
        alarm = Alarm.new(description=f"{summary}: {plural(days, 'day')} left")
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(days=-days))
        event.add_component(alarm)
    return event


def build_calendar(deadlines: Iterable[Deadline], *, now: datetime, name: str = "casebot deadlines") -> bytes:
    """The feed: one all-day event per deadline, as iCalendar bytes (UTF-8, CRLF lines)."""
    calendar = Calendar.new(
        prodid=PRODID,
        name=name,
        description="Limitation dates and claim deadlines from casebot. A lawyer confirms every date.",
        uid="casebot-deadlines",
    )
    # How often a subscriber should fetch it again: RFC 7986's property (which needs its VALUE parameter) and
    # the older X-PUBLISHED-TTL that Outlook reads.
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    calendar.add("calscale", "GREGORIAN")
    for d in deadlines:
        calendar.add_component(_event(d, now))
    feed: bytes = calendar.to_ical()
    return feed


def calendar_for(firm: Firm, user: str | None = None) -> bytes:
    """`user`'s feed (every open case for a lead, an admin, or with no user)."""
    return build_calendar(deadlines_for(firm, user), now=firm.now())


def calendar_for_token(firm: Firm, token: str) -> bytes | None:
    """The feed a subscription link opens, or None (no such link, revoked, or its owner gone)."""
    user = calendar_owner(firm, token)
    return None if user is None else calendar_for(firm, user)
