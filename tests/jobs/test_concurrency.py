"""Several job workers at once: a forum's mail is sent by one job at a time, once."""

import time
from collections import Counter
from datetime import date

import pytest
from rq.job import JobStatus
from sqlalchemy import select

from app import jobs, sendlock
from app.extensions import db
from app.models import MandateRole, OutboundMessage, OutboundState, SeatKind
from app.services import invitations, outbound, roster


def _queued(meeting) -> list[int]:
    """Invite the meeting and queue its invitations without sending; return the ids."""
    invitations.invite(meeting)
    ids = invitations.queue_invitations(meeting)
    db.session.commit()
    return ids


def _wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the worker did not get there in time")
        time.sleep(0.05)


def test_a_second_job_reads_what_is_queued_only_once_it_holds_the_forum(
        app, committee, smtp, spawn_worker):
    meeting, _ = committee
    ids = _queued(meeting)
    job = jobs.enqueue(jobs.send_outbound, ids)
    with sendlock.sending(meeting.forum_id):
        worker = spawn_worker()
        _wait_until(lambda: job.get_status(refresh=True) == JobStatus.STARTED)
        time.sleep(0.3)  # it is now waiting for the lock, not sending
        assert smtp.messages == []
        # Meanwhile the job holding the lock sends them all.
        with outbound.ledger_connection() as ledger:
            for message_id in ids:
                outbound.mark_sent(ledger, message_id)
    assert worker.wait(timeout=60) == 0
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert job.return_value() == 0
    assert smtp.messages == []


def test_a_forum_busy_for_too_long_fails_the_job_and_loses_nothing(app, committee, smtp,
                                                                   work):
    app.config["SEND_LOCK_WAIT_SECONDS"] = 0.1
    meeting, _ = committee
    ids = _queued(meeting)
    job = jobs.enqueue(jobs.send_outbound, ids)
    with sendlock.sending(meeting.forum_id):
        work()  # every retry finds the forum busy
    assert job.get_status(refresh=True) == JobStatus.FAILED
    assert "SendBusy" in job.latest_result().exc_string
    states = db.session.scalars(select(OutboundMessage.state)).all()
    assert states == [OutboundState.queued] * 3 and smtp.messages == []
    jobs.enqueue(jobs.send_outbound, ids)
    work()
    assert len(smtp.messages) == 3


@pytest.fixture
def forums(forum, make_forum, make_person, make_meeting):
    """Return three meetings, each of a forum of five members."""
    meetings = []
    for n, each in enumerate([forum, make_forum(), make_forum()]):
        for p in range(5):
            seat = roster.add_seat(each, SeatKind.organisation, f"Plads {p}")
            person = make_person(f"Medlem {n}.{p}", f"m{n}.{p}@x.test", forum=each)
            roster.appoint(seat, person, date(2026, 1, 1), role=MandateRole.member)
        meetings.append(make_meeting(forum=each))
    db.session.commit()
    return meetings


def test_two_workers_on_the_same_messages_send_each_once(app, forums, smtp, spawn_worker):
    ids = [message_id for meeting in forums for message_id in _queued(meeting)]
    smtp.handler.slow_down(0.1)  # the jobs overlap for certain
    for _ in range(4):
        jobs.enqueue(jobs.send_outbound, ids)
    workers = [spawn_worker(), spawn_worker()]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    counts = Counter(received.rcpt_tos[0] for received in smtp.messages)
    assert len(counts) == 15 and set(counts.values()) == {1}
    db.session.expire_all()
    assert set(db.session.scalars(select(OutboundMessage.state))) == {OutboundState.sent}


def test_the_rate_limit_holds_across_workers(app, forums, smtp, spawn_worker):
    forums[0].forum.send_per_minute = 2
    db.session.commit()
    ids = _queued(forums[0])
    smtp.handler.slow_down(0.1)
    for _ in range(3):
        jobs.enqueue(jobs.send_outbound, ids)
    workers = [spawn_worker(), spawn_worker()]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    assert len(smtp.messages) == 2


def test_two_workers_on_the_same_meetings_invite_each_person_once(app, forums, smtp,
                                                                  spawn_worker):
    smtp.handler.slow_down(0.1)
    for meeting in forums:  # each meeting's two jobs side by side: the workers take both
        for _ in range(2):
            jobs.enqueue(jobs.send_invitations, meeting.id)
    workers = [spawn_worker(), spawn_worker()]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    counts = Counter(received.rcpt_tos[0] for received in smtp.messages)
    assert len(counts) == 15 and set(counts.values()) == {1}
