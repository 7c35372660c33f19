"""Flush only what a read depends on.

A batch of inbound mail changes a row per message; letting every lookup flush
the session would write each of those rows on its own (a statement, and on
PostgreSQL a round trip, per message). Reads wrapped here flush first only
when the session holds changes to the models they read; everything else is
written once, at the batch's commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain

from app.extensions import db


@contextmanager
def reading(*models: type) -> Iterator[None]:
    """Run a read of MODELS with their pending changes flushed, and nothing else."""
    session = db.session
    with session.no_autoflush:
        changed = chain(session.new, session.dirty, session.deleted)
        if any(isinstance(obj, models) for obj in changed):
            session.flush()
        yield
