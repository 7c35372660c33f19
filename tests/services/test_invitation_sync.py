"""Roster and invitations in step: ending, appointing and sending again invite exactly
who is due, and withdraw the rest with a CANCEL of their own SEQUENCE."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AnswerChannel,
    InboundState,
    Invitation,
    InvitationRole,
    InvitationStatus,
    MandateRole,
    OutboundMessage,
    utcnow,
)
from app.services import (
    followups,
    inbound,
    invitation_sync,
    invitations,
    meetings,
    notices,
    roster,
)
from app.services.errors import ServiceError

DAYS_AHEAD = 10


@pytest.fixture
def seat_out(forum, make_person, make_meeting):
    """Return (meeting, seat) of a coming meeting whose invitations are out: one seat with
    member Anne and alternate Jens."""
    seat = roster.add_seat(forum, roster.SeatKind.organisation, "Nabo 10")
    start_on = utcnow().date() - timedelta(days=60)
    roster.appoint(seat, make_person("Anne Jensen", "anne@nabo.test"), start_on)
    roster.appoint(seat, make_person("Jens Hansen", "jens@nabo.test"), start_on,
                   role=MandateRole.alternate)
    meeting = make_meeting(start=utcnow() + timedelta(days=DAYS_AHEAD), location="Rådhuset")
    invitations.invite(meeting)
    invitations.queue_invitations(meeting)
    db.session.commit()
    return meeting, seat


def _live(meeting):
    """Return the live invitations as (name, role) pairs."""
    return sorted((i.person.name, i.role.value) for i in invitations.invitations_of(meeting)
                  if i.status is not InvitationStatus.replaced)


def _day_before(meeting):
    return meetings.local_day(meeting.forum, meeting.start_dt) - timedelta(days=1)


def _mails(meeting, kind):
    return db.session.scalars(select(OutboundMessage).filter_by(
        meeting_id=meeting.id, kind=kind).order_by(OutboundMessage.id)).all()


def _calendar(row):
    msg = message_from_bytes(row.raw, policy=policy.default)
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    return part.get_content()


def _mail_after(forum):
    """Commit, then compose the follow-up's mails as its job would (sending aside)."""
    done = invitation_sync.sync_coming(forum, actor="test")
    db.session.commit()
    for row in followups.load(followups.ids([done.followup])):
        notices.queue(row.args[0])
    db.session.commit()


def test_ending_a_mandate_withdraws_with_a_cancel_and_the_alternate_takes_over(app, forum,
                                                                             seat_out):
    meeting, seat = seat_out
    anne = roster.current_mandate(seat, MandateRole.member, utcnow().date())
    roster.end_mandate(anne, _day_before(meeting), "moved away")
    _mail_after(forum)

    assert _live(meeting) == [("Jens Hansen", "alternate")]
    (cancel,) = _mails(meeting, "cancellation")
    assert cancel.recipient == "anne@nabo.test"
    ics = _calendar(cancel)
    # Her own SEQUENCE: above the REQUEST she had (0), so her calendar takes it.
    assert "METHOD:CANCEL" in ics and "SEQUENCE:1" in ics and "STATUS:CANCELLED" not in ics
    text = message_from_bytes(cancel.raw, policy=policy.default).get_body(
        ("plain",)).get_content()
    assert "din plads i forummet ophører før mødet" in " ".join(text.split())
    invites = [m.recipient for m in _mails(meeting, "invitation")]
    assert invites == ["anne@nabo.test", "jens@nabo.test"]


def test_ending_a_mandate_with_a_successor_invites_the_successor(app, forum, make_person,
                                                                 seat_out):
    meeting, seat = seat_out
    roster.appoint(seat, make_person("Bo Berg", "bo@nabo.test"), _day_before(meeting))
    _mail_after(forum)

    assert _live(meeting) == [("Bo Berg", "member")]
    assert [m.recipient for m in _mails(meeting, "cancellation")] == ["anne@nabo.test"]
    assert [m.recipient for m in _mails(meeting, "invitation")][-1] == "bo@nabo.test"
    # Running again changes nothing and sends nothing twice.
    _mail_after(forum)
    assert len(_mails(meeting, "cancellation")) == 1 and len(_mails(meeting, "invitation")) == 2


def test_a_new_alternate_replaces_the_one_standing_in(app, forum, make_person, seat_out):
    meeting, seat = seat_out
    member = db.session.scalars(select(Invitation)).one()
    invitations.record_answer(member, "declined", AnswerChannel.link)
    db.session.commit()
    assert _live(meeting) == [("Anne Jensen", "member"), ("Jens Hansen", "alternate")]
    roster.appoint(seat, make_person("Lis Lund", "lis@nabo.test"), utcnow().date(),
                   role=MandateRole.alternate)
    _mail_after(forum)

    assert _live(meeting) == [("Anne Jensen", "member"), ("Lis Lund", "alternate")]
    lis = db.session.scalars(select(Invitation).filter_by(role=InvitationRole.alternate,
                                                          status=InvitationStatus.pending)).one()
    assert lis.stands_in_for_id == member.id
    assert "lis@nabo.test" in [m.recipient for m in _mails(meeting, "invitation")]


