"""A proposed new time (iTIP COUNTER) on the Post page: moved to, or kept from."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.models import InboundMessage, InboundState, Meeting, utcnow
from app.services import inbound, invitations

BASE = "/forum/vesterbro"
CPH = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def enqueued(app):
    """Return a function listing (function, args) of the jobs waiting in the real queue."""
    from app.extensions import rq

    rq.queue.connection.flushdb()

    def waiting() -> list:
        return [(job.func, job.args) for job in rq.queue.jobs]

    yield waiting
    rq.queue.connection.flushdb()


def _counter(demo_forum):
    """Invite to the next meeting and put a COUNTER for one day later through intake."""
    meeting = db.session.scalars(select(Meeting).where(Meeting.start_dt >= utcnow())
                                 .order_by(Meeting.start_dt)).first()
    invitations.invite(meeting)
    db.session.commit()
    person = meeting.invitations[0].person
    start = (meeting.start_dt + timedelta(days=1)).astimezone(CPH)
    end = (meeting.end_dt + timedelta(days=1)).astimezone(CPH)
    cal = ("BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nVERSION:2.0\r\n"
           "PRODID:Microsoft Exchange Server 2010\r\nBEGIN:VEVENT\r\n"
           f"ORGANIZER:mailto:{demo_forum.sender_address}\r\n"
           f"ATTENDEE;PARTSTAT=TENTATIVE:mailto:{person.email}\r\n"
           f"UID:{meeting.ical_uid}\r\nSEQUENCE:{meeting.sequence}\r\n"
           f"DTSTART;TZID=Europe/Copenhagen:{start:%Y%m%dT%H%M%S}\r\n"
           f"DTEND;TZID=Europe/Copenhagen:{end:%Y%m%dT%H%M%S}\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n")
    raw = (f"From: {person.email}\r\nTo: {demo_forum.sender_address}\r\n"
           "Subject: Nyt tidspunkt foreslået\r\nMessage-ID: <counter@x.test>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/calendar; charset=utf-8; method=COUNTER\r\n"
           f"Content-Transfer-Encoding: 8bit\r\n\r\n{cal}").encode()
    message, _ = inbound.receive(raw)
    inbound.process(message)
    db.session.commit()
    return meeting, message, start


def test_proposal_shown_and_meeting_moved(logged_in, post, demo_forum, enqueued):
    meeting, message, start = _counter(demo_forum)
    before = (meeting.id, meeting.start_dt, meeting.sequence)
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    assert "Forslag til nyt tidspunkt:" in page and f"kl. {start:%H.%M}" in page
    assert "Flyt mødet dertil" in page and "Behold tidspunktet" in page
    response = post(f"{BASE}/mail/{message.id}/proposal", {"choice": "move"})
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, before[0])
    assert meeting.start_dt == before[1] + timedelta(days=1)
    assert meeting.sequence > before[2]
    assert db.session.get(InboundMessage, message.id).state is InboundState.applied
    assert enqueued() == [(jobs.send_invitations, (meeting.id,))]


def test_keeping_the_time_leaves_the_meeting(logged_in, post, demo_forum, enqueued):
    meeting, message, _start = _counter(demo_forum)
    before = (meeting.id, meeting.start_dt, meeting.sequence)
    post(f"{BASE}/mail/{message.id}/proposal", {"choice": "keep"})
    db.session.expire_all()
    meeting = db.session.get(Meeting, before[0])
    assert (meeting.id, meeting.start_dt, meeting.sequence) == before
    row = db.session.get(InboundMessage, message.id)
    assert row.state is InboundState.ignored and "forslaget afvist" in row.reason
    assert enqueued() == []


def test_a_begun_meeting_is_not_moved(logged_in, post, demo_forum, enqueued):
    meeting, message, _start = _counter(demo_forum)
    meeting.start_dt = utcnow() - timedelta(minutes=5)
    db.session.commit()
    before = (meeting.id, meeting.start_dt, meeting.sequence)
    response = post(f"{BASE}/mail/{message.id}/proposal", {"choice": "move"},
                    follow_redirects=True)
    assert "Mødet kan ikke flyttes" in response.get_data(as_text=True)
    db.session.expire_all()
    meeting = db.session.get(Meeting, before[0])
    assert (meeting.start_dt, meeting.sequence) == before[1:]
    assert db.session.get(InboundMessage, message.id).state is InboundState.review
