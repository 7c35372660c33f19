"""The SMTP connection kept open between batches: reused while sound, replaced when not."""

import socket
import time

import pytest

from app import jobs
from app.extensions import db
from app.mailer import close_kept, transport
from app.services import invitations

RAW = b"From: sekretariat@forum.test\r\nTo: a@x.test\r\nSubject: Test\r\n\r\nHej\r\n"


@pytest.fixture(autouse=True)
def _nothing_kept():
    """Start and end every test without a kept connection."""
    close_kept()
    yield
    close_kept()


def _send(to: str):
    """Send one message in a batch of its own; return the transport used."""
    with transport() as mailer:
        mailer.send(RAW, "sekretariat@forum.test", to)
    return mailer


def _peers(smtp) -> list:
    return [received.peer for received in smtp.messages]


def test_batches_in_a_row_share_one_connection(app, smtp):
    _send("a@x.test")
    _send("b@x.test")
    first, second = _peers(smtp)
    assert first == second


def test_no_keepalive_opens_a_connection_per_batch(app, smtp):
    app.config["MAIL_KEEPALIVE_SECONDS"] = 0
    _send("a@x.test")
    _send("b@x.test")
    first, second = _peers(smtp)
    assert first != second


def test_a_connection_idle_for_too_long_is_replaced(app, smtp):
    app.config["MAIL_KEEPALIVE_SECONDS"] = 0.2
    _send("a@x.test")
    time.sleep(0.3)
    _send("b@x.test")
    first, second = _peers(smtp)
    assert first != second


def test_a_connection_that_stopped_answering_is_replaced(app, smtp):
    used = _send("a@x.test")
    used.host.sock.shutdown(socket.SHUT_RDWR)  # as when the server hangs up on an idle client
    _send("b@x.test")
    first, second = _peers(smtp)
    assert first != second and len(smtp.messages) == 2


def test_a_batch_that_failed_does_not_leave_its_connection(app, smtp):
    with pytest.raises(RuntimeError), transport() as mailer:
        mailer.send(RAW, "sekretariat@forum.test", "a@x.test")
        raise RuntimeError("the job broke half-way")
    _send("b@x.test")
    first, second = _peers(smtp)
    assert first != second


def test_jobs_of_two_meetings_send_on_one_connection(app, committee, make_meeting, smtp, work):
    meeting, _ = committee
    other = make_meeting(location="Kulturhuset")
    db.session.commit()
    for each in (meeting, other):
        invitations.invite(each)
    ids = [row_id for each in (meeting, other) for row_id in invitations.queue_invitations(each)]
    db.session.commit()
    jobs.enqueue(jobs.send_outbound, ids[:3])
    jobs.enqueue(jobs.send_outbound, ids[3:])
    work()
    assert len(smtp.messages) == 6 and len(set(_peers(smtp))) == 1
