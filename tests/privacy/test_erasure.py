"""Erasure: a former member becomes anonymous; the forum's records stay whole."""

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import AuditEvent, InboundMessage, Invitation, OutboundMessage, Person, utcnow
from app.privacy.erasure import anonymise
from app.services.errors import ServiceError


def test_a_former_member_becomes_anonymous_and_their_mail_goes(story):
    name = anonymise(story.former, "sekretaer@kk.test", utcnow().date(), utcnow())
    db.session.commit()
    db.session.expire_all()
    person = db.session.get(Person, story.former.id)
    assert name == person.name == f"Tidligere medlem nr. {person.id}"
    assert person.email.endswith("@anonym.invalid")
    assert (person.phone, person.organisation) == (None, None)
    assert person.mandates[0].seat.label == "Nabo 3"  # who held the seat stays, anonymously
    invitation = db.session.scalars(sa.select(Invitation).filter_by(person_id=person.id)).one()
    assert invitation.reply_token is None
    for message in db.session.scalars(sa.select(InboundMessage).options(
            undefer(InboundMessage.raw)).where(InboundMessage.id.in_(
                [story.old_in.id, story.new_in.id]))):
        assert message.raw is None and message.sender is None
        assert message.decision == {"reasons": ["afbud"]}
    out = db.session.scalars(sa.select(OutboundMessage).options(undefer(OutboundMessage.raw))
                             .filter_by(id=story.old_out.id)).one()
    assert out.raw is None and "soren" not in out.recipient
    assert story.item.submitter_name == name and story.item.submitter_address is None


def test_the_audit_keeps_no_old_identity(story):
    anonymise(story.former, "sekretaer@kk.test", utcnow().date(), utcnow())
    db.session.commit()
    events = db.session.scalars(sa.select(AuditEvent).filter_by(
        target_type="Person", target_id=story.former.id)).all()
    assert {e.action for e in events} >= {"person.anonymised", "person.edited"}
    text = str([(e.details, e.actor) for e in events])
    assert "soren@vesterbro.test" not in text and "Søren" not in text


def test_a_current_member_cannot_be_erased(story):
    try:
        anonymise(story.current, "sekretaer@kk.test", utcnow().date(), utcnow())
    except ServiceError as error:
        assert "Nabo 3" in str(error.message) and "Åse Øster" in str(error.message)
    else:
        raise AssertionError("a current alternate was erased")
    assert story.current.email == "ase@vesterbro.test"


def test_the_cli_refuses_a_current_member_clearly(story, runner):
    result = runner.invoke(args=["privacy", "anonymise", str(story.current.id)])
    assert result.exit_code != 0
    assert "Nabo 3" in result.output
