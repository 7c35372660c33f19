"""The outbox's jobs: hand recorded follow-ups to the queue, run them, sweep up the rest.

A follow-up is recorded in the transaction of the work that asks for it
(`app.services.followups`), so a queue that is away at the commit loses nothing:
`release` tries at once, and `sweep` (from the cron's `sweep_outbound`) tries
again later. A follow-up runs as `run_followups(ids)`, a job of ids like any other,
which deletes the rows in the transaction that puts their mails in the ledger.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from app import jobs
from app.extensions import db
from app.models import Followup, utcnow
from app.services import followups
from app.services import notices as notices_service

log = logging.getLogger(__name__)

#: A follow-up handed to the queue this long ago and still not done was lost with the
#: queue's data, or failed all its retries: the sweep hands it over again.
LOST_AFTER = timedelta(hours=1)


def _jobs() -> dict[str, Callable]:
    """Return the jobs a follow-up may name, by name."""
    return {"send_notices": jobs.send_notices, "send_invitations": jobs.send_invitations,
            "send_cancellations": jobs.send_cancellations}


def release(rows: Iterable[Followup | None]) -> bool:
    """Hand the follow-ups of committed work to the queue; call only after the commit.

    The follow-ups of a whole batch (a mailbox check's receipts and confirmations)
    go in one job: a job per message would cost the mail worker more than deciding
    the message. Never raises: what the queue did not take waits for the sweep.
    """
    return _hand_over(followups.ids(rows))


def _hand_over(followup_ids: list[int]) -> bool:
    """Enqueue one job for FOLLOWUP_IDS and mark them enqueued; tell whether it worked."""
    if not followup_ids:
        return False
    try:
        jobs.enqueue(run_followups, followup_ids)
    except Exception:  # noqa: BLE001 - the queue is away: the rows stay for the sweep
        log.warning("The queue did not take %d follow-up(s); the sweep will enqueue them",
                    len(followup_ids), exc_info=True)
        return False
    try:
        followups.mark_enqueued(followup_ids)
        db.session.commit()
    except SQLAlchemyError:
        # Enqueued but not marked: the sweep enqueues them again, and the job is idempotent.
        db.session.rollback()
        log.warning("Could not mark %d follow-up(s) enqueued", len(followup_ids),
                    exc_info=True)
    return True


def run_followups(followup_ids: list[int]) -> int:
    """Run the recorded follow-ups still to do and forget them; return how many mails left.

    Rows another run has done already are gone, so a job enqueued twice (by the
    edge and the sweep) does its work once; the ledger's dedupe keys cover the rest.
    """
    rows = followups.load(followup_ids)
    notice_rows = [row for row in rows if row.job == "send_notices"]
    others = [(row.id, row.job, list(row.args)) for row in rows if row.job != "send_notices"]
    sent = 0
    if notice_rows:
        notices = [notice for row in notice_rows for notice in row.args[0]]
        ledger_ids = jobs.queued_ids(notices_service.queue(notices))
        # The mails are in the ledger now: forget the follow-ups in the same commit.
        followups.done([row.id for row in notice_rows])
        db.session.commit()
        sent += jobs.send_outbound(ledger_ids)
    known = _jobs()
    for row_id, name, args in others:
        sent += known[name](*args) or 0
        followups.done([row_id])
        db.session.commit()
    return sent


def sweep(waited_seconds: int) -> int:
    """Enqueue the follow-ups no queue took WAITED_SECONDS after their commit, and the
    lost ones; return how many."""
    now = utcnow()
    waiting = followups.due(now - timedelta(seconds=waited_seconds), now - LOST_AFTER)
    if waiting:
        log.info("Sweeping %d follow-up(s) the queue never ran", len(waiting))
        _hand_over(waiting)
    return len(waiting)
