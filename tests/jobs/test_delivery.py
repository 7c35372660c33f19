"""A batch opens the next message while the last one's mark commits, and the ledger's
promise holds: a message is accepted only once the one before it is marked sent."""

import pytest
from sqlalchemy import create_engine, func, select, text

from app import jobs
from app.extensions import db
from app.models import OutboundMessage, OutboundState


def _marked_sent(engine) -> int:
    """Return how many ledger rows are marked sent, read on a connection of its own."""
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(OutboundMessage)
                           .where(OutboundMessage.state == OutboundState.sent))


@pytest.fixture
def reader(app):
    """Return an engine of its own on the test's database, as another process would have."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    yield engine
    engine.dispose()


def test_each_message_is_accepted_only_once_the_one_before_is_marked(app, committee, smtp,
                                                                      work, reader):
    meeting, _ = committee
    marked_at_accept = []
    smtp.before_accept(lambda recipients: marked_at_accept.append(_marked_sent(reader)))
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    assert len(smtp.messages) >= 3
    assert marked_at_accept == list(range(len(smtp.messages)))
    assert _marked_sent(reader) == len(smtp.messages)


_SQLITE_DOWN = """CREATE TRIGGER ledger_down BEFORE UPDATE OF state ON outbound_messages
WHEN NEW.state = 'sent' BEGIN SELECT RAISE(ABORT, 'the ledger is down'); END"""
_POSTGRES_DOWN = ["""CREATE OR REPLACE FUNCTION ledger_down() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the ledger is down'; END $$ LANGUAGE plpgsql""",
                  """CREATE TRIGGER ledger_down BEFORE UPDATE ON outbound_messages
FOR EACH ROW WHEN (NEW.state = 'sent') EXECUTE FUNCTION ledger_down()"""]


def _ledger_down(up: bool = False) -> None:
    """Make every mark as sent fail, as a database gone mid-batch would (UP: undo it)."""
    postgres = db.engine.dialect.name == "postgresql"
    if up:
        statements = ["DROP TRIGGER ledger_down ON outbound_messages" if postgres
                      else "DROP TRIGGER ledger_down"]
    else:
        statements = _POSTGRES_DOWN if postgres else [_SQLITE_DOWN]
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()


def test_a_mark_that_fails_stops_the_batch_before_the_next_message(app, committee, smtp, work):
    meeting, _ = committee
    _ledger_down()
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()  # each try sends the first message, fails to mark it, and stops
    first = {m.rcpt_tos for m in smtp.messages}
    assert len(first) == 1, "a message was accepted before the one before it was marked"
    assert db.session.scalar(select(func.count()).select_from(OutboundMessage).where(
        OutboundMessage.state == OutboundState.sent)) == 0
    _ledger_down(up=True)
    jobs.enqueue(jobs.send_queued, meeting.forum_id)
    work()
    rows = db.session.scalars(select(OutboundMessage)).all()
    assert {r.state for r in rows} == {OutboundState.sent}
    # Only the message in flight at each failure went twice; every other one once.
    others = [m.rcpt_tos for m in smtp.messages if m.rcpt_tos not in first]
    assert sorted(others) == sorted({m.rcpt_tos for m in smtp.messages} - first)
    assert len(others) == len(rows) - 1

