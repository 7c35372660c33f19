"""The outbox: follow-up jobs recorded in the transaction of the work that asks for them.

A service that decides something whose mails must follow (an answer calls in the
alternate, an agenda item is thanked for) records the job here, beside its other
changes. The edge commits both at once and then hands the rows to the queue
(`app.jobs.enqueue_all`); when the queue is away then, the sweep hands them over
later (`app.jobs.sweep_outbound`). The job deletes its rows once its mails are in
the ledger, and the ledger's dedupe keys make a job that runs twice send nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, inspect, or_, select, update

from app.extensions import db
from app.models import Followup, utcnow


def record(job: str, *args) -> Followup:
    """Record that JOB(*ARGS) must run after the commit; return the row.

    Added, not flushed: the commit writes it with the work, in one statement with
    the other follow-ups of a batch.
    """
    row = Followup(job=job, args=list(args), created_dt=utcnow())
    db.session.add(row)
    return row


def notices(notices: Iterable) -> Followup | None:
    """Record the composing and sending of NOTICES ((kind, ids...) tuples), if any."""
    found = [list(notice) for notice in notices]
    return record("send_notices", found) if found else None


def ids(rows: Iterable[Followup | None]) -> list[int]:
    """Return the ids of ROWS without loading them again (a commit expires them)."""
    found = []
    for row in rows:
        identity = inspect(row).identity if row is not None else None
        if identity is not None:  # None: never flushed, e.g. rolled back
            found.append(identity[0])
    return found


def load(followup_ids: list[int]) -> list[Followup]:
    """Return the rows among FOLLOWUP_IDS that are still to do, oldest first."""
    if not followup_ids:
        return []
    stmt = select(Followup).where(Followup.id.in_(followup_ids)).order_by(Followup.id)
    return list(db.session.scalars(stmt))


def due(waited: datetime, lost: datetime) -> list[int]:
    """Return the ids of rows no queue has had since WAITED, or whose job was lost.

    A row handed to the queue before LOST and still here was lost with the queue's
    data (a Redis restarted without its dump) or failed all its retries.
    """
    stmt = select(Followup.id).where(or_(
        Followup.enqueued_dt.is_(None) & (Followup.created_dt < waited),
        Followup.enqueued_dt < lost)).order_by(Followup.id)
    return list(db.session.scalars(stmt))


def mark_enqueued(followup_ids: list[int]) -> None:
    """Record that a queue has the jobs of FOLLOWUP_IDS now."""
    if followup_ids:
        db.session.execute(update(Followup).where(Followup.id.in_(followup_ids))
                           .values(enqueued_dt=utcnow()))


def done(followup_ids: list[int]) -> None:
    """Forget the rows of FOLLOWUP_IDS: their jobs have done their work."""
    if followup_ids:
        db.session.execute(delete(Followup).where(Followup.id.in_(followup_ids)))
