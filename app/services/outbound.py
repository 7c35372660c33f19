"""The outbound ledger: every mail is a row before it leaves, and marked after."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP

from sqlalchemy import func, select

from app.extensions import db
from app.models import Forum, OutboundMessage, OutboundState, utcnow


def find(dedupe_key: str) -> OutboundMessage | None:
    """Return the ledger row for DEDUPE_KEY, if the mail was ever queued."""
    return db.session.scalars(select(OutboundMessage).filter_by(dedupe_key=dedupe_key)).first()


def queue(
    forum: Forum,
    dedupe_key: str,
    message: EmailMessage,
    kind: str,
    invitation_id: int | None = None,
    meeting_id: int | None = None,
    known_new: bool = False,
) -> tuple[OutboundMessage, bool]:
    """Record MESSAGE as queued unless DEDUPE_KEY was queued before; return (row, created).

    KNOWN_NEW skips the lookup when the caller has already checked the key.
    """
    existing = None if known_new else find(dedupe_key)
    if existing is not None:
        return existing, False
    row = OutboundMessage(
        forum_id=forum.id,
        dedupe_key=dedupe_key,
        message_id=message["Message-ID"].strip().strip("<>"),
        recipient=_recipient(message),
        kind=kind,
        subject=str(message["Subject"]),
        raw=message.as_bytes(policy=SMTP),
        state=OutboundState.queued,
        invitation_id=invitation_id,
        meeting_id=meeting_id,
    )
    db.session.add(row)
    if not known_new:
        db.session.flush()  # a batch flushes once, at its commit
    return row, True


def _recipient(message: EmailMessage) -> str:
    """Return the single address MESSAGE is to."""
    return message["To"].addresses[0].addr_spec.lower()


def due(forum_id: int | None = None, ids: list[int] | None = None) -> list[OutboundMessage]:
    """Return queued messages, oldest first (optionally of one forum, or these ids)."""
    stmt = select(OutboundMessage).filter_by(state=OutboundState.queued)
    if forum_id is not None:
        stmt = stmt.filter_by(forum_id=forum_id)
    if ids is not None:
        stmt = stmt.where(OutboundMessage.id.in_(ids))
    return list(db.session.scalars(stmt.order_by(OutboundMessage.id)))


def sent_last_minute(forum_id: int) -> int:
    """Return how many messages FORUM sent in the last 60 seconds."""
    since = utcnow() - timedelta(seconds=60)
    stmt = select(func.count(OutboundMessage.id)).where(
        OutboundMessage.forum_id == forum_id,
        OutboundMessage.state == OutboundState.sent,
        OutboundMessage.sent_dt >= since,
    )
    return db.session.scalar(stmt) or 0


def mark_sent(row: OutboundMessage) -> None:
    """Record that the server accepted ROW."""
    row.state, row.sent_dt, row.error = OutboundState.sent, utcnow(), None
    row.attempts += 1


def mark_failed(row: OutboundMessage, error: str, permanent: bool) -> None:
    """Record a failed attempt; a permanent failure is not tried again."""
    row.attempts += 1
    row.error = error[:2000]
    if permanent:
        row.state = OutboundState.failed


def requeue(row: OutboundMessage) -> None:
    """Queue a failed message again, for the secretary's 'resend'."""
    row.state, row.error = OutboundState.queued, None


class LedgerView:
    """What the ledger holds for one meeting, read in one query.

    Sending to a whole meeting asks "was this queued before?" once per person;
    answering from memory keeps that to one query per meeting.
    """

    def __init__(self, meeting_id: int) -> None:
        stmt = select(OutboundMessage.dedupe_key, OutboundMessage.invitation_id,
                      OutboundMessage.kind).filter_by(meeting_id=meeting_id)
        self.keys: set[str] = set()
        self.counts: dict[tuple[int | None, str], int] = {}
        for key, invitation_id, kind in db.session.execute(stmt):
            self._note(key, invitation_id, kind)

    def _note(self, key: str, invitation_id: int | None, kind: str) -> None:
        """Remember one row."""
        self.keys.add(key)
        self.counts[(invitation_id, kind)] = self.counts.get((invitation_id, kind), 0) + 1

    def has(self, key: str) -> bool:
        """Tell whether KEY was queued."""
        return key in self.keys

    def count(self, invitation_id: int, kind: str) -> int:
        """Return how many mails of KIND were queued for the invitation."""
        return self.counts.get((invitation_id, kind), 0)

    def add(self, row: OutboundMessage) -> None:
        """Remember a row just queued."""
        self._note(row.dedupe_key, row.invitation_id, row.kind)
