"""Every outgoing calendar reads at the meeting's time in two independent parsers.

icalendar (Python) and ical.js (Node; the parser of Thunderbird's calendar) each
read the VTIMEZONE we send, never a zone database of their own, for a winter
meeting, a summer one and meetings in the weeks summer time begins and ends.
"""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import icalendar
import pytest

from app.mail.compose import compose_cancellation, compose_invitation
from app.mail.itip_tz import vtimezone, yearly_rules
from app.mail.merge import InvitationMerge
from tests.compose.cases import ALTERNATE, FORUM, GUEST, MEETING, MEMBER, NOW, TOKEN
from tests.compose.icaljs import read_events


def _at(start: datetime, hours: float = 2) -> tuple[datetime, datetime]:
    """Return a meeting of HOURS from START."""
    return start, start + timedelta(hours=hours)


COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# When the meetings are, in UTC, as the secretary entered them in Copenhagen time.
TIMES = {
    "winter": _at(datetime(2026, 12, 8, 15, tzinfo=UTC)),  # tirsdag 8. december kl. 16.00
    "summer": _at(datetime(2027, 8, 10, 14, tzinfo=UTC)),  # tirsdag 10. august 2027 kl. 16.00
    # Summer time begins on Sunday 28 March 2027 at 02:00 and ends on 31 October at 03:00.
    "spring-change-day": _at(datetime(2027, 3, 28, 8, tzinfo=UTC)),  # søndag kl. 10.00
    "spring-week": _at(datetime(2027, 3, 30, 14, tzinfo=UTC)),  # tirsdag kl. 16.00
    "autumn-week-before": _at(datetime(2027, 10, 28, 14, tzinfo=UTC)),  # torsdag kl. 16.00
    "autumn-week-after": _at(datetime(2027, 11, 2, 15, tzinfo=UTC)),  # tirsdag kl. 16.00
    # An overnight session: begins in summer time, ends in winter time.
    "across-the-change": _at(datetime(2027, 10, 30, 20, tzinfo=UTC), hours=8),
    "january": _at(datetime(2027, 1, 12, 15, tzinfo=UTC)),  # before the year's first change
}


def _meeting(when: str, sequence: int = 0):
    """Return the meeting at TIMES[WHEN] with SEQUENCE."""
    start, end = TIMES[when]
    return replace(MEETING, start=start, end=end, sequence=sequence)


# Every kind of mail that carries a calendar, composed for a meeting at WHEN.
KINDS = {
    "request": lambda when, forum=FORUM: compose_invitation(
        forum, _meeting(when), MEMBER, TOKEN, now=NOW),
    "request-guest": lambda when, forum=FORUM: compose_invitation(
        forum, _meeting(when), GUEST, TOKEN, now=NOW),
    "update": lambda when, forum=FORUM: compose_invitation(
        forum, _meeting(when, 1), MEMBER, TOKEN, updated=True, now=NOW),
    "cancel": lambda when, forum=FORUM: compose_cancellation(
        forum, _meeting(when, 1), MEMBER, TOKEN, "Aflyst", now=NOW),
    "alternate-release": lambda when, forum=FORUM: compose_cancellation(
        forum, _meeting(when, 1), ALTERNATE, TOKEN, kind="alternate_released", now=NOW),
    "publish": lambda when, forum=FORUM: compose_invitation(
        forum, _meeting(when), GUEST, TOKEN, "PUBLISH", now=NOW),
}


def _sent_bytes(kind: str, when: str, forum=FORUM) -> bytes:
    """Return the bytes we send for KIND at WHEN; "merge" is the batch path."""
    if kind == "merge":
        return InvitationMerge(forum, NOW).invitation(_meeting(when), ALTERNATE, TOKEN).raw
    return KINDS[kind](when, forum).as_bytes(policy=policy.SMTP)


def calendars(raw: bytes) -> list[str]:
    """Return the calendar texts of the message RAW: the iMIP part, then invite.ics."""
    msg = email.message_from_bytes(raw, policy=policy.default)
    parts = [p for p in msg.walk() if p.get_content_type() in ("text/calendar", "application/ics")]
    assert [p.get_content_type() for p in parts] == ["text/calendar", "application/ics"]
    return [p.get_payload(decode=True).decode("utf-8") for p in parts]


def icalendar_times(text: str) -> tuple[datetime, datetime]:
    """Return the event's start and end in UTC, as icalendar reads them from TEXT's VTIMEZONE."""
    calendar = icalendar.Calendar.from_ical(text)
    (component,) = calendar.walk("VTIMEZONE")
    # lookup_tzid=False: build the zone from what we sent, not from the local tz database.
    sent_zone = component.to_tz(lookup_tzid=False)
    (event,) = calendar.walk("VEVENT")

    def utc(name: str) -> datetime:
        wall = event[name].dt.replace(tzinfo=None)  # the local time as written
        return wall.replace(tzinfo=sent_zone).astimezone(UTC)

    return utc("DTSTART"), utc("DTEND")


