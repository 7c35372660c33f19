"""One job at a time sends a forum's mail: a lock per forum in the jobs' Redis.

Several job workers run side by side (JOB_WORKERS). Two of them may hold the same
queued messages (the job and its sweep, a job enqueued twice); each reads what is
still queued only once it holds its forum's lock, so no message leaves twice, and
the forum's rate limit counts everything its mailbox has sent.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

from flask import current_app
from redis.exceptions import LockError

from app.extensions import rq

log = logging.getLogger(__name__)


class SendBusy(Exception):
    """Another job has been sending the forum's mail for longer than we wait."""


class ForumLock:
    """A held lock on a forum's sending, kept alive while a batch goes out."""

    def __init__(self, lock, seconds: int) -> None:
        self._lock = lock
        self._seconds = seconds
        self._renewed = time.monotonic()

    def keep(self) -> None:
        """Renew the lock once a third of its time has passed (a slow server, a long batch)."""
        now = time.monotonic()
        if now - self._renewed > self._seconds / 3:
            self._lock.reacquire()
            self._renewed = now


@contextlib.contextmanager
def sending(forum_id: int) -> Iterator[ForumLock]:
    """Hold FORUM_ID's send lock for the block; raise SendBusy when it cannot be had."""
    config = current_app.config
    seconds = config["SEND_LOCK_SECONDS"]
    lock = rq.queue.connection.lock(f"forumpost:sending:{forum_id}", timeout=seconds,
                                    blocking_timeout=config["SEND_LOCK_WAIT_SECONDS"])
    if not lock.acquire():
        raise SendBusy(f"another job is sending forum {forum_id}'s mail; tried again later")
    try:
        yield ForumLock(lock, seconds)
    finally:
        try:
            lock.release()
        except LockError:
            # It expired while we sent: say so, a second sender may have started.
            log.warning("The send lock of forum %s expired before the batch ended", forum_id)
