"""The outbox of follow-up jobs: what must happen after a commit, recorded in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class Followup(Base):
    """One job that committed work asked for, kept until the job has done it.

    Written in the same transaction as the work (an applied answer, an agenda item),
    so a queue that is away at the commit loses nothing: the sweep enqueues what is
    still here. The job deletes the row when it is done.
    """

    __tablename__ = "followups"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The job's name in `app.jobs.FOLLOWUP_JOBS`, e.g. "send_notices".
    job: Mapped[str] = mapped_column(String(64))
    #: The job's positional arguments, plain JSON (ids, notice tuples as lists).
    args: Mapped[list] = mapped_column(JSON)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When it was last handed to the queue; None while no queue has it.
    enqueued_dt: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
