"""Invitations sent by a real RQ worker to a real SMTP server, and parsed back."""

from datetime import timedelta

from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.mail.tokens import read_bounce_tag, read_token, split_subaddress
from app.models import (
    AnswerChannel,
    Invitation,
    InvitationRole,
    InvitationStatus,
    MeetingStatus,
    OutboundMessage,
    OutboundState,
)
from app.services import invitations, meetings
from tests.jobs.conftest import calendar_of, parse


def _by_recipient(smtp):
    return {r.rcpt_tos[0]: parse(r) for r in smtp.messages}


def test_every_member_gets_one_personal_invitation(app, committee, smtp, work):
    meeting, _ = committee
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    got = _by_recipient(smtp)
    assert sorted(got) == ["medlem1@x.test", "medlem2@x.test", "medlem3@x.test"]
    for address, message in got.items():
        cal, method = calendar_of(message)
        assert method == "REQUEST" and cal["METHOD"] == "REQUEST"
        (event,) = cal.walk("VEVENT")
        assert str(event["UID"]) == meeting.ical_uid and int(event["SEQUENCE"]) == 0
        attendees = event.get("ATTENDEE")
        assert not isinstance(attendees, list)
        assert str(attendees).lower() == f"mailto:{address}"
        _, token = split_subaddress(message["Reply-To"].addresses[0].addr_spec)
        invitation = db.session.get(Invitation, read_token(token, b"test-secret"))
        assert invitation.person.email == address and invitation.meeting_id == meeting.id
    db.session.expire_all()
    assert meeting.status is MeetingStatus.invited
    rows = db.session.scalars(select(OutboundMessage)).all()
    assert {r.state for r in rows} == {OutboundState.sent}
    assert {f"<{r.message_id}>" for r in rows} == {m["Message-ID"] for m in got.values()}


def test_running_the_job_twice_sends_nothing_twice(app, committee, smtp, work):
    meeting, _ = committee
    jobs.enqueue(jobs.send_invitations, meeting.id)
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    assert len(smtp.messages) == 3


def test_a_crash_half_way_is_retried_without_duplicates(app, committee, smtp, work):
    meeting, _ = committee
    smtp.drop_after(1)  # the server hangs up after the first message
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    recipients = [r.rcpt_tos[0] for r in smtp.messages]
    assert sorted(recipients) == ["medlem1@x.test", "medlem2@x.test", "medlem3@x.test"]
    rows = db.session.scalars(select(OutboundMessage)).all()
    assert all(r.state is OutboundState.sent for r in rows)
    assert sorted(r.attempts for r in rows) == [1, 1, 2]


def test_a_permanent_refusal_is_recorded_and_not_retried(app, committee, smtp, work):
    meeting, _ = committee
    smtp.fail_rcpt("medlem2@x.test", 550, "5.1.1 No such user")
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    assert sorted(r.rcpt_tos[0] for r in smtp.messages) == ["medlem1@x.test", "medlem3@x.test"]
    failed = db.session.scalars(select(OutboundMessage).filter_by(
        state=OutboundState.failed)).one()
    assert failed.recipient == "medlem2@x.test" and "550" in failed.error
    assert failed.attempts == 1


def test_the_rate_limit_holds_back_the_rest(app, committee, smtp, work):
    meeting, _ = committee
    meeting.forum.send_per_minute = 2
    db.session.commit()
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    assert len(smtp.messages) == 2
    waiting = db.session.scalars(select(OutboundMessage).filter_by(
        state=OutboundState.queued)).all()
    assert len(waiting) == 1
    from app.extensions import rq

    registry = rq.queue.scheduled_job_registry
    scheduled = [rq.queue.fetch_job(i).func_name for i in registry.get_job_ids()]
    assert scheduled.count("app.jobs.send_queued") == 1  # the forum's queue, in a minute


def _invite(meeting, work):
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()


def _member(meeting, n):
    return db.session.scalars(select(Invitation).join(Invitation.person).where(
        Invitation.meeting_id == meeting.id, Invitation.role == InvitationRole.member)
        .order_by(Invitation.id)).all()[n - 1]


