"""Marks go straight to the driver's cursor and read back as the ORM wrote them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import OutboundMessage, OutboundState
from app.services import driver, outbound
from app.services.outbound import LedgerView


def _queued(forum, meeting, count=2) -> list[int]:
    """Queue COUNT rows for MEETING and commit; return their ids."""
    ledger = LedgerView(meeting.id)
    for n in range(count):
        ledger.stage({"forum_id": forum.id, "dedupe_key": f"mark:{meeting.id}:{n}",
                      "message_id": f"m{n}@forum.test", "recipient": f"p{n}@x.test",
                      "kind": "invitation", "subject": "Indkaldelse", "raw": b"x",
                      "state": OutboundState.queued, "invitation_id": None,
                      "meeting_id": meeting.id})
    ids = ledger.insert()
    db.session.commit()
    return ids


def _row(message_id: int) -> OutboundMessage:
    """Return the ledger row as the ORM reads it now."""
    db.session.expire_all()
    return db.session.get(OutboundMessage, message_id)


def test_a_mark_commits_by_itself_and_reads_back_as_the_orm_writes(app, forum,
                                                                  make_meeting):
    sent, retried = _queued(forum, make_meeting())
    before = datetime.now(UTC)
    with outbound.ledger_connection() as ledger:
        outbound.mark_failed(ledger, retried, "451 4.3.0 try later", permanent=False)
        outbound.mark_sent(ledger, retried)
        outbound.mark_sent(ledger, sent)
        # No commit: each mark was durable the moment it returned.
    row = _row(sent)
    assert row.state is OutboundState.sent and row.attempts == 1 and row.error is None
    assert row.sent_dt.tzinfo is not None
    assert before - timedelta(seconds=1) <= row.sent_dt <= datetime.now(UTC)
    again = _row(retried)
    assert again.state is OutboundState.sent and again.attempts == 2
    assert again.error is None  # the earlier refusal no longer stands


def test_a_permanent_refusal_marks_the_row_failed_with_its_reason(app, forum, make_meeting):
    (message_id,) = _queued(forum, make_meeting(), count=1)
    with outbound.ledger_connection() as ledger:
        outbound.mark_failed(ledger, message_id, "550 5.1.1 Ukendt modtager", permanent=True)
    row = _row(message_id)
    assert row.state is OutboundState.failed and row.attempts == 1
    assert row.error == "550 5.1.1 Ukendt modtager" and row.sent_dt is None


def test_a_mark_that_fails_invalidates_its_connection(app, forum, make_meeting):
    (message_id,) = _queued(forum, make_meeting(), count=1)
    with outbound.ledger_connection() as ledger:
        with pytest.raises(ledger.dialect.loaded_dbapi.Error):
            driver.execute(ledger, text("UPDATE no_such_table SET x = 1"), {})
        # Not handed back to the pool as it was: the next job gets a sound connection.
        assert ledger.invalidated
    with outbound.ledger_connection() as ledger:
        outbound.mark_sent(ledger, message_id)
    assert _row(message_id).state is OutboundState.sent
