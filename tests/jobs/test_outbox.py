"""The outbox: an answer's follow-ups survive a Redis that is away when the answer commits.

Against a real redis-server of the test's own, stopped while the decline is applied
and started again (empty, as after a restart without a dump) before the sweep.
"""

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import select

from app import jobs, jobs_followups
from app.extensions import db
from app.models import (
    AnswerChannel,
    Followup,
    Invitation,
    InvitationRole,
    InvitationStatus,
    OutboundMessage,
)
from app.services import invitations
from tests.jobs.conftest import calendar_of, parse
from tests.servers.redis import StoppableRedis
from workers import intake
from workers.intake import Item


@pytest.fixture
def outage_redis():
    """Yield a private redis-server the test may stop and start."""
    server = StoppableRedis().start()
    yield server
    server.close()


@pytest.fixture
def app_config(app_config, outage_redis):
    """Queue jobs, and take the send locks, on the private server."""
    return app_config | {"REDIS_URL": outage_redis.url, "RQ_CONNECTION": outage_redis.url}


def _member(meeting, n: int) -> Invitation:
    return db.session.scalars(select(Invitation).where(
        Invitation.meeting_id == meeting.id, Invitation.role == InvitationRole.member)
        .order_by(Invitation.id)).all()[n - 1]


def _decline(invitation: Invitation) -> bytes:
    """Return the member's reply to their invitation, declining, as a client sends it."""
    sent = db.session.scalars(select(OutboundMessage).filter_by(
        invitation_id=invitation.id, kind="invitation")).first()
    msg = EmailMessage()
    msg["From"] = f"{invitation.person.name} <{invitation.person.email}>"
    msg["To"] = f"sekretariat+{invitation.reply_token}@forum1.test"
    msg["Subject"] = f"SV: {sent.subject}"
    msg["Message-ID"] = make_msgid(domain="x.test")
    msg["In-Reply-To"] = f"<{sent.message_id}>"
    msg.set_content("Hej\n\nJeg må desværre melde afbud.\n\nMvh")
    return bytes(msg)


def _by_recipient(smtp) -> dict[str, list]:
    found: dict[str, list] = {}
    for received in smtp.messages:
        found.setdefault(received.rcpt_tos[0], []).append(parse(received))
    return found


def _kinds(invitation_id: int) -> list[str]:
    return sorted(db.session.scalars(select(OutboundMessage.kind).filter_by(
        invitation_id=invitation_id)))


def test_a_decline_while_redis_is_down_calls_the_alternate_in_once_it_is_back(
        app, committee, smtp, work, outage_redis, caplog):
    meeting, _ = committee
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    member = _member(meeting, 1)
    member_id, raw = member.id, _decline(member)
    smtp.reset()

    outage_redis.stop()
    ids = intake.store([Item(raw=raw, size=len(raw), uid=1)], "INBOX", 1)
    assert intake.apply(ids) == 1  # the worker goes on; the decline is saved
    db.session.expire_all()
    assert db.session.get(Invitation, member_id).status is InvitationStatus.declined
    (waiting,) = db.session.scalars(select(Followup)).all()  # committed with the answer
    assert waiting.job == "send_notices" and waiting.enqueued_dt is None
    waiting_id, notices = waiting.id, waiting.args[0]
    assert "the sweep will enqueue them" in caplog.text
    jobs.sweep_outbound(older_than_seconds=0)  # the queue still away: nothing raises
    db.session.expire_all()
    assert db.session.get(Followup, waiting_id).enqueued_dt is None and smtp.messages == []

    outage_redis.start()  # back, and empty: the job was never in it
    jobs.sweep_outbound(older_than_seconds=0)
    assert db.session.get(Followup, waiting_id).enqueued_dt is not None
    work()
    got = _by_recipient(smtp)
    (invitation,) = got["suppleant1@x.test"]
    cal, method = calendar_of(invitation)
    assert method == "REQUEST" and str(cal.walk("VEVENT")[0]["UID"]) == meeting.ical_uid
    alternate = db.session.scalars(select(Invitation).filter_by(
        role=InvitationRole.alternate)).one()
    assert _kinds(alternate.id) == ["invitation"]
    # The member: one confirmation that names the alternate called in.
    assert len(got["medlem1@x.test"]) == 1
    assert _kinds(member_id) == ["confirmation", "invitation"]
    assert db.session.query(Followup).count() == 0

    # Sweeping again, or the same jobs twice, sends nothing twice.
    smtp.reset()
    jobs.sweep_outbound(older_than_seconds=0)
    jobs.enqueue(jobs_followups.run_followups, [waiting_id])
    jobs.enqueue(jobs.send_notices, notices)
    work()
    assert smtp.messages == []


def test_a_followup_enqueued_twice_runs_once(app, committee, smtp, work):
    meeting, _ = committee
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    smtp.reset()
    followup = invitations.record_answer(_member(meeting, 1), "declined", AnswerChannel.mail)
    db.session.commit()
    assert jobs.notify_later(followup) and jobs.notify_later(followup)  # edge and sweep
    work()
    assert sorted(r.rcpt_tos[0] for r in smtp.messages) == [
        "medlem1@x.test", "suppleant1@x.test"]


def test_the_sweep_leaves_fresh_followups_to_their_edge(app, committee, smtp, work):
    meeting, _ = committee
    invitations.invite(meeting)
    followup = invitations.record_answer(_member(meeting, 1), "declined", AnswerChannel.mail)
    db.session.commit()
    assert jobs_followups.sweep(120) == 0  # just committed: the edge enqueues it
    followup.created_dt -= timedelta(minutes=3)
    db.session.commit()
    assert jobs_followups.sweep(120) == 1
    assert jobs_followups.sweep(120) == 0  # enqueued now


def test_a_followup_lost_with_the_queue_is_enqueued_again(app, committee, smtp, work):
    meeting, _ = committee
    invitations.invite(meeting)
    followup = invitations.record_answer(_member(meeting, 1), "declined", AnswerChannel.mail)
    db.session.commit()
    assert jobs.notify_later(followup)
    db.session.get(Followup, followup.id).enqueued_dt -= jobs_followups.LOST_AFTER
    db.session.commit()
    from app.extensions import rq

    rq.queue.connection.flushdb()  # Redis restarted without its dump
    assert jobs_followups.sweep(120) == 1
    assert [job.func_name for job in rq.queue.jobs] == ["app.jobs_followups.run_followups"]


def test_a_rolled_back_answer_leaves_no_followup(app, committee):
    meeting, _ = committee
    invitations.invite(meeting)
    db.session.commit()
    followup = invitations.record_answer(_member(meeting, 1), "declined", AnswerChannel.mail)
    db.session.flush()
    db.session.rollback()
    assert db.session.query(Followup).count() == 0
    assert jobs.notify_later(followup) is False  # nothing committed, nothing to enqueue
