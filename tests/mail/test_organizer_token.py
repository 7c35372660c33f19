"""Calendar buttons find their invitation by the token in the ORGANIZER we send.

Calendar clients send their REPLY to the ORGANIZER address (RFC 6047 2.3), not to
Reply-To. Each REPLY here is built the way a client builds it, from the calendar
of an invitation we composed, and answers from an address the forum does not
know (the member's private alias).
"""

from __future__ import annotations

import email
from email import policy

import icalendar
import pytest

from app.mail.compose import compose_invitation
from app.mail.context import InvitationRef, MailContext
from app.mail.pipeline import decide
from tests.compose.cases import (
    FORUM,
    INVITATION_ID,
    MEETING,
    MEMBER,
    MOVED,
    NOW,
    SECRET,
    TOKEN,
)

ALIAS = "mette.privat@example.net"


def _context(meeting) -> MailContext:
    """Return what the app knows: MEMBER's one invitation to MEETING."""
    ref = InvitationRef(INVITATION_ID, MEMBER.email, meeting.uid, "pending",
                        sequence=meeting.sequence, start=meeting.start)
    return MailContext(
        sender_address=FORUM.sender_address,
        agenda_address=FORUM.agenda_address,
        own_addresses=frozenset({FORUM.sender_address, FORUM.agenda_address}),
        token_secret=SECRET,
        invitations={INVITATION_ID: ref},
        uid_attendees={(meeting.uid, MEMBER.email): INVITATION_ID},
        open_invitations={MEMBER.email: [INVITATION_ID]},
    )


def _sent_event(meeting, updated: bool) -> icalendar.Event:
    """Return the VEVENT of the invitation we send to MEMBER, read from the wire."""
    msg = compose_invitation(FORUM, meeting, MEMBER, TOKEN, updated=updated, now=NOW)
    parsed = email.message_from_bytes(msg.as_bytes(), policy=policy.default)
    part = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    (event,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    return event


def _reply(event: icalendar.Event, keep_organizer: bool = True) -> str:
    """Return the REPLY a client writes to EVENT: the invitee's ATTENDEE line, accepted."""
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//Forumpost tests//A calendar client//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", "REPLY")
    answer = icalendar.Event()
    for name in ("UID", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY"):
        answer.add(name, event[name])
    answer.add("DTSTAMP", NOW)
    if keep_organizer:  # Outlook and Exchange often leave ORGANIZER out
        answer.add("ORGANIZER", event["ORGANIZER"])
    attendee = icalendar.vCalAddress(str(event["ATTENDEE"]))
    attendee.params["PARTSTAT"] = "ACCEPTED"
    answer.add("ATTENDEE", attendee)
    calendar.add_component(answer)
    return calendar.to_ical().decode()


def _mail(to: str, cal: str, extra_headers: str = "") -> bytes:
    """Return the iMIP mail carrying CAL from the member's alias to TO."""
    return (f"{extra_headers}From: Mette <{ALIAS}>\r\nTo: {to}\r\n"
            "Subject: Accepteret: Møde i Samarbejdsforum\r\n"
            "Message-ID: <reply-1@example.net>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n" + cal).encode()


def _organizer_address(event: icalendar.Event) -> str:
    """Return the address in EVENT's ORGANIZER."""
    return str(event["ORGANIZER"]).removeprefix("mailto:")


@pytest.mark.parametrize("keep_organizer", [True, False], ids=["with-organizer", "exchange"])
@pytest.mark.parametrize(("meeting", "updated"), [(MEETING, False), (MOVED, True)],
                         ids=["invitation", "update"])
def test_a_reply_to_the_organizer_is_matched_by_its_token(meeting, updated,
                                                          keep_organizer) -> None:
    event = _sent_event(meeting, updated)
    organizer = _organizer_address(event)
    assert organizer == f"sekretariat+{TOKEN}@samarbejdsforum.test"
    raw = _mail(f"Samarbejdsforum <{organizer}>", _reply(event, keep_organizer))
    decision = decide(raw, _context(meeting))
    assert (decision.kind, decision.rsvp, decision.via) == ("rsvp", "accepted", "calendar")
    assert (decision.invitation_id, decision.matched_by) == (INVITATION_ID, "token")
    assert not decision.needs_review, decision.reasons


def test_the_token_is_read_from_delivered_to_as_well() -> None:
    event = _sent_event(MEETING, False)
    delivered = f"Delivered-To: {_organizer_address(event)}\r\n"
    raw = _mail(f"Samarbejdsforum <{FORUM.sender_address}>", _reply(event), delivered)
    decision = decide(raw, _context(MEETING))
    assert (decision.invitation_id, decision.matched_by) == (INVITATION_ID, "token")
    assert (decision.rsvp, decision.needs_review) == ("accepted", False)


def test_without_the_token_the_same_reply_from_an_alias_waits_for_a_person() -> None:
    # What happened before: UID and attendee match, but nothing proves the alias.
    event = _sent_event(MEETING, False)
    raw = _mail(f"Samarbejdsforum <{FORUM.sender_address}>", _reply(event))
    decision = decide(raw, _context(MEETING))
    assert (decision.invitation_id, decision.matched_by) == (INVITATION_ID, "itip")
    assert decision.needs_review
