"""Agenda mail is answered only to the forum's own people: never to an address a stranger picks."""

import email
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select

from app.extensions import db
from app.models import AgendaItem, AgendaStatus, Followup, InboundState, OutboundMessage
from app.services import agenda, inbound, notices, notify_agenda

SPAM = "Billige piller på www.spam.example"


def _item_mail(forum, sender: str, name: str = "Karen Beboer") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = forum.agenda_address
    msg["Subject"] = SPAM
    msg["Message-ID"] = make_msgid(domain="x.test")
    msg.set_content("Kan vi tage det her op på næste møde?")
    return bytes(msg)


def _take(raw: bytes):
    message, _ = inbound.receive(raw, mailbox="test")
    followups = inbound.process(message)
    db.session.commit()
    return message, followups


def test_a_stranger_gets_no_receipt_and_the_item_waits(app, forum):
    message, followups = _take(_item_mail(forum, "offer@victim.example", name=SPAM))
    assert message.kind == "agenda_item" and message.state is InboundState.applied
    assert followups == [] and db.session.query(Followup).count() == 0
    assert "no receipt: sender not in the roster" in message.reason
    item = db.session.scalars(select(AgendaItem)).one()
    assert item.status is AgendaStatus.pending and item.submitter is None
    assert item.submitter_address == "offer@victim.example"
    # A receipt asked for before this change (a job already in the queue) sends nothing.
    assert notices.queue([["agenda_receipt", item.id, None]]) == []
    assert db.session.query(OutboundMessage).count() == 0


def test_one_of_the_forums_people_is_thanked(app, forum, make_person):
    make_person("Karen Beboer", "karen@beboer.test")
    db.session.commit()
    _message, followups = _take(_item_mail(forum, "KAREN@beboer.test"))
    (followup,) = followups
    (row,) = notices.queue(followup.args[0])
    assert (row.kind, row.recipient) == ("agenda_receipt", "karen@beboer.test")


def test_a_rejection_never_goes_to_a_stranger(app, forum):
    _take(_item_mail(forum, "offer@victim.example", name=SPAM))
    item = db.session.scalars(select(AgendaItem)).one()
    agenda.reject(item, "sekretaer", "Ikke vores bord")
    assert notify_agenda.rejection(item) is None
    assert db.session.query(OutboundMessage).count() == 0


def test_the_receipt_threads_under_the_forwarded_mail(app, forum, make_person):
    make_person("Karen Beboer", "karen@beboer.test")
    db.session.commit()
    raw = _item_mail(forum, "karen@beboer.test")
    message, followups = _take(raw)
    (row,) = notices.queue(followups[0].args[0])
    sent = email.message_from_bytes(row.raw, policy=policy.default)
    assert sent["In-Reply-To"] == sent["References"] == f"<{message.message_id}>"
