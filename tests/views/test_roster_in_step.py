"""The pages keep roster and invitations in step, and guard what is too late: appoint and
end from the roster page, send and remind from the meeting page, the overview's counts."""

from datetime import timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.models import (
    Invitation,
    InvitationStatus,
    Mandate,
    MandateRole,
    Meeting,
    MeetingStatus,
    OutboundMessage,
    Seat,
    utcnow,
)
from app.services import invitations, meetings, roster
from app.views.common import coming_meetings, next_meeting

BASE = "/forum/vesterbro"


def _invited_meeting(forum, days=20):
    """Return a coming meeting of FORUM with its invitations out (composed, not sent)."""
    meeting = meetings.create_meeting(forum, utcnow() + timedelta(days=days),
                                      location="Kulturhuset")
    invitations.invite(meeting)
    invitations.queue_invitations(meeting)
    db.session.commit()
    return meeting


def _seat_with_member(forum):
    today = meetings.local_day(forum, utcnow())
    for holding in roster.holdings(forum, today):
        if holding.member is not None and holding.alternate is not None:
            return holding
    raise AssertionError("the demo has a seat with member and alternate")


def _flash(response):
    return response.get_data(as_text=True)


def test_ending_a_mandate_on_the_page_withdraws_and_calls_the_alternate(
        demo_forum, post, work):
    meeting = _invited_meeting(demo_forum)
    holding = _seat_with_member(demo_forum)
    member, alternate = holding.member.person.email, holding.alternate.person.email
    day = meetings.local_day(demo_forum, meeting.start_dt) - timedelta(days=1)
    response = post(f"{BASE}/roster/mandates/{holding.member.id}/end",
                    {"last_day": day.isoformat(), "reason": "fraflyttet"},
                    follow_redirects=True)
    assert response.status_code == 200
    assert ("Indkaldelser til kommende møder: 1 trukket tilbage, 1 sendt."
            in _flash(response))
    work()
    rows = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.meeting_id == meeting.id,
        OutboundMessage.kind.in_(["cancellation", "invitation"]))).all()
    assert [r.recipient for r in rows if r.kind == "cancellation"] == [member]
    assert alternate in [r.recipient for r in rows if r.kind == "invitation"]
    mine = db.session.scalars(select(Invitation).join(Invitation.person).where(
        Invitation.meeting_id == meeting.id)).all()
    assert {i.person.email: i.status for i in mine}[member] is InvitationStatus.replaced


def test_the_appoint_form_names_an_alternate_as_alternate(demo_forum, post):
    seat = db.session.scalars(select(Seat).filter_by(label="Nabo 10")).first() or \
        db.session.scalars(select(Seat)).first()
    response = post(f"{BASE}/roster/seats/{seat.id}/appoint",
                    {"role": "alternate", "person_id": "0", "name": "Lis Lund",
                     "email": "lis@nabo.test", "starts_on": utcnow().date().isoformat()},
                    follow_redirects=True)
    assert f"Lis Lund er nu suppleant for {seat.label}" in _flash(response)
    assert db.session.scalars(select(Mandate).join(Mandate.person).where(
        Mandate.role == MandateRole.alternate)).first() is not None


def test_sending_for_a_begun_meeting_is_refused_in_danish(demo_forum, post, work):
    meeting = meetings.create_meeting(demo_forum, utcnow() - timedelta(minutes=30),
                                      location="Kulturhuset")
    db.session.commit()
    response = post(f"{BASE}/meetings/{meeting.id}/invite", follow_redirects=True)
    assert "Mødet er begyndt: der kan ikke længere sendes indkaldelser" in _flash(response)
    work()
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.planned
    nowhere = meetings.create_meeting(demo_forum, utcnow() + timedelta(days=9))
    db.session.commit()
    response = post(f"{BASE}/meetings/{nowhere.id}/invite", follow_redirects=True)
    assert "Mødet har intet sted" in _flash(response)


