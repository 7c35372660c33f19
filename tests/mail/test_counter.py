"""A METHOD:COUNTER (a new time proposed) goes to review carrying the proposal."""

from __future__ import annotations

import json

from app.mail.pipeline import decide

from .builders import MEETING_UID, SENDER, make_context

ANNE = "anne.jensen@example.dk"


def outlook_counter(to: str, uid: str = MEETING_UID) -> bytes:
    """Return a COUNTER as Outlook sends one: the meeting's UID, a new DTSTART/DTEND."""
    cal = ("BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nPRODID:Microsoft Exchange Server 2010\r\n"
           "VERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Copenhagen\r\n"
           "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\n"
           "TZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\n"
           "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\n"
           "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
           "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n"
           "END:VTIMEZONE\r\nBEGIN:VEVENT\r\n"
           f"ORGANIZER:mailto:{SENDER}\r\n"
           f"ATTENDEE;PARTSTAT=TENTATIVE;RSVP=TRUE:mailto:{ANNE}\r\n"
           "COMMENT:Kan vi tage den en time senere?\r\n"
           f"UID:{uid}\r\nSEQUENCE:0\r\n"
           "DTSTART;TZID=Europe/Copenhagen:20261209T160000\r\n"
           "DTEND;TZID=Europe/Copenhagen:20261209T180000\r\n"
           "DTSTAMP:20261201T090000Z\r\nSUMMARY:Nyt tidspunkt foreslået: Møde\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n")
    return (f"From: Anne Jensen <{ANNE}>\r\nTo: {to}\r\n"
            "Subject: =?utf-8?q?Nyt_tidspunkt_foresl=C3=A5et=3A_M=C3=B8de?=\r\n"
            "Message-ID: <counter-1@example.dk>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/calendar; charset=utf-8; method=COUNTER\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\n{cal}").encode()


def test_counter_carries_the_proposed_time_for_review():
    ctx, _ = make_context(7)
    decision = decide(outlook_counter(SENDER), ctx)
    assert (decision.kind, decision.needs_review, decision.invitation_id) == ("unknown", True, 7)
    assert decision.proposal == {"start": "2026-12-09T15:00:00+00:00",
                                 "end": "2026-12-09T17:00:00+00:00"}
    assert "itip COUNTER: not an answer" in decision.reasons
    assert "itip COUNTER proposes 2026-12-09 15:00 UTC" in decision.reasons
    assert json.loads(json.dumps(decision.to_dict()))["proposal"] == decision.proposal


def test_counter_without_a_time_has_no_proposal():
    ctx, _ = make_context(7)
    raw = outlook_counter(SENDER).replace(b"DTSTART;TZID=Europe/Copenhagen:20261209T160000\r\n",
                                          b"")
    decision = decide(raw, ctx)
    assert (decision.kind, decision.needs_review, decision.proposal) == ("unknown", True, None)


def test_reply_has_no_proposal():
    ctx, _ = make_context(7)
    raw = outlook_counter(SENDER).replace(b"COUNTER", b"REPLY")
    assert decide(raw, ctx).proposal is None
