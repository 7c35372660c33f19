"""Fixtures the service tests share."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Invitation, MandateRole, SeatKind
from app.services import invitations, roster
from tests.conftest import TODAY


@pytest.fixture
def invited(forum, make_person, make_meeting):
    """Return the member's invitation, sent: one seat with member and alternate."""
    seat = roster.add_seat(forum, SeatKind.organisation, "Københavns Politi")
    roster.appoint(seat, make_person("Anne Jensen", "anne@politi.test"), TODAY)
    roster.appoint(seat, make_person("Jens Hansen", "jens@politi.test"), TODAY,
                   role=MandateRole.alternate)
    meeting = make_meeting()
    invitations.invite(meeting)
    invitations.queue_invitations(meeting)
    db.session.commit()
    return db.session.scalars(select(Invitation)).one()
