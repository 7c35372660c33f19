"""The outbound ledger: every mail is a row before it leaves, and marked after."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, case, func, insert, select, update

from app.extensions import db
from app.mail.messages import Outgoing
from app.models import Forum, OutboundMessage, OutboundState, utcnow
from app.services import driver


def find(dedupe_key: str) -> OutboundMessage | None:
    """Return the ledger row for DEDUPE_KEY, if the mail was ever queued."""
    return db.session.scalars(select(OutboundMessage).filter_by(dedupe_key=dedupe_key)).first()


def queue(
    forum: Forum,
    dedupe_key: str,
    message: EmailMessage | Outgoing,
    kind: str,
    invitation_id: int | None = None,
    meeting_id: int | None = None,
) -> tuple[OutboundMessage, bool]:
    """Record MESSAGE as queued unless DEDUPE_KEY was queued before; return (row, created)."""
    existing = find(dedupe_key)
    if existing is not None:
        return existing, False
    row = OutboundMessage(**values(forum.id, dedupe_key, message, kind, invitation_id,
                                   meeting_id))
    db.session.add(row)
    db.session.flush()
    return row, True


def values(forum_id: int, dedupe_key: str, message: EmailMessage | Outgoing, kind: str,
           invitation_id: int | None, meeting_id: int | None) -> dict:
    """Return the column values of a queued ledger row for MESSAGE."""
    out = message if isinstance(message, Outgoing) else Outgoing.of(message)
    return {"forum_id": forum_id, "dedupe_key": dedupe_key, "message_id": out.message_id,
            "recipient": out.recipient, "kind": kind, "subject": out.subject, "raw": out.raw,
            "state": OutboundState.queued, "invitation_id": invitation_id,
            "meeting_id": meeting_id}


_SENT_SINCE = select(func.count(OutboundMessage.id)).where(
    OutboundMessage.forum_id == bindparam("forum_id"),
    OutboundMessage.state == OutboundState.sent,
    OutboundMessage.sent_dt >= bindparam("since"),
)


def sent_last_minute(forum_id: int) -> int:
    """Return how many messages FORUM sent in the last 60 seconds."""
    since = utcnow() - timedelta(seconds=60)
    return db.session.scalar(_SENT_SINCE, {"forum_id": forum_id, "since": since}) or 0


class Pending(NamedTuple):
    """What sending one queued message needs, read before the first commit expires rows."""

    id: int
    forum_id: int
    recipient: str
    kind: str
    raw: bytes


#: The send queue's order by ledger kind: calendar mail first (invitations, updates and
#: cancellations must not wait behind a flood of receipts), acknowledgements last,
#: everything else between. Within a rank the oldest goes first.
URGENT = ("invitation", "cancellation", "alternate_released")
ACKNOWLEDGEMENTS = ("confirmation", "agenda_receipt", "agenda_approved", "agenda_rejected",
                    "address_bouncing")
PRIORITY = dict.fromkeys(URGENT, 0) | dict.fromkeys(ACKNOWLEDGEMENTS, 2)
_RANK = case(PRIORITY, value=OutboundMessage.kind, else_=1)
#: A message the server refused for now waits behind fresh ones of its rank, so a
#: mailbox that keeps saying "try later" does not hold up every batch.
_TRIED = case((OutboundMessage.attempts > 0, 1), else_=0)
_ORDER = (_RANK, _TRIED, OutboundMessage.id)

_FORUM_QUEUE = (
    select(OutboundMessage.id, OutboundMessage.forum_id, OutboundMessage.recipient,
           OutboundMessage.kind, OutboundMessage.raw)
    .where(OutboundMessage.forum_id == bindparam("forum_id"),
           OutboundMessage.state == OutboundState.queued)
    .order_by(*_ORDER)
    .limit(bindparam("limit"))
)


def forum_queue(forum_id: int, budget: int) -> tuple[list[Pending], bool]:
    """Return the first BUDGET messages FORUM_ID has queued, in the order they should
    leave, and whether more are waiting behind them."""
    # One row past the budget says whether the rest must wait, without reading the
    # whole queue.
    rows = [Pending(*row) for row in
            db.session.execute(_FORUM_QUEUE, {"forum_id": forum_id, "limit": budget + 1})]
    return rows[:budget], len(rows) > budget


_QUEUED_FORUMS = (
    select(OutboundMessage.forum_id, OutboundMessage.id)
    .where(OutboundMessage.id.in_(bindparam("ids", expanding=True)),
           OutboundMessage.state == OutboundState.queued)
)


def queued_by_forum(ids: list[int]) -> dict[int, list[int]]:
    """Return the still-queued messages among IDS, as ids by forum."""
    found: dict[int, list[int]] = {}
    for forum_id, message_id in db.session.execute(_QUEUED_FORUMS, {"ids": list(ids)}):
        found.setdefault(forum_id, []).append(message_id)
    return found


def ledger_connection() -> Connection:
    """Return a connection on which every statement commits by itself, for marks."""
    return db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def mark_sent(ledger: Connection, message_id: int) -> None:
    """Record on LEDGER (a ledger_connection(): it commits at once) that the server
    accepted the message MESSAGE_ID."""
    driver.execute(ledger, _MARK, {"b_message_id": message_id, "b_state": OutboundState.sent,
                                   "b_sent_dt": utcnow(), "b_error": None})


def mark_failed(ledger: Connection, message_id: int, error: str, permanent: bool) -> None:
    """Record on LEDGER a failed attempt; a permanent failure is not tried again."""
    driver.execute(ledger, _MARK_FAILED, {"b_message_id": message_id, "b_error": error[:2000],
                                          "b_state": OutboundState.failed if permanent
                                          else OutboundState.queued})


# A batch marks each message and commits on a connection it holds throughout
# (jobs._deliver): through a session, checking a connection out, pinging it and
# building the statement anew would cost more than the SMTP conversation. The marks
# go to the driver's cursor (app.services.driver).
_TABLE = OutboundMessage.__table__
_MARK = (update(_TABLE).where(_TABLE.c.id == bindparam("b_message_id"))
         .values(attempts=_TABLE.c.attempts + 1, state=bindparam("b_state"),
                 sent_dt=bindparam("b_sent_dt"), error=bindparam("b_error")))
_MARK_FAILED = (update(_TABLE).where(_TABLE.c.id == bindparam("b_message_id"))
                .values(attempts=_TABLE.c.attempts + 1, state=bindparam("b_state"),
                        error=bindparam("b_error")))


# A meeting's rows go in as one executemany, and their ids are read back by key: on
# PostgreSQL, one INSERT ... RETURNING of twenty rows with their bytes is a statement of
# some 280 parameters, which psycopg converts anew each time (it caches only short
# ones); the executemany is prepared once and pipelined.
_INSERT = insert(_TABLE)
_IDS = select(_TABLE.c.dedupe_key, _TABLE.c.id).where(
    _TABLE.c.dedupe_key.in_(bindparam("keys", expanding=True)))


def requeue(row: OutboundMessage) -> None:
    """Queue a failed message again, for the secretary's 'resend'."""
    row.state, row.error = OutboundState.queued, None


