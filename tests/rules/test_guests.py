"""Socialudvalget: guests in the first and third quarter, with their own invitation text."""

from datetime import UTC, datetime

import pytest

from app import jobs
from app.extensions import db
from app.models import GuestList, GuestListMember, MandateRole, SeatKind
from app.services import roster
from tests.jobs.conftest import parse


@pytest.fixture
def socialudvalget(forum, make_person):
    """Return the forum with one seat and Socialudvalget (two guests) invited in Q1 and Q3."""
    seat = roster.add_seat(forum, SeatKind.neighbour, "Nabo 1", term_months=24)
    roster.appoint(seat, make_person("Medlem", "medlem@x.test"), datetime(2026, 1, 1).date())
    roster.appoint(seat, make_person("Suppleant", "suppleant@x.test"),
                   datetime(2026, 1, 1).date(), role=MandateRole.alternate)
    guests = GuestList(forum=forum, name="Socialudvalget", invite_quarters="1,3")
    for n in (1, 2):
        guests.members.append(GuestListMember(
            person=make_person(f"Politiker {n}", f"politiker{n}@kk.test",
                               organisation="Socialudvalget")))
    db.session.add(guests)
    db.session.flush()
    return forum


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_q1_meeting_invites_the_guests_with_the_guest_text(
        app, socialudvalget, make_meeting, smtp, work):
    meeting = make_meeting(datetime(2027, 2, 9, 15, tzinfo=UTC))
    db.session.commit()
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    got = {r.rcpt_tos[0]: parse(r) for r in smtp.messages}
    assert sorted(got) == ["medlem@x.test", "politiker1@kk.test", "politiker2@kk.test"]
    guest = _text(got["politiker1@kk.test"])
    assert "Du er inviteret som gæst til mødet i Samarbejdsforum" in guest
    assert "Du er indkaldt til" not in guest
    assert "Du er indkaldt til mødet i Samarbejdsforum" in _text(got["medlem@x.test"])


def test_a_q3_meeting_invites_them_too_and_a_q2_meeting_does_not(
        app, socialudvalget, make_meeting, smtp, work):
    q2 = make_meeting(datetime(2027, 5, 11, 14, tzinfo=UTC))
    q3 = make_meeting(datetime(2027, 8, 10, 14, tzinfo=UTC))
    db.session.commit()
    assert [gl.name for gl in q3.guest_lists] == ["Socialudvalget"] and q2.guest_lists == []
    jobs.enqueue(jobs.send_invitations, q2.id)
    work()
    assert [r.rcpt_tos[0] for r in smtp.messages] == ["medlem@x.test"]
    smtp.reset()
    jobs.enqueue(jobs.send_invitations, q3.id)
    work()
    assert sorted(r.rcpt_tos[0] for r in smtp.messages) == [
        "medlem@x.test", "politiker1@kk.test", "politiker2@kk.test"]
