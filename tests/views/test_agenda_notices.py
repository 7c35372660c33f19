"""Approving an agenda item tells its submitter, as the receipt promises: after the commit."""

import email
from email import policy

from sqlalchemy import select

from app.extensions import db
from app.models import AgendaItem, AgendaStatus, Meeting, OutboundMessage, OutboundState, utcnow
from app.services import roster

BASE = "/forum/vesterbro"


def _next_meeting():
    coming = select(Meeting).where(Meeting.start_dt >= utcnow()).order_by(Meeting.start_dt)
    return db.session.scalars(coming).first()


def _item(forum, **fields):
    item = AgendaItem(forum=forum, title="Belysning i Skelbækgade", body="Hej\n\nLamper slukket",
                      status=AgendaStatus.pending, **fields)
    db.session.add(item)
    db.session.commit()
    return item


def test_approving_mails_the_submitter_the_meeting(logged_in, post, demo_forum, work):
    person = roster.add_person(demo_forum, "Karen Beboer", "karen@beboer.test")
    item = _item(demo_forum, submitter=person)
    meeting = _next_meeting()
    post(f"{BASE}/agenda/{item.id}/approve", {"meeting_id": meeting.id})
    work()
    row = db.session.scalars(select(OutboundMessage).filter_by(kind="agenda_approved")).one()
    assert (row.recipient, row.state) == ("karen@beboer.test", OutboundState.sent)
    sent = email.message_from_bytes(row.raw, policy=policy.default)
    assert sent["Subject"] == "På dagsordenen: Belysning i Skelbækgade"
    text = sent.get_body(("plain",)).get_content()
    assert "Dit forslag »Belysning i Skelbækgade« er sat på dagsordenen til mødet i" in text


def test_approving_a_strangers_item_mails_no_one(logged_in, post, demo_forum, work):
    item = _item(demo_forum, submitter_address="x@firma.test")
    post(f"{BASE}/agenda/{item.id}/approve", {"meeting_id": _next_meeting().id})
    work()
    db.session.expire_all()
    assert item.status is AgendaStatus.approved
    assert db.session.scalars(select(OutboundMessage).filter_by(kind="agenda_approved")).all() == []


def test_rejecting_sends_the_reason(logged_in, post, demo_forum, work):
    person = roster.add_person(demo_forum, "Karen Beboer", "karen@beboer.test")
    item = _item(demo_forum, submitter=person)
    post(f"{BASE}/agenda/{item.id}/reject", {"reason": "Hører under Lokaludvalget."})
    work()
    row = db.session.scalars(select(OutboundMessage).filter_by(kind="agenda_rejected")).one()
    assert row.state is OutboundState.sent
    text = email.message_from_bytes(row.raw, policy=policy.default).get_body(
        ("plain",)).get_content()
    assert "Dit forslag »Belysning i Skelbækgade« er ikke optaget på dagsordenen." in text
    assert "Hører under Lokaludvalget." in text