def test_an_answer_posted_after_the_start_changes_nothing(demo_forum, client, work):
    meeting = _invited_meeting(demo_forum)
    invitation = next(i for i in invitations.invitations_of(meeting) if i.seat is not None)
    page = client.get(f"/r/{invitation.reply_token}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]  # the page left open
    meeting.start_dt = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/r/{invitation.reply_token}").get_data(as_text=True)
    assert "kan ikke længere besvares" in page
    response = client.post(f"/r/{invitation.reply_token}",
                           data={"csrf_token": token, "answer": "declined"})
    assert response.status_code == 400
    work()
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).status is InvitationStatus.pending
    assert not [i for i in invitations.invitations_of(meeting) if i.stands_in_for_id]


def test_next_meeting_is_the_next_not_begun(demo_forum):
    under_way = meetings.create_meeting(demo_forum, utcnow() - timedelta(minutes=30),
                                        location="Kulturhuset")
    db.session.commit()
    coming = next_meeting(demo_forum)
    assert coming is not None and coming.id != under_way.id and coming.start_dt > utcnow()
    assert coming_meetings(demo_forum)[0].id == coming.id  # the approve list's default


def test_remind_now_reminds_those_without_an_answer_once_a_day(demo_forum, post, work,
                                                               runner):
    meeting = _invited_meeting(demo_forum)
    invs = invitations.invitations_of(meeting)
    invitations.record_answer(invs[0], "accepted", invitations.AnswerChannel.secretary)
    db.session.commit()
    waiting = sum(1 for i in invs if i.status is InvitationStatus.pending)
    response = post(f"{BASE}/meetings/{meeting.id}/remind", follow_redirects=True)
    assert f"Påmindelsen sendes til {waiting}, der ikke har svaret." in _flash(response)
    post(f"{BASE}/meetings/{meeting.id}/remind")  # twice: still one reminder each
    work()
    result = runner.invoke(args=["meetings", "remind", str(meeting.id)])
    assert result.exit_code == 0 and f"queued for {waiting}" in result.output
    work()
    meeting_id, sequence, answered = meeting.id, meeting.sequence, invs[0].person.email
    reminded = db.session.scalars(select(OutboundMessage.recipient).filter_by(
        meeting_id=meeting_id, kind="reminder")).all()
    assert len(reminded) == waiting and answered not in reminded
    # The scheduled reminder still comes, besides.
    jobs.enqueue(jobs.send_reminders, meeting_id, sequence)
    work()
    assert db.session.scalar(select(db.func.count(OutboundMessage.id)).filter_by(
        meeting_id=meeting_id, kind="reminder")) == 2 * waiting


def test_sent_counts_invitations_and_other_mails_apart(demo_forum, logged_in, work):
    meeting = _invited_meeting(demo_forum)
    meeting_id, people = meeting.id, len(invitations.invitations_of(meeting))
    jobs.enqueue(jobs.send_invitations, meeting_id)
    work()
    invitation = invitations.invitations_of(db.session.get(Meeting, meeting_id))[0]
    invitations.record_answer(invitation, "accepted", invitations.AnswerChannel.link)
    db.session.commit()
    jobs.enqueue(jobs.send_notices, [("confirmation", invitation.id, "x")])
    work()
    progress = logged_in.get(f"{BASE}/meetings/{meeting_id}/progress.json").get_json()
    assert progress["sent"] == people
    assert progress["other"]["sent"] == 1


@pytest.mark.parametrize("days_before", [1])
def test_the_overview_counts_a_seat_falling_vacant_before_the_meeting(demo_forum, logged_in,
                                                                      days_before):
    meeting = next_meeting(demo_forum)
    day = meetings.local_day(demo_forum, meeting.start_dt)
    holding = _seat_with_member(demo_forum)
    holding.member.term_ends_on = day - timedelta(days=days_before)
    db.session.commit()
    html = logged_in.get(BASE + "/").get_data(as_text=True)
    vacant_on_the_day = len(roster.vacancies(demo_forum, day))
    card = html.split('class="actions"')[1].split("</ul>")[0]
    assert f"<strong>{vacant_on_the_day}</strong> ledig" in card
    table = html.split('class="coverage"')[1]
    assert table.count("row-vacant") + table.count("Ledig plads</small>") == vacant_on_the_day
    first_free = format_date(day - timedelta(days=days_before - 1), "d. MMM", locale="da")
    assert f"Ledig fra {first_free}" in table
