"""Reads that flush only what they read: a batch of mail writes its rows at its commit."""

from sqlalchemy import select

from app.extensions import db
from app.models import Person
from app.services import inbound, pending, roster


def _stored_message():
    row, _ = inbound.receive(b"From: a@x.test\r\nSubject: hej\r\n\r\nhej\r\n")
    db.session.commit()
    return row


def test_a_read_of_people_leaves_other_changes_pending(app, forum):
    message = _stored_message()
    message.subject = "ændret"
    with pending.reading(Person):
        found = db.session.scalars(select(Person).filter_by(email="nobody@x.test")).first()
    assert found is None
    assert message in db.session.dirty  # not written by the read


def test_a_read_of_people_sees_a_person_added_in_the_same_transaction(app, forum):
    person = Person(forum=forum, name="Ny Person", email="ny@x.test")
    db.session.add(person)
    with pending.reading(Person):
        found = roster.find_person(forum, "NY@x.test")
    assert found is person and person.id is not None


def test_without_a_wrapped_read_sqlalchemy_would_flush_everything(app, forum):
    message = _stored_message()
    message.subject = "ændret"
    db.session.scalars(select(Person)).all()  # an ordinary query autoflushes
    assert message not in db.session.dirty