def test_a_decline_calls_in_the_alternate(app, committee, smtp, work):
    meeting, _ = committee
    _invite(meeting, work)
    smtp.reset()
    notices = invitations.record_answer(_member(meeting, 1), "declined", AnswerChannel.mail)
    db.session.commit()
    jobs.notify_later(notices)
    work()
    got = _by_recipient_all(smtp)
    assert sorted(got) == ["medlem1@x.test", "suppleant1@x.test"]
    # One mail to the decliner says both things: afbud noted, the alternate called in.
    (member_mail,) = got["medlem1@x.test"]
    assert member_mail["Subject"].startswith("Afbud noteret")
    text = member_mail.get_body(("plain",)).get_content()
    assert "Din suppleant Suppleant 1 er indkaldt" in " ".join(text.split())
    (alternate_mail,) = got["suppleant1@x.test"]
    cal, method = calendar_of(alternate_mail)
    assert method == "REQUEST" and str(cal.walk("VEVENT")[0]["UID"]) == meeting.ical_uid
    alternate = db.session.scalars(select(Invitation).filter_by(
        role=InvitationRole.alternate)).one()
    assert alternate.stands_in_for_id == _member(meeting, 1).id


def _by_recipient_all(smtp):
    out = {}
    for r in smtp.messages:
        out.setdefault(r.rcpt_tos[0], []).append(parse(r))
    return out


def test_the_member_accepting_after_all_releases_the_alternate(app, committee, smtp, work):
    meeting, _ = committee
    _invite(meeting, work)
    member = _member(meeting, 1)
    followup = invitations.record_answer(member, "declined", AnswerChannel.mail)
    db.session.commit()
    jobs.notify_later(followup)
    work()
    smtp.reset()
    followup = invitations.record_answer(member, "accepted", AnswerChannel.calendar)
    db.session.commit()
    jobs.notify_later(followup)
    work()
    got = _by_recipient_all(smtp)
    (cancel,) = got["suppleant1@x.test"]
    cal, method = calendar_of(cancel)
    assert method == "CANCEL" and cal["METHOD"] == "CANCEL"
    assert "ikke længere" in cancel.get_body(("plain",)).get_content()
    alternate = db.session.scalars(select(Invitation).filter_by(
        role=InvitationRole.alternate)).one()
    assert alternate.status is InvitationStatus.replaced


def test_no_alternate_tells_the_secretary_once(app, committee, smtp, work):
    meeting, _ = committee
    _invite(meeting, work)
    smtp.reset()
    member = _member(meeting, 3)  # seat 3 has no alternate
    followup = invitations.record_answer(member, "declined", AnswerChannel.mail)
    db.session.commit()
    jobs.notify_later(followup)
    followup = invitations.record_answer(member, "accepted", AnswerChannel.mail,
                                         when=meeting.start_dt - timedelta(days=3))
    db.session.commit()
    jobs.notify_later(followup)
    followup = invitations.record_answer(member, "declined", AnswerChannel.mail)
    db.session.commit()
    jobs.notify_later(followup)
    work()
    got = _by_recipient_all(smtp)
    assert len(got["sekretaer@forum.test"]) == 1
    assert "Plads 3" in got["sekretaer@forum.test"][0]["Subject"]


def test_an_alternate_declining_too_leaves_the_seat_unrepresented(app, committee, smtp, work):
    meeting, _ = committee
    _invite(meeting, work)
    invitations.record_answer(_member(meeting, 2), "declined", AnswerChannel.mail)
    db.session.commit()
    alternate = db.session.scalars(select(Invitation).filter_by(
        role=InvitationRole.alternate)).one()
    smtp.reset()
    followup = invitations.record_answer(alternate, "declined", AnswerChannel.mail)
    db.session.commit()
    jobs.notify_later(followup)
    work()
    assert "sekretaer@forum.test" in {r.rcpt_tos[0] for r in smtp.messages}


def test_the_same_answer_twice_confirms_once(app, committee, smtp, work):
    meeting, _ = committee
    _invite(meeting, work)
    member = _member(meeting, 3)
    first = invitations.record_answer(member, "accepted", AnswerChannel.mail)
    again = invitations.record_answer(member, "accepted", AnswerChannel.mail)
    assert [n[0] for n in first.args[0]] == ["confirmation"] and again is None
    db.session.commit()
    smtp.reset()
    jobs.notify_later(first)
    jobs.notify_later(first)  # a retried job confirms nothing twice
    work()
    assert len(smtp.messages) == 1


