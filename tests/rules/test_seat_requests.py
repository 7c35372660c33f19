"""Seat requests: a partner asks for a vacant seat, the forum decides, the seat is created."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AgendaItem,
    AgendaKind,
    AgendaStatus,
    AppointingBody,
    MeetingStatus,
    MinutesStatus,
    Seat,
)
from app.models.rules import SeatRequestDecision
from app.services import agenda, minutes, roster, seat_requests
from app.services.errors import ServiceError

DUGNAD = seat_requests.Applicant("Ida Holm", "Ida@Dugnad.test", "Dugnad")


@pytest.fixture
def request_item(forum, make_seat, make_person, make_meeting):
    """Return (item, meeting, vacant seat): a mailed request on the agenda of a held meeting."""
    vacant = make_seat("Stenbroens Jurister", member=make_person("Gammel", "gammel@x.test"),
                       starts_on=date(2025, 1, 1))
    roster.end_mandate(vacant.mandates[0], date(2026, 10, 31), "left")
    item = AgendaItem(forum=forum, title="Dugnad ønsker en plads i forummet",
                      body="Vi vil gerne have den ledige plads.",
                      submitter_address="leder@dugnad.test", status=AgendaStatus.pending)
    db.session.add(item)
    meeting = make_meeting()  # 8 December 2026
    seat_requests.mark(item, "sekretaer@forum.test")
    agenda.approve(item, meeting, "sekretaer@forum.test")
    meeting.status = MeetingStatus.held
    db.session.commit()
    return item, meeting, vacant


def test_an_approved_request_creates_the_seat_and_mandate(app, forum, request_item):
    item, meeting, vacant = request_item
    assert item.kind is AgendaKind.seat_request
    decision = seat_requests.decide(item, True, "Leder, Dugnad", DUGNAD, vacant_seat=vacant,
                                    note="Enstemmigt.", actor="sekretaer@forum.test")
    db.session.commit()
    seat = decision.seat
    assert (seat.label, seat.created_on, seat.position) == ("Leder, Dugnad", date(2026, 12, 8),
                                                            vacant.position)
    assert seat.appointing_body.name == "Dugnad" and seat.appointing_body.email == "ida@dugnad.test"
    assert decision.mandate.person.email == "ida@dugnad.test"
    assert decision.mandate.starts_on == date(2026, 12, 8) and decision.decided_on == date(
        2026, 12, 8)
    # The vacant seat gave way: gone from the roster, its history kept.
    assert vacant.abolished_on == date(2026, 12, 8)
    assert roster.vacancies(forum, date(2026, 12, 9)) == []
    (holding,) = roster.holdings(forum, date(2026, 12, 9))
    assert holding.member.person.name == "Ida Holm"
    # Recorded with the minutes, under the request's own item.
    section = next(s for s in minutes.find(meeting).sections if s.agenda_item_id == item.id)
    assert "Leder, Dugnad" in section.body and "Ida Holm" in section.body
    assert section.body.endswith("Enstemmigt.") and item.decision_note in section.body


def test_a_rejected_request_creates_nothing(app, forum, request_item):
    item, meeting, _vacant = request_item
    seats = db.session.scalars(select(Seat)).all()
    decision = seat_requests.decide(item, False, actor="sekretaer@forum.test")
    db.session.commit()
    assert decision.approved is False and decision.seat is None
    assert db.session.scalars(select(Seat)).all() == seats
    assert db.session.scalars(select(AppointingBody)).all() == []
    section = next(s for s in minutes.find(meeting).sections if s.agenda_item_id == item.id)
    assert item.decision_note in section.body


def test_what_cannot_be_decided(app, forum, request_item, make_meeting):
    item, meeting, _vacant = request_item
    with pytest.raises(ServiceError):  # an approval must say which seat and who
        seat_requests.decide(item, True, "Leder, Dugnad", None)
    db.session.rollback()
    seat_requests.decide(item, False)
    with pytest.raises(ServiceError):  # only once
        seat_requests.decide(item, True, "Leder, Dugnad", DUGNAD)
    topic = AgendaItem(forum=forum, title="Et emne", status=AgendaStatus.pending)
    db.session.add(topic)
    db.session.flush()
    agenda.approve(topic, meeting, "x")
    with pytest.raises(ServiceError):  # not a seat request
        seat_requests.decide(topic, True, "X", DUGNAD)
    later = seat_requests.create(forum, "Gadejuristen vil have en plads", "", "Leder", None, "x")
    agenda.approve(later, make_meeting(start=meeting.start_dt.replace(year=2027)), "x")
    with pytest.raises(ServiceError):  # its meeting has not been held
        seat_requests.decide(later, False)


def test_no_decision_once_the_minutes_are_sent(app, request_item):
    item, meeting, _vacant = request_item
    draft = minutes.draft(meeting)
    draft.status = MinutesStatus.sent
    with pytest.raises(ServiceError):
        seat_requests.decide(item, False)


def test_the_pages_enter_mark_and_decide(app, forum, request_item, logged_in, post):
    item, _meeting, vacant = request_item
    url = "/forum/samarbejdsforum/plan/seat-requests"
    html = logged_in.get(url).get_data(as_text=True)
    assert "Dugnad ønsker en plads i forummet" in html and "Stenbroens Jurister" in html
    post(url + "/new", {"title": "Kirkens Korshær spørger", "submitter_name": "Præst"})
    entered = db.session.scalars(
        select(AgendaItem).filter_by(title="Kirkens Korshær spørger")).one()
    assert entered.kind is AgendaKind.seat_request and entered.status is AgendaStatus.pending
    topic = AgendaItem(forum=forum, title="Mail om en plads", status=AgendaStatus.pending)
    db.session.add(topic)
    db.session.commit()
    post(url + "/mark", {"item_id": str(topic.id)})
    db.session.expire_all()
    assert topic.kind is AgendaKind.seat_request
    response = post(f"{url}/{item.id}/decide", {
        "decision": "approve", "seat_label": "Leder, Dugnad", "name": "Ida Holm",
        "email": "ida@dugnad.test", "organisation": "Dugnad", "starts_on": "2027-01-01",
        "vacant_seat_id": str(vacant.id), "note": ""}, follow_redirects=True)
    assert "Beslutningen er skrevet ind i referatet." in response.get_data(as_text=True)
    decision = db.session.scalars(select(SeatRequestDecision)).one()
    assert decision.approved and decision.mandate.starts_on == date(2027, 1, 1)


def test_an_approved_seat_is_invited_to_meetings_whose_invitations_are_out(
        app, forum, request_item, logged_in, post, make_meeting):
    from datetime import timedelta

    from app.models import Invitation, InvitationRole, utcnow
    from app.services import invitations

    item, _meeting, vacant = request_item
    coming = make_meeting(start=utcnow() + timedelta(days=30), location="Rådhuset")
    invitations.invite(coming)
    db.session.commit()
    post(f"/forum/samarbejdsforum/plan/seat-requests/{item.id}/decide", {
        "decision": "approve", "seat_label": "Leder, Dugnad", "name": "Ida Holm",
        "email": "ida@dugnad.test", "organisation": "Dugnad",
        "starts_on": utcnow().date().isoformat(), "vacant_seat_id": str(vacant.id),
        "note": ""})
    db.session.expire_all()
    invited = db.session.scalars(select(Invitation).filter_by(meeting_id=coming.id)).all()
    assert [(i.person.email, i.role) for i in invited] == [
        ("ida@dugnad.test", InvitationRole.member)]
