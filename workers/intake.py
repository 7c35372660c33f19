"""The edge between fetched mail and the database: store and commit, process and commit, enqueue.

Every message goes through two transactions. The first stores the raw bytes (receive), so
nothing fetched is lost once it commits. The second applies the message (process) only when
its row is still "received", so a message fetched again after a crash is never applied twice.
Follow-ups are recorded in the second transaction and enqueued after its commit, as
everywhere in the app; what the queue does not take then, the sweep enqueues later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import Forum, InboundMessage, InboundState, utcnow
from app.services import inbound_store

log = logging.getLogger(__name__)

#: The database went away or is locked: retry later rather than blame the message.
TRANSIENT = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class Item:
    """One fetched message, or only the headers of one too large to fetch."""

    raw: bytes | None
    size: int
    uid: int | None = None
    headers: bytes = b""
    #: The size limit an oversized message broke, for the reason shown to the secretary.
    limit: int | None = None

    @property
    def is_oversized(self) -> bool:
        """Tell whether only the headers were fetched."""
        return self.raw is None


def _inbound():
    """Return the inbound service, imported late so tests and tools may stand in for it."""
    from app.services import inbound

    return inbound


def _store_all(items: Sequence[Item], mailbox: str | None, uidvalidity: int | None,
               forum_id: int | None) -> list[int | None]:
    """Add the rows of ITEMS (or find their duplicates); return their ids, in order."""
    whole = [n for n, item in enumerate(items) if not item.is_oversized]
    stored = inbound_store.receive_all([items[n].raw for n in whole],
                                       [items[n].uid for n in whole], mailbox=mailbox,
                                       uidvalidity=uidvalidity, forum_id=forum_id)
    ids: list[int | None] = [None] * len(items)
    for n, (row_id, _created) in zip(whole, stored, strict=True):
        ids[n] = row_id
    for n, item in enumerate(items):
        if item.is_oversized:
            ids[n] = _inbound().receive_oversized(
                item.size, mailbox=mailbox, uid=item.uid, uidvalidity=uidvalidity,
                headers=item.headers, limit=item.limit, forum_id=forum_id).id
    return ids


def store(items: Sequence[Item], mailbox: str | None, uidvalidity: int | None,
          forum_id: int | None = None) -> list[int | None]:
    """Store ITEMS and commit; return their row ids, None where a message could not be stored.

    FORUM_ID: the forum whose own mailbox this is, for mail that names no forum.
    """
    try:
        ids = _store_all(items, mailbox, uidvalidity, forum_id)
        db.session.commit()
        return ids
    except TRANSIENT:
        db.session.rollback()
        raise
    except Exception:
        db.session.rollback()
        if len(items) == 1:
            log.exception("Could not store message UID %s of %s", items[0].uid, mailbox)
            return [None]
    # One bad message must not hold back the others: store them one by one.
    log.warning("Storing %d messages of %s together failed; storing them one by one",
                len(items), mailbox)
    return [store([item], mailbox, uidvalidity, forum_id)[0] for item in items]


def apply(row_ids: Sequence[int | None], stop: threading.Event | None = None) -> int:
    """Process the rows still "received" in one transaction; return how many ids were handled."""
    # In order; once STOP is set the rest stays "received" and is processed next time. When
    # process() raises, the batch is done again one by one, so only that message is quarantined.
    rows = _load(row_ids)
    forums = list(db.session.scalars(select(Forum)))
    batch = _inbound().Batch([rows[i] for i in row_ids if i in rows], forums)
    followups: list = []
    handled = 0
    try:
        for row_id in row_ids:
            if stop is not None and stop.is_set():
                break
            row = rows.get(row_id)
            if row is not None and row.state is InboundState.received:
                followups.extend(_inbound().process(row, forums, batch) or ())
            handled += 1
        followups.extend(batch.finish())
        db.session.commit()
    except TRANSIENT:
        db.session.rollback()
        raise
    except Exception:
        db.session.rollback()
        return _apply_each(row_ids, stop)
    enqueue(followups)
    return handled


def _load(row_ids: Sequence[int | None]) -> dict[int, InboundMessage]:
    """Return the rows of ROW_IDS by id, loaded in one query."""
    wanted = {row_id for row_id in row_ids if row_id is not None}
    if not wanted:
        return {}
    # process() reads the raw bytes of each: load them now rather than one query each.
    stmt = (select(InboundMessage).where(InboundMessage.id.in_(wanted))
            .options(undefer(InboundMessage.raw)))
    rows = db.session.scalars(stmt)
    return {row.id: row for row in rows}


def _apply_each(row_ids: Sequence[int | None], stop: threading.Event | None) -> int:
    """Process each row in a transaction of its own; return how many ids were handled."""
    for handled, row_id in enumerate(row_ids):
        if stop is not None and stop.is_set():
            return handled
        if row_id is not None:
            apply_one(row_id)
    return len(row_ids)


def apply_one(row_id: int) -> None:
    """Process one row if it is still "received" and commit; quarantine it when process fails."""
    row = db.session.get(InboundMessage, row_id)
    if row is None or row.state is not InboundState.received:
        return
    try:
        followups = _inbound().process(row) or []
        db.session.commit()
    except TRANSIENT:
        db.session.rollback()
        raise
    except Exception as error:
        db.session.rollback()
        quarantine(row_id, error)
        return
    enqueue(followups)


def quarantine(row_id: int, error: BaseException) -> None:
    """Mark the row quarantined with ERROR as its reason, in a transaction of its own."""
    log.error("Quarantined inbound message %s: process() failed", row_id, exc_info=error)
    row = db.session.get(InboundMessage, row_id)
    row.state = InboundState.quarantined
    row.reason = f"Processing failed: {type(error).__name__}: {error}"[:2000]
    if row.forum_id is None:  # never routed: its headers may still name the forum
        row.forum_id = _inbound().forum_of_headers(row.raw)
    row.decided_dt = utcnow()
    db.session.commit()


def enqueue(followups: list) -> None:
    """Hand the follow-ups of committed work to the queue; never raises.

    They were committed with the work, so a queue that is away loses nothing: the
    sweep enqueues what is still waiting (app.jobs.sweep_outbound).
    """
    if not followups:
        return
    from app import jobs

    try:
        jobs.enqueue_all(followups)
    except Exception:  # noqa: BLE001 - recorded already: the sweep takes them up
        log.exception("Could not enqueue %d follow-up(s); the sweep will", len(followups))