ALL_KINDS = [*KINDS, "merge"]
CASES = [(kind, when) for kind in ALL_KINDS for when in TIMES]
OTHER_ZONES = {
    # zone: (meeting start in UTC, why it is here)
    "America/New_York": datetime(2027, 3, 16, 14, tzinfo=UTC),  # second Sunday rule, week after
    "Australia/Sydney": datetime(2027, 4, 6, 23, tzinfo=UTC),  # southern hemisphere
    "Europe/Dublin": datetime(2027, 7, 6, 14, tzinfo=UTC),  # "negative DST" in the tz data
    "Asia/Tokyo": datetime(2027, 7, 6, 5, tzinfo=UTC),  # no summer time at all
    "America/Sao_Paulo": datetime(2019, 1, 15, 14, tzinfo=UTC),  # abolished DST in 2019
    "Africa/Casablanca": datetime(2027, 2, 2, 14, tzinfo=UTC),  # Ramadan: no yearly rule
}


@pytest.fixture(scope="module")
def icaljs() -> dict[str, list[dict[str, str]]]:
    """Return what ical.js reads from every calendar these tests send, read in one run."""
    texts = [text for kind, when in CASES for text in calendars(_sent_bytes(kind, when))]
    texts += [text for zone in OTHER_ZONES for text in calendars(_zone_invitation(zone))]
    texts += [_rdate_form(_sent_bytes("request", "summer"))]
    return dict(zip(texts, read_events(texts), strict=True))