class LedgerView:
    """What the ledger holds for one meeting, read in one query.

    Sending to a whole meeting asks "was this queued before?" once per person;
    answering from memory keeps that to one query per meeting.
    """

    _STATEMENT = select(OutboundMessage.id, OutboundMessage.dedupe_key,
                        OutboundMessage.invitation_id, OutboundMessage.kind,
                        OutboundMessage.state).where(
                            OutboundMessage.meeting_id == bindparam("meeting_id"))

    def __init__(self, meeting_id: int) -> None:
        self.keys: set[str] = set()
        self._staged: list[dict] = []
        self.counts: dict[tuple[int | None, str], int] = {}
        self._waiting: dict[str, list[int]] = {}
        for row_id, key, invitation_id, kind, state in db.session.execute(
                self._STATEMENT, {"meeting_id": meeting_id}):
            self._note(key, invitation_id, kind)
            if state is OutboundState.queued:
                self._waiting.setdefault(kind, []).append(row_id)

    def _note(self, key: str, invitation_id: int | None, kind: str) -> None:
        """Remember one row."""
        self.keys.add(key)
        self.counts[(invitation_id, kind)] = self.counts.get((invitation_id, kind), 0) + 1

    def waiting(self, kind: str) -> list[int]:
        """Return the ids of the rows of KIND that were still queued when the view was
        read: mail an earlier try left unsent."""
        return list(self._waiting.get(kind, ()))

    def has(self, key: str) -> bool:
        """Tell whether KEY was queued."""
        return key in self.keys

    def count(self, invitation_id: int, kind: str) -> int:
        """Return how many mails of KIND were queued for the invitation."""
        return self.counts.get((invitation_id, kind), 0)

    def stage(self, row: dict) -> dict:
        """Remember ROW (column values) for insert(), and that its key is queued now."""
        self._staged.append(row)
        self._note(row["dedupe_key"], row["invitation_id"], row["kind"])
        return row

    def insert(self) -> list[int]:
        """Insert the staged rows; return their ids, in the order they were staged."""
        # Through Core: the ids are all the callers need, and the ORM's bulk path
        # (objects, identity map) cost as much as the SQL.
        staged, self._staged = self._staged, []
        if not staged:
            return []
        db.session.execute(_INSERT, staged)
        keys = [row["dedupe_key"] for row in staged]
        ids = dict(db.session.execute(_IDS, {"keys": keys}).all())
        return [ids[key] for key in keys]
