"""A meeting's mail goes into the ledger in two statements, and each row gets its own id."""

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import OutboundMessage, OutboundState
from app.services.outbound import LedgerView


def _row(forum, meeting, n):
    """Return the column values of a queued invitation mail to person N."""
    return {"forum_id": forum.id, "dedupe_key": f"invitation:{meeting.id}:{n}",
            "message_id": f"m{n}@forum.test", "recipient": f"p{n}@x.test",
            "kind": "invitation", "subject": "Indkaldelse", "raw": b"Subject: x\r\n\r\nx\r\n",
            "state": OutboundState.queued, "invitation_id": None, "meeting_id": meeting.id}


@pytest.mark.parametrize("size", [3, 60])
def test_insert_returns_each_staged_rows_id_in_two_statements(app, forum, make_meeting, size):
    meeting = make_meeting()
    ledger = LedgerView(meeting.id)
    # Staged out of key order: the ids must follow the staging, not the keys' sort.
    order = list(reversed(range(size)))
    for n in order:
        ledger.stage(_row(forum, meeting, n))
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split()[0])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        ids = ledger.insert()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert statements == ["INSERT", "SELECT"]
    assert [db.session.get(OutboundMessage, i).recipient for i in ids] == [
        f"p{n}@x.test" for n in order]
    assert ledger.has(f"invitation:{meeting.id}:0")
    assert ledger.insert() == []  # nothing staged any more
