"""Reminders and the final agenda: scheduled in Redis, sent once, dropped when outdated."""

from datetime import UTC, datetime, timedelta

from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from app import jobs
from app.extensions import db, rq
from app.models import AnswerChannel, Invitation, InvitationStatus
from app.services import invitations, meetings


def _invite(meeting, work):
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()


def test_sending_invitations_schedules_reminder_and_final_agenda(app, committee, smtp, work):
    meeting, _ = committee
    meeting.start_dt = datetime.now(UTC) + timedelta(days=20)
    meeting.end_dt = meeting.start_dt + timedelta(hours=2)
    db.session.commit()
    _invite(meeting, work)
    registry = ScheduledJobRegistry(queue=rq.queue)
    ids = set(registry.get_job_ids())
    assert ids == {f"send_reminders-{meeting.id}-0", f"send_final_agenda-{meeting.id}-0"}
    _invite(meeting, work)  # sending again schedules nothing twice
    assert len(registry.get_job_ids()) == 2


def test_reminders_go_to_those_without_answer_once(app, committee, smtp, work):
    meeting, _ = committee
    _invite(meeting, work)
    first = db.session.scalars(select(Invitation).order_by(Invitation.id)).first()
    invitations.record_answer(first, "accepted", AnswerChannel.mail)
    db.session.commit()
    smtp.reset()
    jobs.enqueue(jobs.send_reminders, meeting.id, meeting.sequence)
    jobs.enqueue(jobs.send_reminders, meeting.id, meeting.sequence)
    work()
    reminded = sorted(r.rcpt_tos[0] for r in smtp.messages)
    assert reminded == ["medlem2@x.test", "medlem3@x.test"]


def test_an_outdated_reminder_does_nothing(app, committee, smtp, work):
    meeting, _ = committee
    _invite(meeting, work)
    meetings.reschedule(meeting, meeting.start_dt + timedelta(days=1))
    db.session.commit()
    smtp.reset()
    jobs.enqueue(jobs.send_reminders, meeting.id, 0)
    work()
    assert smtp.messages == []


def test_final_agenda_skips_those_who_declined(app, committee, smtp, work):
    meeting, _ = committee
    _invite(meeting, work)
    member3 = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()[2]
    invitations.record_answer(member3, "declined", AnswerChannel.mail)
    db.session.commit()
    smtp.reset()
    jobs.enqueue(jobs.send_final_agenda, meeting.id, meeting.sequence)
    work()
    assert sorted(r.rcpt_tos[0] for r in smtp.messages) == ["medlem1@x.test", "medlem2@x.test"]
    assert member3.status is InvitationStatus.declined
