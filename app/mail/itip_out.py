"""Build the iCalendar (iTIP, RFC 5546) part of outbound invitations and cancellations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Parameters, Timezone, vCalAddress
from icalendar.parser import Contentline

from app.mail.messages import ForumInfo, MeetingInfo, RecipientInfo

PRODID = "-//Forumpost//Samarbejdsforum//DA"
METHODS = ("REQUEST", "PUBLISH", "CANCEL")

# Members and alternates are expected at the meeting; a guest is welcome but
# the forum does not count on them (RFC 5545 3.2.16).
_ROLES = {"member": "REQ-PARTICIPANT", "alternate": "REQ-PARTICIPANT", "guest": "OPT-PARTICIPANT"}


@lru_cache(maxsize=32)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """Return the VTIMEZONE for TZID valid from FIRST_YEAR through LAST_YEAR."""
    # A window of a few years keeps the component to a dozen lines instead of
    # the RDATE list icalendar's 1970-2038 default produces; it is cached
    # because computing it walks the zone's transitions (milliseconds each).
    # Calendars share the returned component, so nothing may modify it.
    return Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


def _one_line(value: str) -> str:
    """Return VALUE on one line: a calendar shows CN as a single-line name."""
    return " ".join(value.split())


def organizer(forum: ForumInfo) -> vCalAddress:
    """Return the ORGANIZER: the forum's sending address, named after the forum."""
    return vCalAddress.new(forum.sender_address, cn=_one_line(forum.name))


def attendee(recipient: RecipientInfo, method: str) -> vCalAddress:
    """Return the ATTENDEE for RECIPIENT; only a REQUEST asks for an answer."""
    role, name = _ROLES[recipient.role], _one_line(recipient.name)
    if method != "REQUEST":
        return vCalAddress.new(recipient.email, cn=name, cutype="INDIVIDUAL", role=role)
    return vCalAddress.new(
        recipient.email,
        cn=name,
        cutype="INDIVIDUAL",
        role=role,
        partstat="NEEDS-ACTION",
        rsvp=True,
    )


def _status(meeting: MeetingInfo, method: str, whole_meeting: bool) -> str | None:
    """Return the event STATUS, or None where RFC 5546 forbids one."""
    if method == "CANCEL":
        # Uninviting one attendee is a CANCEL without STATUS (RFC 5546 3.2.5);
        # STATUS:CANCELLED would claim the whole meeting is off.
        return "CANCELLED" if whole_meeting else None
    return "TENTATIVE" if meeting.status.lower() == "tentative" else "CONFIRMED"


def build_event(
    forum: ForumInfo,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    method: str,
    description: str,
    now: datetime,
    whole_meeting: bool = True,
) -> Event:
    """Return the VEVENT of MEETING as sent to RECIPIENT."""
    zone = ZoneInfo(forum.timezone)
    # PUBLISH carries no attendees (RFC 5546 3.2.1); the others name exactly this recipient.
    attendees = [] if method == "PUBLISH" else [attendee(recipient, method)]
    return Event.new(
        uid=meeting.uid,
        sequence=meeting.sequence,
        stamp=now.astimezone(UTC),  # DTSTAMP must be UTC (RFC 5545 3.8.7.2)
        start=meeting.start.astimezone(zone),
        end=meeting.end.astimezone(zone),
        summary=meeting.title,
        location=meeting.location,
        description=description or None,  # no empty DESCRIPTION line
        organizer=organizer(forum),
        attendees=attendees,
        status=_status(meeting, method, whole_meeting),
    )


def build_calendar(
    forum: ForumInfo,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    method: str,
    description: str,
    now: datetime,
    whole_meeting: bool = True,
) -> str:
    """Return the iCalendar text of MEETING for RECIPIENT with METHOD."""
    if method not in METHODS:
        raise ValueError(f"unsupported iTIP method {method!r}")
    if method == "PUBLISH":
        return _render(forum, meeting, recipient, method, description, now, whole_meeting)
    # Sending to a whole forum serialises the same calendar for everyone but two
    # lines: render it once per meeting, then put each recipient's ATTENDEE and
    # DESCRIPTION (which carries their answer link) in. Only the role shapes the
    # ATTENDEE line besides name and address.
    stand_in = replace(_STAND_IN, role=recipient.role)
    second = now.replace(microsecond=0)  # DTSTAMP is written to the second anyway
    try:
        template = _template(forum, meeting, stand_in, method,
                             _DESCRIPTION if description else "", second, whole_meeting)
    except TypeError:  # unhashable input (e.g. an agenda list): render directly
        return _render(forum, meeting, recipient, method, description, now, whole_meeting)
    own, placeholder = _attendee_text(recipient, method), _stand_in_text(stand_in, method)
    calendar = template.replace(placeholder, own, 1)
    if description:
        calendar = calendar.replace(_DESCRIPTION_LINE, _content_line("description", description),
                                    1)
    return calendar


_STAND_IN = RecipientInfo(name="Forumpost Attendee", email="attendee@forumpost.invalid")
_DESCRIPTION = "forumpost-description-placeholder"
_DESCRIPTION_LINE = f"DESCRIPTION:{_DESCRIPTION}\r\n"


@lru_cache(maxsize=64)
def _template(forum, meeting, stand_in, method, description, now, whole_meeting) -> str:
    """Return the calendar rendered for the stand-in attendee and description."""
    return _render(forum, meeting, stand_in, method, description, now, whole_meeting)


@lru_cache(maxsize=16)
def _stand_in_text(stand_in: RecipientInfo, method: str) -> str:
    """Return the stand-in's ATTENDEE line, which every template of its role carries."""
    return _attendee_text(stand_in, method)


def _attendee_text(recipient: RecipientInfo, method: str) -> str:
    """Return the folded ATTENDEE content line exactly as icalendar writes it."""
    return _content_line("attendee", attendee(recipient, method))


def _content_line(name: str, value) -> str:
    """Return the folded, escaped content line NAME:VALUE exactly as icalendar writes it."""
    params = getattr(value, "params", Parameters())
    return Contentline.from_parts(name.upper(), params, value).to_ical().decode("utf-8") + "\r\n"


def _render(
    forum: ForumInfo,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    method: str,
    description: str,
    now: datetime,
    whole_meeting: bool,
) -> str:
    """Return the iCalendar text of MEETING for RECIPIENT, built whole."""
    # Calendar() rather than Calendar.new(): the latter adds a random UID to
    # the VCALENDAR, which would make every message differ for no reader.
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    zone = ZoneInfo(forum.timezone)
    first, last = meeting.start.astimezone(zone).year, meeting.end.astimezone(zone).year
    calendar.add_component(vtimezone(forum.timezone, first, last + 1))
    event = build_event(forum, meeting, recipient, method, description, now, whole_meeting)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
