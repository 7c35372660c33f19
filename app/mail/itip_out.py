"""Build the iCalendar (iTIP, RFC 5546) part of outbound invitations and cancellations."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Parameters, vCalAddress
from icalendar.parser import Contentline

from app.mail.itip_tz import vtimezone
from app.mail.messages import ForumInfo, MeetingInfo, RecipientInfo
from app.mail.tokens import reply_address

PRODID = "-//Forumpost//Samarbejdsforum//DA"
METHODS = ("REQUEST", "PUBLISH", "CANCEL")

# Members and alternates are expected at the meeting; a guest is welcome but
# the forum does not count on them (RFC 5545 3.2.16).
_ROLES = {"member": "REQ-PARTICIPANT", "alternate": "REQ-PARTICIPANT", "guest": "OPT-PARTICIPANT"}


def _one_line(value: str) -> str:
    """Return VALUE on one line: a calendar shows CN as a single-line name."""
    return " ".join(value.split())


def organizer(forum: ForumInfo, token: str | None = None) -> vCalAddress:
    """Return the ORGANIZER: the forum's address with TOKEN as sub-address, named after it."""
    # Calendar clients send their REPLY to the ORGANIZER, not to Reply-To (RFC 6047
    # 2.3); the token there matches the answer to its invitation from any address.
    address = reply_address(forum.sender_address, token) if token else forum.sender_address
    return vCalAddress.new(address, cn=_one_line(forum.name))


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
    *,
    token: str | None = None,
) -> Event:
    """Return the VEVENT of MEETING as sent to RECIPIENT, organised at TOKEN's address."""
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
        organizer=organizer(forum, token),
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
    *,
    token: str | None = None,
) -> str:
    """Return the iCalendar text of MEETING for RECIPIENT with METHOD.

    TOKEN, the invitation's reply token, goes into the ORGANIZER address.
    """
    if method not in METHODS:
        raise ValueError(f"unsupported iTIP method {method!r}")
    if method == "PUBLISH":
        return _render(forum, meeting, recipient, method, description, now, whole_meeting,
                       token)
    # Sending to a whole forum serialises the same calendar for everyone but three
    # lines: render it once per meeting, then put each recipient's ORGANIZER (their
    # token), ATTENDEE and DESCRIPTION (their answer link) in. Only the role shapes
    # the ATTENDEE line besides name and address.
    stand_in = replace(_STAND_IN, role=recipient.role)
    second = now.replace(microsecond=0)  # DTSTAMP is written to the second anyway
    try:
        template = _template(forum, meeting, stand_in, method,
                             _DESCRIPTION if description else "", second, whole_meeting,
                             _TOKEN if token else None)
        calendar = _swap(template, _stand_in_text(stand_in, method),
                         _attendee_text(recipient, method))
        if token:
            calendar = _swap(calendar, _organizer_text(forum, _TOKEN),
                             _organizer_line(forum, token))
    except (TypeError, KeyError):  # unhashable input (an agenda list), or a line not found
        return _render(forum, meeting, recipient, method, description, now, whole_meeting,
                       token)
    if description:
        calendar = calendar.replace(_DESCRIPTION_LINE, _description_line(description, token), 1)
    return calendar


_STAND_IN = RecipientInfo(name="Forumpost Attendee", email="attendee@forumpost.invalid")
_DESCRIPTION = "forumpost-description-placeholder"
_DESCRIPTION_LINE = f"DESCRIPTION:{_DESCRIPTION}\r\n"
_TOKEN = "forumpost-token-placeholder"


@lru_cache(maxsize=64)
def _template(forum, meeting, stand_in, method, description, now, whole_meeting,
              token) -> str:
    """Return the calendar rendered for the stand-in attendee, description and token."""
    return _render(forum, meeting, stand_in, method, description, now, whole_meeting, token)


@lru_cache(maxsize=16)
def _stand_in_text(stand_in: RecipientInfo, method: str) -> str:
    """Return the stand-in's ATTENDEE line, which every template of its role carries."""
    return _attendee_text(stand_in, method)


def _swap(calendar: str, stand_in: str, own: str) -> str:
    """Return CALENDAR with the stand-in's line replaced by OWN; KeyError when it is absent."""
    # Never send a calendar that still names the stand-in: render it whole instead.
    if stand_in not in calendar:
        raise KeyError(stand_in)
    return calendar.replace(stand_in, own, 1)


@lru_cache(maxsize=64)  # the stand-in's line is asked for once per copy
def _organizer_text(forum: ForumInfo, token: str) -> str:
    """Return the folded ORGANIZER content line for TOKEN exactly as icalendar writes it."""
    return _content_line("organizer", organizer(forum, token))


def _organizer_line(forum: ForumInfo, token: str) -> str:
    """Return the folded ORGANIZER line at TOKEN's address, as icalendar writes it."""
    stand_in = _stand_in_token(token)
    if stand_in:
        refolded = _refolded(_organizer_text(forum, stand_in), stand_in, token)
        if refolded is not None:
            return refolded
    return _content_line("organizer", organizer(forum, token))


def _description_line(description: str, token: str | None) -> str:
    """Return the folded DESCRIPTION line of DESCRIPTION (which may hold TOKEN), as
    icalendar writes it."""
    stand_in = _stand_in_token(token)
    if stand_in and description.count(token) == 1 and stand_in not in description:
        shaped = _text_line("description", description.replace(token, stand_in))
        refolded = _refolded(shaped, stand_in, token)
        if refolded is not None:
            return refolded
    return _content_line("description", description)


def _stand_in_token(token: str | None) -> str:
    """Return the stand-in of TOKEN's shape, or "" for a token of another shape.

    A meeting's ORGANIZER and DESCRIPTION differ from one recipient to the next only
    in the token, and every token of a length has the same shape ([0-9a-z], one octet
    a character, nothing to escape): icalendar folds the line once per meeting around
    a stand-in of that length, and each recipient's line is cut where that one was.
    """
    return "z" * len(token) if token and _SHAPED.fullmatch(token) else ""


_SHAPED = re.compile(r"[0-9a-z]+")


@lru_cache(maxsize=64)  # a meeting's text is the same for all but the token
def _text_line(name: str, text: str) -> str:
    """Return the folded content line NAME:TEXT."""
    return _content_line(name, text)


def _refolded(folded: str, stand_in: str, token: str) -> str | None:
    """Return the FOLDED line with TOKEN where it holds STAND_IN once, cut at the same
    places (TOKEN has STAND_IN's shape); None when it does not hold STAND_IN once."""
    chunks = folded.removesuffix("\r\n").split("\r\n ")
    line = "".join(chunks)
    if len(token) != len(stand_in) or line.count(stand_in) != 1:
        return None
    line, at, cut = line.replace(stand_in, token), 0, []
    for chunk in chunks:
        cut.append(line[at:at + len(chunk)])
        at += len(chunk)
    return "\r\n ".join(cut) + "\r\n"


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
    token: str | None,
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
    calendar.add_component(vtimezone(forum.timezone, first, last))
    event = build_event(forum, meeting, recipient, method, description, now, whole_meeting,
                        token=token)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