def test_appointing_to_a_vacant_seat_invites_the_member(app, forum, make_person, seat_out):
    meeting, _ = seat_out
    empty = roster.add_seat(forum, roster.SeatKind.neighbour, "Nabo 11")
    roster.appoint(empty, make_person("Ole Olsen", "ole@nabo.test"), utcnow().date())
    _mail_after(forum)
    assert ("Ole Olsen", "member") in _live(meeting)
    ole = db.session.scalars(select(Invitation).join(Invitation.person).filter_by(
        email="ole@nabo.test")).one()
    assert ole.seat_id == empty.id


def test_sending_again_invites_exactly_who_is_due(app, forum, make_person, seat_out):
    meeting, seat = seat_out
    # The roster changed without the page (a term cut short in the database).
    anne = roster.current_mandate(seat, MandateRole.member, utcnow().date())
    anne.term_ends_on = _day_before(meeting)
    roster.appoint(seat, make_person("Bo Berg", "bo@nabo.test"), _day_before(meeting)
                   + timedelta(days=1))
    sent = invitation_sync.send_round(meeting)
    db.session.commit()
    assert [i.person.name for i in sent.changes.invited] == ["Bo Berg"]
    assert [i.person.name for i, _ in sent.changes.withdrawn] == ["Anne Jensen"]
    # Her CANCEL goes in a follow-up, committed with the withdrawal.
    assert [n[0] for n in sent.followup.args[0]] == ["withdrawn"]
    assert _live(meeting) == [("Bo Berg", "member")]
    assert invitation_sync.send_round(meeting).changes.invited == []


def test_a_withdrawn_invitee_who_returns_is_invited_above_their_cancel(app, forum, seat_out):
    meeting, seat = seat_out
    anne = roster.current_mandate(seat, MandateRole.member, utcnow().date())
    roster.end_mandate(anne, _day_before(meeting), "by mistake")
    _mail_after(forum)
    roster.appoint(seat, anne.person, _day_before(meeting) - timedelta(days=1))
    _mail_after(forum)
    assert _live(meeting) == [("Anne Jensen", "member")]
    again = _mails(meeting, "invitation")[-1]
    assert again.recipient == "anne@nabo.test" and "SEQUENCE:2" in _calendar(again)


def _calendar_reply(meeting, member):
    """Return a calendar's DECLINED button pressed on MEMBER's invitation."""
    cal = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\n"
           f"BEGIN:VEVENT\r\nUID:{meeting.ical_uid}\r\nSEQUENCE:{meeting.sequence}\r\n"
           "DTSTAMP:20261201T100000Z\r\n"
           f"ATTENDEE;PARTSTAT=DECLINED:mailto:{member.person.email}\r\n"
           f"ORGANIZER:mailto:sekretariat+{member.reply_token}@forum1.test\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n")
    return (f"From: Anne Jensen <{member.person.email}>\r\n"
            f"To: sekretariat+{member.reply_token}@forum1.test\r\n"
            "Subject: Afvist: Indkaldelse\r\nMessage-ID: <late-2@nabo.test>\r\n"
            "Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n"
            + cal).encode()


@pytest.mark.parametrize("route", ["link", "mail", "calendar"])
def test_no_answer_once_the_meeting_has_begun(app, forum, seat_out, route):
    meeting, _ = seat_out
    member = db.session.scalars(select(Invitation)).one()
    meeting.start_dt = utcnow() - timedelta(minutes=5)
    db.session.commit()
    if route == "link":
        with pytest.raises(ServiceError, match="Mødet er begyndt"):
            invitations.record_answer(member, "declined", AnswerChannel.link)
    elif route == "calendar":
        message, _ = inbound.receive(_calendar_reply(meeting, member), mailbox="test")
        inbound.process(message)
        db.session.commit()
        assert message.state is InboundState.review and "Mødet er begyndt" in message.reason
    else:
        sent = _mails(meeting, "invitation")[0]
        raw = (f"From: Anne Jensen <anne@nabo.test>\r\n"
               f"To: sekretariat+{member.reply_token}@forum1.test\r\n"
               f"Subject: Re: {sent.subject}\r\nMessage-ID: <late-1@nabo.test>\r\n"
               f"In-Reply-To: <{sent.message_id}>\r\n\r\nJeg må desværre melde afbud.\r\n")
        message, _ = inbound.receive(raw.encode(), mailbox="test")
        inbound.process(message)
        db.session.commit()
        assert message.state is InboundState.review and "Mødet er begyndt" in message.reason
    assert member.status is InvitationStatus.pending
    assert db.session.scalars(select(Invitation).filter_by(
        role=InvitationRole.alternate)).first() is None


def test_sending_is_refused_for_a_begun_meeting_or_one_without_a_place(app, make_meeting):
    past = make_meeting(start=utcnow() - timedelta(hours=1), location="Rådhuset")
    with pytest.raises(ServiceError, match="Mødet er begyndt"):
        invitation_sync.check_sendable(past)
    meetings.reschedule(past, utcnow() + timedelta(days=3), location="Rådhuset")
    invitation_sync.check_sendable(past)  # moved later: sending is possible again
    nowhere = make_meeting(start=utcnow() + timedelta(days=3))
    with pytest.raises(ServiceError, match="intet sted"):
        invitation_sync.check_sendable(nowhere)
