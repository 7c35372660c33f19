"""Mail quarantined before it could be routed still finds its forum from its headers."""

from app.extensions import db
from app.models import InboundState
from app.services import inbound
from workers import intake


def _headers(to: str) -> bytes:
    return f"From: a@b.test\r\nTo: {to}\r\nSubject: Stor fil\r\n\r\n".encode()


def test_an_oversized_message_is_routed_from_its_headers(app, forum, make_forum):
    other = make_forum()
    row = inbound.receive_oversized(30_000_000, mailbox="INBOX", uid=1, uidvalidity=1,
                                    headers=_headers(other.agenda_address), limit=25_000_000)
    assert row.forum_id == other.id and row.state is InboundState.quarantined


def test_an_oversized_message_of_a_forums_own_mailbox_is_that_forums(app, forum, make_forum):
    make_forum()
    row = inbound.receive_oversized(30_000_000, mailbox="INBOX", uid=2, uidvalidity=1,
                                    headers=_headers("someone@else.test"), forum_id=forum.id)
    assert row.forum_id == forum.id


def test_an_oversized_message_of_no_known_forum_is_unassigned(app, forum, make_forum):
    make_forum()  # with two forums, no guess
    row = inbound.receive_oversized(30_000_000, mailbox="INBOX", uid=3, uidvalidity=1,
                                    headers=_headers("someone@else.test"))
    assert row.forum_id is None and row.state is InboundState.quarantined


def test_a_message_that_failed_processing_is_routed_from_its_headers(app, forum, make_forum):
    other = make_forum()
    row, _ = inbound.receive(_headers(other.sender_address) + b"Hej\r\n")
    db.session.commit()
    intake.quarantine(row.id, RuntimeError("boom"))
    db.session.expire_all()
    assert row.forum_id == other.id and row.state is InboundState.quarantined
