"""A former and a current member with mail to and from them, old and new."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import (
    AgendaItem,
    AuditEvent,
    InboundMessage,
    InboundState,
    Invitation,
    OutboundMessage,
    OutboundState,
    Person,
    utcnow,
)
from app.services import invitations, roster

NOW = utcnow()


@dataclass
class Story:
    """What the tests look at."""

    former: Person
    current: Person
    old_in: InboundMessage
    new_in: InboundMessage
    waiting_in: InboundMessage
    old_out: OutboundMessage
    item: AgendaItem


def _inbound(forum, sender, days_ago, state=InboundState.applied, invitation=None):
    raw = f"From: {sender}\r\nSubject: Afbud\r\n\r\nJeg kan ikke ({days_ago}).\r\n".encode()
    message = InboundMessage(forum_id=forum.id, sha256=hashlib.sha256(raw).hexdigest(),
                             raw=raw, size=len(raw), sender=sender, subject="Afbud",
                             kind="rsvp", state=state, html="<p>Jeg kan ikke</p>",
                             text_body="Jeg kan ikke", decision={"reasons": ["afbud"]},
                             received_dt=NOW - timedelta(days=days_ago),
                             invitation_id=invitation.id if invitation else None)
    db.session.add(message)
    return message


def _outbound(forum, recipient, days_ago, state=OutboundState.sent):
    message = OutboundMessage(forum_id=forum.id, dedupe_key=f"{recipient}-{days_ago}",
                              recipient=recipient, kind="invitation", subject="Indkaldelse",
                              raw=b"Subject: Indkaldelse\r\n\r\nKom\r\n", state=state,
                              created_dt=NOW - timedelta(days=days_ago))
    db.session.add(message)
    return message


@pytest.fixture
def story(forum, make_person, make_seat, make_meeting) -> Story:
    """Return a forum with a former member (mandate ended) and a current one."""
    former = make_person("Søren Ærø", "Soren@Vesterbro.test", phone="12345678",
                         organisation="Beboerforeningen")
    current = make_person("Åse Øster", "ase@vesterbro.test")
    seat = make_seat("Nabo 3", member=former, alternate=current,
                     starts_on=date.today() - timedelta(days=400))
    meeting = make_meeting()
    invitations.invite(meeting)
    db.session.flush()
    roster.end_mandate(former.mandates[0], date.today() - timedelta(days=1), "Fraflyttet")
    invitation = db.session.query(Invitation).filter_by(person_id=former.id).one()
    item = AgendaItem(forum_id=forum.id, title="Belysning", body="Søren Ærø foreslår lys",
                      submitter_id=former.id, submitter_name="Søren Ærø",
                      submitter_address="soren@vesterbro.test")
    db.session.add(item)
    db.session.add(AuditEvent(forum_id=forum.id, actor="sekretaer@kk.test",
                              action="person.edited", target_type="Person",
                              target_id=former.id, details={"email": "soren@vesterbro.test",
                                                            "field": "phone"}))
    story = Story(
        former=former, current=current,
        old_in=_inbound(forum, "soren@vesterbro.test", 200, invitation=invitation),
        new_in=_inbound(forum, "soren@vesterbro.test", 10),
        waiting_in=_inbound(forum, "ase@vesterbro.test", 200, InboundState.review),
        old_out=_outbound(forum, "soren@vesterbro.test", 200),
        item=item,
    )
    _outbound(forum, "ase@vesterbro.test", 200, OutboundState.queued)
    db.session.commit()
    assert seat.id
    return story
