"""RQ jobs for the forum's rules: the daily look at terms and vacancies.

Plain functions of ids, idempotent: every notice has a dedupe key in the ledger,
so running a day twice (or a retry after a crash) sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.models import Forum, OutboundMessage, OutboundState, utcnow
from app.services import terms
from app.services.meetings import local_day

log = logging.getLogger(__name__)


def check_terms(forum_id: int, today_iso: str) -> int:
    """Queue and send the term and vacancy notices due on TODAY_ISO; return how many left."""
    forum = db.session.get(Forum, forum_id)
    if forum is None:
        return 0
    today = date.fromisoformat(today_iso)
    rows = terms.queue_term_notices(forum, today) + terms.queue_vacancy_notices(forum, today)
    db.session.commit()
    log.info("Rules of %s on %s: %d notices queued", forum.slug, today_iso, len(rows))
    return jobs.send_outbound(sorted({row.id for row in rows} | set(_still_queued(forum_id))))


def _still_queued(forum_id: int) -> list[int]:
    """Return ids of the forum's notices that an earlier try left queued."""
    stmt = select(OutboundMessage.id).where(OutboundMessage.forum_id == forum_id,
                                            OutboundMessage.kind.in_(terms.KINDS),
                                            OutboundMessage.state == OutboundState.queued)
    return list(db.session.scalars(stmt))


def check_all_forums() -> int:
    """Run the daily check of every forum, each on its own local date (cron, once a day)."""
    active = select(Forum).where(Forum.archived_dt.is_(None))  # archived: history only
    forums = [(f.id, local_day(f, utcnow()).isoformat()) for f in db.session.scalars(active)]
    return sum(check_terms(forum_id, day) for forum_id, day in forums)