def test_no_confirmation_to_a_bouncing_address(app, committee, smtp, work):
    from app.models import utcnow

    meeting, _ = committee
    _invite(meeting, work)
    member = _member(meeting, 3)
    member.person.bouncing_since = utcnow()
    notices = invitations.record_answer(member, "accepted", AnswerChannel.mail)
    db.session.commit()
    smtp.reset()
    jobs.notify_later(notices)
    work()
    assert smtp.messages == []


def test_with_verp_each_message_has_its_own_signed_return_path(app, committee, smtp, work):
    meeting, _ = committee
    app.config["MAIL_VERP"] = True
    _invite(meeting, work)
    rows = {r.recipient: r.id for r in db.session.scalars(select(OutboundMessage))}
    assert len(smtp.messages) == len(rows) == 3
    for message in smtp.messages:
        base, tag = split_subaddress(message.mail_from)
        assert base == meeting.forum.sender_address
        assert read_bounce_tag(tag, invitations.token_secret()) == rows[message.rcpt_tos[0]]


def test_rescheduling_sends_an_update_with_a_higher_sequence(app, committee, smtp, work):
    meeting, _ = committee
    _invite(meeting, work)
    smtp.reset()
    meetings.reschedule(meeting, meeting.start_dt + timedelta(days=7), location="Reden")
    db.session.commit()
    _invite(meeting, work)
    for message in _by_recipient(smtp).values():
        cal, _ = calendar_of(message)
        event = cal.walk("VEVENT")[0]
        assert int(event["SEQUENCE"]) == 1 and str(event["UID"]) == meeting.ical_uid
        assert str(event["LOCATION"]) == "Reden"


def test_cancelling_sends_cancel_to_everyone_invited(app, committee, smtp, work):
    meeting, _ = committee
    _invite(meeting, work)
    smtp.reset()
    meetings.cancel(meeting, "Sygdom")
    db.session.commit()
    jobs.enqueue(jobs.send_cancellations, meeting.id)
    work()
    got = _by_recipient(smtp)
    assert len(got) == 3
    for message in got.values():
        cal, method = calendar_of(message)
        event = cal.walk("VEVENT")[0]
        assert method == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 1


def test_a_recalled_alternate_gets_a_request_that_outranks_the_cancel(app, committee, smtp,
                                                                       work):
    meeting, _ = committee
    _invite(meeting, work)
    member = _member(meeting, 1)
    for answer in ("declined", "accepted", "declined"):
        followup = invitations.record_answer(member, answer, AnswerChannel.mail)
        db.session.commit()
        jobs.notify_later(followup)
        work()
    sequences = [
        (method, int(cal.walk("VEVENT")[0]["SEQUENCE"]))
        for message in _by_recipient_all(smtp)["suppleant1@x.test"]
        for cal, method in [calendar_of(message)]
    ]
    assert sequences == [("REQUEST", 0), ("CANCEL", 1), ("REQUEST", 2)]


def test_the_sweep_sends_what_was_left_queued(app, committee, smtp, work):
    meeting, _ = committee
    invitations.invite(meeting)
    for row_id in invitations.queue_invitations(meeting):
        row = db.session.get(OutboundMessage, row_id)
        row.created_dt = row.created_dt - timedelta(minutes=10)
    db.session.commit()  # queued, but no job was ever enqueued: as after a crash
    assert jobs.sweep_outbound() == 3
    assert len(smtp.messages) == 3
    assert jobs.sweep_outbound() == 0


def test_invitations_left_without_mail_are_sent_by_the_next_job(app, committee, smtp, work):
    meeting, _ = committee
    invitations.invite(meeting)
    db.session.commit()  # as after a crash between the job's two commits
    assert smtp.messages == [] and meeting.status is MeetingStatus.invited
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    assert sorted(r.rcpt_tos[0] for r in smtp.messages) == [
        "medlem1@x.test", "medlem2@x.test", "medlem3@x.test"]
