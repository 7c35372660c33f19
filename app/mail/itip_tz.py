"""Build the VTIMEZONE of outbound calendars in the yearly-rule form, from the tz data.

One STANDARD and one DAYLIGHT observance, each with a yearly RRULE, is the form
Outlook and Google emit and every client reads alike. icalendar's own form (an
onset per transition, listed by RDATE) is read an hour wrong in summer by
ical.js, Thunderbird's parser, and Outlook builds its zone from the rules. The
rules are derived from zoneinfo's transitions and checked against every year
the calendar needs, never typed in; a zone whose rules change within those
years gets one observance per onset instead.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY = 86400


@dataclass(frozen=True, slots=True)
class Onset:
    """One change of a zone's UTC offset, at the local time it happens (in the old offset)."""

    local: datetime  # naive, as DTSTART of an observance is written (RFC 5545 3.6.5)
    offset_from: timedelta
    offset_to: timedelta
    name: str


@dataclass(frozen=True, slots=True)
class Rule:
    """A yearly onset: the ORDINAL WEEKDAY of MONTH at AT (ordinal -1 is the last)."""

    month: int
    weekday: int  # Monday is 0, as in datetime
    ordinal: int
    at: time
    offset_from: timedelta
    offset_to: timedelta
    name: str

    def onset(self, year: int) -> datetime:
        """Return the local time of this rule's onset in YEAR."""
        first_weekday, days = monthrange(year, self.month)
        first = 1 + (self.weekday - first_weekday) % 7
        if self.ordinal > 0:
            day = first + 7 * (self.ordinal - 1)
        else:
            day = first + 7 * ((days - first) // 7)
        return datetime.combine(date(year, self.month, day), self.at)

    def holds_for(self, onset: Onset) -> bool:
        """Tell whether ONSET is this rule's onset in its year."""
        return (onset.local == self.onset(onset.local.year)
                and (onset.offset_from, onset.offset_to) == (self.offset_from, self.offset_to))

    def recurrence(self) -> dict[str, object]:
        """Return the RRULE value of this rule."""
        return {"FREQ": "YEARLY", "BYMONTH": self.month,
                "BYDAY": f"{self.ordinal}{_WEEKDAYS[self.weekday]}"}


def _offset(zone: ZoneInfo, timestamp: int) -> timedelta:
    """Return ZONE's UTC offset at the POSIX TIMESTAMP."""
    return datetime.fromtimestamp(timestamp, UTC).astimezone(zone).utcoffset() or timedelta()


def onsets(zone: ZoneInfo, year: int) -> list[Onset]:
    """Return the offset changes of ZONE during the UTC year YEAR, in order."""
    moment = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    found, before = [], _offset(zone, moment)
    while moment < end:
        step = min(moment + _DAY, end)
        after = _offset(zone, step)
        if after != before:
            found.append(_onset(zone, moment, step))
        moment, before = step, after
    return found


def _onset(zone: ZoneInfo, low: int, high: int) -> Onset:
    """Return the one offset change between the timestamps LOW and HIGH, found to the second."""
    old = _offset(zone, low)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _offset(zone, middle) == old else (low, middle)
    after = datetime.fromtimestamp(high, UTC).astimezone(zone)
    local = (datetime.fromtimestamp(high, UTC) + old).replace(tzinfo=None)
    return Onset(local, old, after.utcoffset() or timedelta(), after.tzname() or "")


def _candidates(onset: Onset) -> list[Rule]:
    """Return the rules ONSET could follow: the last such weekday first, then the n-th."""
    local = onset.local
    ordinals = [-1] if local.day + 7 > monthrange(local.year, local.month)[1] else []
    if local.day <= 28:
        ordinals.append((local.day - 1) // 7 + 1)
    return [Rule(local.month, local.weekday(), ordinal, local.time(), onset.offset_from,
                 onset.offset_to, onset.name) for ordinal in ordinals]


def yearly_rules(zone: ZoneInfo, first_year: int, last_year: int) -> tuple[Rule, ...] | None:
    """Return the yearly rules ZONE follows in every year FIRST_YEAR..LAST_YEAR, or None.

    No rules (an empty tuple) means the offset never changes in those years.
    """
    years = [onsets(zone, year) for year in range(first_year, last_year + 1)]
    pattern = years[0]
    if len(pattern) not in (0, 2) or any(len(found) != len(pattern) for found in years):
        return None
    rules = []
    for index, onset in enumerate(pattern):
        holding = [rule for rule in _candidates(onset)
                   if all(rule.holds_for(found[index]) for found in years)]
        if not holding:
            return None
        rules.append(holding[0])
    return tuple(rules)


@lru_cache(maxsize=32)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """Return the VTIMEZONE for TZID that reads right for times in FIRST_YEAR..LAST_YEAR."""
    # Cached: finding the transitions walks each year day by day (a millisecond a
    # year). Calendars share the returned component, so nothing may modify it.
    zone = ZoneInfo(tzid)
    # The observance in force on 1 January began the year before.
    start = first_year - 1
    rules = yearly_rules(zone, start, last_year)
    component = Timezone()
    component.add("TZID", tzid)
    if rules is None:
        observances = [_fixed(zone, start)] + [
            _observance(onset.local, onset.offset_from, onset.offset_to, onset.name)
            for year in range(start, last_year + 1) for onset in onsets(zone, year)]
    elif not rules:
        observances = [_fixed(zone, start)]
    else:
        # STANDARD first, as Outlook and Google write them.
        ordered = sorted(rules, key=lambda rule: rule.offset_to > rule.offset_from)
        observances = [_observance(rule.onset(start), rule.offset_from, rule.offset_to,
                                   rule.name, rule.recurrence()) for rule in ordered]
    for observance in observances:
        component.add_component(observance)
    return component


def _fixed(zone: ZoneInfo, year: int) -> TimezoneStandard:
    """Return the observance in force at the start of YEAR, from then on."""
    moment = datetime(year, 1, 1, tzinfo=UTC).astimezone(zone)
    offset = moment.utcoffset() or timedelta()
    return _observance(datetime(year, 1, 1), offset, offset, moment.tzname() or "")


def _observance(start: datetime, offset_from: timedelta, offset_to: timedelta, name: str,
                recurrence: dict[str, object] | None = None):
    """Return a STANDARD or DAYLIGHT observance starting at the local time START."""
    # The later, larger offset of a pair is summer time. zoneinfo's dst() cannot
    # say so: Europe/Dublin's winter time is a negative DST there.
    observance = TimezoneDaylight() if offset_to > offset_from else TimezoneStandard()
    observance.add("DTSTART", start)
    if recurrence:
        observance.add("RRULE", recurrence)
    if name:
        observance.add("TZNAME", name)
    observance.add("TZOFFSETFROM", offset_from)
    observance.add("TZOFFSETTO", offset_to)
    return observance
