"""The CalConnect iMIP layout of every mail that carries a calendar, read back from the wire.

Invitations, updates, cancellations and alternate releases are multipart/mixed
holding the alternatives (text, HTML, text/calendar with METHOD) and the same
calendar as an application/ics attachment, invite.ics, for clients that ignore
iMIP inside alternatives.
"""

from __future__ import annotations

import email
from email import policy

import icalendar
import pytest

from tests.compose.cases import CASES, INVITATION_ID, MEETING, MOVED, RELEASED, SECRET
from tests.compose.helpers import structure

CALENDAR_CASES = sorted(n for n in CASES if n.startswith(("invitation", "cancellation")))
LAYOUT = ("multipart/mixed(multipart/alternative(text/plain, text/html, text/calendar), "
          "application/ics)")
# What each kind says to the calendar: method, STATUS (None: none), and the meeting.
KINDS = {
    "invitation": ("REQUEST", "CONFIRMED", MEETING),
    "invitation_updated": ("REQUEST", "CONFIRMED", MOVED),
    "cancellation_meeting": ("CANCEL", "CANCELLED", MOVED),
    "cancellation_released": ("CANCEL", None, RELEASED),
    # A mandate ended or a guest off the list: this attendee only, no STATUS.
    "cancellation_withdrawn": ("CANCEL", None, RELEASED),
}


def _kind(name: str) -> tuple[str, str | None, object]:
    """Return what the case NAME should say to a calendar."""
    for prefix in sorted(KINDS, key=len, reverse=True):
        if name.startswith(prefix):
            return KINDS[prefix]
    raise AssertionError(name)


def _sent(name: str) -> email.message.EmailMessage:
    """Return the case NAME as a receiving client parses the bytes we send."""
    return email.message_from_bytes(CASES[name]().as_bytes(), policy=policy.default)


def _calendars(msg) -> tuple:
    """Return the text/calendar part and the application/ics part of MSG."""
    (alternative, attachment) = msg.iter_parts()
    *_, inline = alternative.iter_parts()
    return inline, attachment


def test_the_layout_covers_every_calendar_kind() -> None:
    assert {_kind(name)[0] for name in CALENDAR_CASES} == {"REQUEST", "CANCEL"}
    assert {next(p for p in sorted(KINDS, key=len, reverse=True) if n.startswith(p))
            for n in CALENDAR_CASES} == set(KINDS)


@pytest.mark.parametrize("name", CALENDAR_CASES)
def test_mixed_holds_the_alternatives_and_invite_ics(name: str) -> None:
    msg = _sent(name)
    assert structure(msg) == LAYOUT
    inline, attachment = _calendars(msg)
    method = _kind(name)[0]
    assert inline.get_param("method") == method
    assert inline.get_content_charset() == "utf-8"
    assert inline.get_content_disposition() is None  # an alternative, shown as the body
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == attachment.get_param("name") == "invite.ics"
    # Without a method the file is not a second iTIP message to act on.
    assert attachment.get_param("method") is None
    assert attachment["Content-Transfer-Encoding"] == inline["Content-Transfer-Encoding"] == (
        "base64")


@pytest.mark.parametrize("name", CALENDAR_CASES)
def test_both_calendar_copies_are_identical(name: str) -> None:
    inline, attachment = _calendars(_sent(name))
    data = inline.get_payload(decode=True)
    assert data == attachment.get_payload(decode=True)
    assert data.endswith(b"END:VCALENDAR\r\n") and b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize("name", CALENDAR_CASES)
def test_the_calendar_reads_back_as_sent(name: str) -> None:
    from app.mail.tokens import read_token, split_subaddress

    method, status, meeting = _kind(name)
    msg = _sent(name)
    for part in _calendars(msg):
        calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        assert calendar["METHOD"] == method
        (event,) = calendar.walk("VEVENT")
        assert (event["UID"], event["SEQUENCE"]) == (meeting.uid, meeting.sequence)
        assert (event.start, event.end) == (meeting.start, meeting.end)
        assert event.get("STATUS") == status
        attendee = msg["To"].addresses[0].addr_spec
        assert str(event["ATTENDEE"]) == f"mailto:{attendee}"
        _, token = split_subaddress(str(event["ORGANIZER"]))
        assert read_token(token, SECRET) == INVITATION_ID
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]


@pytest.mark.parametrize("name", CALENDAR_CASES)
def test_the_mail_package_reads_the_same_calendar_from_both_copies(name: str) -> None:
    # Our own reader (a forwarded invitation comes back so) sees both copies alike.
    from app.mail.itip import calendar_objects
    from app.mail.parse import parse

    objects = calendar_objects(parse(CASES[name]().as_bytes()))
    assert [o.method for o in objects] == [_kind(name)[0]] * 2
    assert objects[0] == objects[1]
