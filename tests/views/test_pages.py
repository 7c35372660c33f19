"""The secretary's pages on the demo forum: each answers, and each action does what it says."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AgendaItem,
    AgendaStatus,
    AnswerChannel,
    InboundMessage,
    Invitation,
    InvitationRole,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    OutboundMessage,
    utcnow,
)
from app.services import invitations, meetings, roster

BASE = "/forum/vesterbro"


def _next_meeting():
    coming = select(Meeting).where(Meeting.start_dt >= utcnow()).order_by(Meeting.start_dt)
    return db.session.scalars(coming).first()


@pytest.mark.parametrize("path", ["/", "/agenda/", "/meetings/", "/roster/", "/mail/",
                                  "/mail/?show=review"])
def test_every_section_answers_in_danish(logged_in, path):
    response = logged_in.get(BASE + path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="da">' in html and "Oversigt" in html


def test_overview_shows_coverage_and_counts(logged_in):
    html = logged_in.get(BASE + "/").get_data(as_text=True)
    assert "Næste møde" in html and "Ikke indkaldt endnu" in html
    assert "</strong> ledig plads" in html or "</strong> ledige pladser" in html


def test_meeting_page_and_minutes_page(logged_in, post):
    meeting = _next_meeting()
    assert logged_in.get(f"{BASE}/meetings/{meeting.id}/").status_code == 200
    progress = logged_in.get(f"{BASE}/meetings/{meeting.id}/progress.json").get_json()
    assert progress == {"queued": 0, "sent": 0, "failed": 0, "status": "planned",
                        "other": {"queued": 0, "sent": 0, "failed": 0}}


def test_planning_a_meeting(logged_in, post):
    response = post(BASE + "/meetings/", {"day": "2027-09-14", "start": "16:00", "end": "18:00",
                                          "location": "Reden", "kind": "regular"})
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting).filter_by(location="Reden")).one()
    assert meeting.start_dt.hour == 14  # 16.00 summer time in Copenhagen is 14.00 UTC
    assert [g.name for g in meeting.guest_lists] == ["Socialudvalget"]


def test_approving_an_item_puts_it_on_the_chosen_meeting(logged_in, post, demo_forum):
    item = AgendaItem(forum=demo_forum, title="Belysning i Skelbækgade", body="Lamper slukket",
                      status=AgendaStatus.pending)
    db.session.add(item)
    db.session.commit()
    assert "Belysning i Skelbækgade" in logged_in.get(BASE + "/agenda/").get_data(as_text=True)
    meeting = _next_meeting()
    response = post(f"{BASE}/agenda/{item.id}/approve", {"meeting_id": meeting.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert (item.status, item.meeting_id, item.position) == (AgendaStatus.approved, meeting.id, 1)
    html = logged_in.get(f"{BASE}/meetings/{meeting.id}/").get_data(as_text=True)
    assert "Belysning i Skelbækgade" in html


def test_rejecting_queues_a_mail_to_the_submitter(logged_in, post, demo_forum):
    person = roster.add_person(demo_forum, "Karen Beboer", "karen@beboer.test")
    item = AgendaItem(forum=demo_forum, title="Belysning", submitter=person,
                      status=AgendaStatus.pending)
    db.session.add(item)
    db.session.commit()
    post(f"{BASE}/agenda/{item.id}/reject", {"reason": "Ikke forummets opgave"})
    db.session.expire_all()
    assert item.status is AgendaStatus.rejected
    row = db.session.scalars(select(OutboundMessage).filter_by(kind="agenda_rejected")).one()
    assert row.recipient == "karen@beboer.test"


def test_rejecting_a_strangers_item_mails_no_one(logged_in, post, demo_forum):
    # Anyone can write to the agenda address with anyone's From: a rejection naming
    # the subject would carry a stranger's words to an address they chose.
    item = AgendaItem(forum=demo_forum, title="Reklame", submitter_address="x@firma.test",
                      status=AgendaStatus.pending)
    db.session.add(item)
    db.session.commit()
    post(f"{BASE}/agenda/{item.id}/reject", {"reason": "Ikke forummets opgave"})
    db.session.expire_all()
    assert item.status is AgendaStatus.rejected
    assert db.session.scalars(select(OutboundMessage).filter_by(kind="agenda_rejected")).all() == []


def test_an_answer_by_phone_calls_in_the_alternate(logged_in, post):
    meeting = _next_meeting()
    invitations.invite(meeting)
    db.session.commit()
    member = db.session.scalars(
        select(Invitation).join(Invitation.seat).where(
            Invitation.role == InvitationRole.member).order_by(Invitation.id)).first()
    response = post(f"{BASE}/meetings/{meeting.id}/answers/{member.id}", {"answer": "declined"})
    assert response.status_code == 302
    db.session.expire_all()
    assert member.status is InvitationStatus.declined
    html = logged_in.get(BASE + "/").get_data(as_text=True)
    assert "Suppleant indkaldt" in html


def test_an_answer_to_the_old_time_says_so_after_a_move(logged_in):
    meeting = _next_meeting()
    invitations.invite(meeting)
    member = db.session.scalars(select(Invitation).order_by(Invitation.id)).first()
    invitations.record_answer(member, "accepted", AnswerChannel.mail)
    old = meeting.start_dt
    meetings.reschedule(meeting, old + timedelta(hours=1))
    db.session.commit()
    assert member.answered_old_time and member.answered_start_dt == old
    html = logged_in.get(f"{BASE}/meetings/{meeting.id}/").get_data(as_text=True)
    assert "svar til det tidligere tidspunkt" in html
    # The same answer again, now to the new time, is recorded afresh.
    assert invitations.record_answer(member, "accepted", AnswerChannel.mail)
    assert not member.answered_old_time


def test_forms_without_csrf_are_refused(logged_in):
    meeting = _next_meeting()
    response = logged_in.post(f"{BASE}/meetings/{meeting.id}/invite")
    assert response.status_code == 400


def test_another_forums_pages_are_not_found(logged_in, make_forum):
    other = make_forum(slug="andet")
    db.session.commit()
    assert logged_in.get(f"/forum/{other.slug}/agenda/").status_code == 404


def test_cancelling_a_meeting(logged_in, post):
    meeting = _next_meeting()
    post(f"{BASE}/meetings/{meeting.id}/cancel", {"reason": "Sygdom"})
    db.session.expire_all()
    assert meeting.status is MeetingStatus.cancelled


def test_minutes_are_drafted_with_attendance_approved_and_sent(logged_in, post):
    meeting = _next_meeting()
    invitations.invite(meeting)
    members = [i for i in meeting.invitations if i.role is InvitationRole.member]
    with_alternate = next(i for i in members if invitations.call_alternate(i) and
                          invitations.standing_in(i))
    with_alternate.status = InvitationStatus.declined
    invitations.standing_in(with_alternate).status = InvitationStatus.accepted
    meeting.start_dt, meeting.end_dt = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    db.session.commit()
    html = logged_in.get(f"{BASE}/meetings/{meeting.id}/minutes/").get_data(as_text=True)
    assert "havde meldt afbud; suppleant" in html
    post(f"{BASE}/meetings/{meeting.id}/minutes/approve")
    post(f"{BASE}/meetings/{meeting.id}/minutes/send")
    db.session.expire_all()
    assert meeting.status is MeetingStatus.minutes_sent
    rows = db.session.scalars(select(OutboundMessage).filter_by(kind="minutes")).all()
    assert len(rows) >= 26  # members, alternates and no guests (Q1 meeting has guests: more)


def test_review_mail_can_be_counted_as_an_answer(logged_in, post, demo_forum):
    from app.services import inbound

    meeting = _next_meeting()
    invitations.invite(meeting)
    db.session.commit()
    invitation = meeting.invitations[0]
    raw = (f"From: {invitation.person.email}\r\nTo: {demo_forum.sender_address}\r\n"
           "Subject: Mødet\r\nMessage-ID: <q1@x.test>\r\n\r\nHvor ligger lokalet?\r\n").encode()
    message, _ = inbound.receive(raw)
    inbound.process(message)
    db.session.commit()
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    assert "Hvor ligger lokalet?" in logged_in.get(
        f"{BASE}/mail/{message.id}?raw=1").get_data(as_text=True)
    assert "Tæl som svar fra" in page
    post(f"{BASE}/mail/{message.id}/answer", {"invitation_id": invitation.id,
                                               "answer": "accepted"})
    db.session.expire_all()
    assert invitation.status is InvitationStatus.accepted
    assert db.session.get(InboundMessage, message.id).state.value == "applied"


def test_every_seat_and_mandate_on_the_roster_has_its_own_forms(logged_in, demo_forum):
    from html.parser import HTMLParser

    from app.models import Mandate, Seat

    class Forms(HTMLParser):
        def __init__(self):
            super().__init__()
            self.actions, self.ids, self.labels = [], [], []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form":
                self.actions.append(attrs["action"])
            if "id" in attrs:
                self.ids.append(attrs["id"])
            if tag == "label" and "for" in attrs:
                self.labels.append(attrs["for"])

    page = Forms()
    page.feed(logged_in.get(BASE + "/roster/").get_data(as_text=True))
    seats = db.session.scalars(select(Seat).filter_by(forum_id=demo_forum.id)).all()
    today = meetings.local_day(demo_forum, utcnow())
    held = [m for h in roster.holdings(demo_forum, today) for m in (h.member, h.alternate) if m]
    assert seats and held
    for seat in seats:
        assert page.actions.count(f"{BASE}/roster/seats/{seat.id}/appoint") == 1
        for field in ("role", "person", "name", "email", "starts"):
            assert f"seat{seat.id}-{field}" in page.ids and f"seat{seat.id}-{field}" in page.labels
    for mandate in held:
        assert isinstance(mandate, Mandate)
        assert page.actions.count(f"{BASE}/roster/mandates/{mandate.id}/end") == 1
        assert {f"end-{mandate.id}", f"reason-{mandate.id}"} <= set(page.ids) & set(page.labels)
    assert len(page.ids) == len(set(page.ids))  # every label finds its own field
    assert set(page.labels) <= set(page.ids)


def test_every_invitation_on_the_meeting_page_has_its_own_answer_form(logged_in):
    meeting = _next_meeting()
    invitations.invite(meeting)
    db.session.commit()
    html = logged_in.get(f"{BASE}/meetings/{meeting.id}/").get_data(as_text=True)
    invited = invitations.invitations_of(meeting)
    assert invited
    for invitation in invited:
        action = f'action="{BASE}/meetings/{meeting.id}/answers/{invitation.id}"'
        assert html.count(action) == 1
        assert html.count(f'id="answer-{invitation.id}"') == 1