def _utc_text(moment: datetime) -> str:
    """Return MOMENT as ical.js's reader prints it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(("kind", "when"), CASES)
def test_icalendar_reads_the_meetings_time(kind: str, when: str) -> None:
    for text in calendars(_sent_bytes(kind, when)):
        assert icalendar_times(text) == TIMES[when]


@pytest.mark.parametrize(("kind", "when"), CASES)
def test_icaljs_reads_the_meetings_time(icaljs, kind: str, when: str) -> None:
    start, end = TIMES[when]
    for text in calendars(_sent_bytes(kind, when)):
        (event,) = icaljs[text]
        assert event["tzid"] == "Europe/Copenhagen"
        assert (event["start"], event["end"]) == (_utc_text(start), _utc_text(end))


def test_the_summer_meeting_is_at_16_local_and_14_utc() -> None:
    (text, _) = calendars(_sent_bytes("request", "summer"))
    assert "DTSTART;TZID=Europe/Copenhagen:20270810T160000\r\n" in text
    assert icalendar_times(text)[0] == datetime(2027, 8, 10, 14, tzinfo=UTC)


def _zone_invitation(zone: str) -> bytes:
    """Return an invitation of a forum in ZONE for its meeting in OTHER_ZONES."""
    start = OTHER_ZONES[zone]
    meeting = replace(MEETING, start=start, end=start + timedelta(hours=2))
    forum = replace(FORUM, timezone=zone)
    return compose_invitation(forum, meeting, MEMBER, TOKEN, now=NOW).as_bytes()


@pytest.mark.parametrize("zone", sorted(OTHER_ZONES))
def test_other_zones_read_right_in_icalendar(zone: str) -> None:
    start = OTHER_ZONES[zone]
    for text in calendars(_zone_invitation(zone)):
        assert icalendar_times(text) == (start, start + timedelta(hours=2))


@pytest.mark.parametrize("zone", sorted(OTHER_ZONES))
def test_other_zones_read_right_in_icaljs(icaljs, zone: str) -> None:
    start = OTHER_ZONES[zone]
    for text in calendars(_zone_invitation(zone)):
        (event,) = icaljs[text]
        assert (event["start"], event["end"]) == (_utc_text(start),
                                                  _utc_text(start + timedelta(hours=2)))


# The form of the VTIMEZONE itself.

def _observances(component: icalendar.Timezone) -> list[icalendar.cal.Component]:
    """Return the STANDARD and DAYLIGHT sub-components of COMPONENT, in order."""
    return [c for c in component.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]


def test_copenhagen_is_one_standard_and_one_daylight_with_yearly_rules() -> None:
    (text, _) = calendars(_sent_bytes("request", "summer"))
    (component,) = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")
    standard, daylight = _observances(component)
    assert (standard.name, daylight.name) == ("STANDARD", "DAYLIGHT")
    assert "RDATE" not in standard and "RDATE" not in daylight
    assert dict(standard["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [10], "BYDAY": ["-1SU"]}
    assert dict(daylight["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [3], "BYDAY": ["-1SU"]}
    # Onsets at the local time of the change, in the offset before it (RFC 5545 3.6.5).
    assert standard["DTSTART"].dt == datetime(2026, 10, 25, 3, 0)
    assert daylight["DTSTART"].dt == datetime(2026, 3, 29, 2, 0)
    assert (standard["TZOFFSETFROM"].td, standard["TZOFFSETTO"].td) == (
        timedelta(hours=2), timedelta(hours=1))
    assert (daylight["TZOFFSETFROM"].td, daylight["TZOFFSETTO"].td) == (
        timedelta(hours=1), timedelta(hours=2))
    assert (standard["TZNAME"], daylight["TZNAME"]) == ("CET", "CEST")


def test_the_rules_are_written_as_outlook_and_google_write_them() -> None:
    text = vtimezone("Europe/Copenhagen", 2027, 2027).to_ical().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in text
    assert "DTSTART:20260329T020000\r\n" in text and "DTSTART:20261025T030000\r\n" in text
    assert "COMMENT" not in text


ZONES = ["Europe/Copenhagen", "Europe/London", "Europe/Dublin", "America/New_York",
         "America/Santiago", "Australia/Sydney", "Pacific/Auckland", "Asia/Jerusalem",
         "Asia/Tokyo", "UTC", "America/Sao_Paulo", "Africa/Casablanca", "Europe/Moscow"]


@pytest.mark.parametrize("year", [2011, 2019, 2027, 2036])
@pytest.mark.parametrize("tzid", ZONES)
def test_the_sent_zone_has_zoneinfos_offset_at_every_moment(tzid: str, year: int) -> None:
    # Twice a day through the year, and every ten minutes either side of each change.
    zone, sent = ZoneInfo(tzid), vtimezone(tzid, year, year).to_tz(lookup_tzid=False)
    start, step = datetime(year, 1, 1, tzinfo=UTC), timedelta(hours=12)
    moments = [start + step * n for n in range(366 * 2)]
    changes = [t for t in moments[1:]
               if (t - step).astimezone(zone).utcoffset() != t.astimezone(zone).utcoffset()]
    moments += [t - timedelta(minutes=m) for t in changes for m in range(0, 12 * 60 + 1, 10)]
    for moment in moments:
        assert moment.astimezone(sent).utcoffset() == moment.astimezone(zone).utcoffset(), moment


def test_a_zone_whose_rules_change_gets_one_observance_per_onset() -> None:
    # São Paulo kept summer time until February 2019: no yearly rule holds for 2018-2019.
    assert yearly_rules(ZoneInfo("America/Sao_Paulo"), 2018, 2019) is None
    component = vtimezone("America/Sao_Paulo", 2019, 2019)
    assert all("RRULE" not in c and "RDATE" not in c for c in _observances(component))
    assert [c["DTSTART"].dt.date() for c in _observances(component)] == [
        date(2018, 1, 1), date(2018, 2, 18), date(2018, 11, 4), date(2019, 2, 17)]


def test_a_zone_without_summer_time_is_one_standard() -> None:
    (observance,) = _observances(vtimezone("Asia/Tokyo", 2027, 2027))
    assert observance.name == "STANDARD" and "RRULE" not in observance
    assert observance["TZOFFSETFROM"].td == observance["TZOFFSETTO"].td == timedelta(hours=9)


def test_the_rule_of_the_second_sunday_is_found() -> None:
    rules = yearly_rules(ZoneInfo("America/New_York"), 2025, 2028)
    assert sorted(rule.recurrence()["BYDAY"] for rule in rules) == ["1SU", "2SU"]


# Why: icalendar's own RDATE form, which we sent before, as ical.js reads it.

def _rdate_form(raw: bytes) -> str:
    """Return RAW's calendar with the VTIMEZONE icalendar's Timezone.from_tzid() writes."""
    text = calendars(raw)[0]
    head, rest = text.split("BEGIN:VTIMEZONE\r\n", 1)
    _, tail = rest.split("END:VTIMEZONE\r\n", 1)
    old = icalendar.Timezone.from_tzid("Europe/Copenhagen", first_date=date(2027, 1, 1),
                                       last_date=date(2029, 1, 1))
    return head + old.to_ical().decode() + tail


def test_the_old_rdate_form_was_read_an_hour_wrong_by_icaljs(icaljs) -> None:
    # Pinned to ical.js 2.2.1: the summer meeting at 14:00 UTC read as 15:00 UTC,
    # while icalendar read it right, which is how it went unnoticed.
    text = _rdate_form(_sent_bytes("request", "summer"))
    assert "RDATE" in text
    (event,) = icaljs[text]
    start, _ = TIMES["summer"]
    assert event["start"] == _utc_text(start + timedelta(hours=1))
    assert icalendar_times(text)[0] == start
