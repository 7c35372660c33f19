"""The daily retention run: every forum, then mail never tied to one."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Forum, utcnow
from app.privacy import retention
from app.privacy.retention import Purged

log = logging.getLogger(__name__)


def purge_all_forums() -> dict[str, int]:
    """Purge every forum past its retention periods, a commit each; return the totals."""
    now, total = utcnow(), Purged()
    for forum_id, slug in db.session.execute(select(Forum.id, Forum.slug)).all():
        purged = retention.purge(db.session.get(Forum, forum_id), now)
        db.session.commit()
        log.info("Retention %s: %s", slug, purged)
        total += purged
    config = current_app.config
    purged = retention.purge_unassigned(now, config["UNASSIGNED_RETENTION_DAYS"],
                                        config["INSTALLATION_AUDIT_YEARS"])
    db.session.commit()
    total += purged
    log.info("Retention, all forums: %s", total)
    return total.__dict__
