"""Purge what a forum keeps longer than it said: mail bytes and bodies, old audit events.

What stays is the ledger: who wrote or was written to, when, the subject, the kind and the
decision with its reasons. Mail still waiting for the secretary keeps its bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update

from app.extensions import db
from app.models import (
    AuditEvent,
    Forum,
    InboundMessage,
    InboundState,
    OutboundMessage,
    OutboundState,
)

#: Mail not yet decided keeps its bytes: the secretary still has to read it.
OPEN_INBOUND = (InboundState.received, InboundState.review)
DONE_OUTBOUND = (OutboundState.sent, OutboundState.failed)


@dataclass
class Purged:
    """How much one run purged."""

    inbound: int = 0
    outbound: int = 0
    audit_events: int = 0

    def __add__(self, other: Purged) -> Purged:
        return Purged(self.inbound + other.inbound, self.outbound + other.outbound,
                      self.audit_events + other.audit_events)


def purge(forum: Forum, now: datetime) -> Purged:
    """Purge FORUM's mail bytes and audit events older than its periods; flush."""
    return Purged(
        inbound=_purge_inbound(InboundMessage.forum_id == forum.id,
                               now - timedelta(days=forum.inbound_retention_days), now),
        outbound=_purge_outbound(forum.id, now - timedelta(days=forum.outbound_retention_days),
                                 now),
        audit_events=_delete_audit(AuditEvent.forum_id == forum.id,
                                   _years_before(now, forum.audit_retention_years)),
    )


def purge_unassigned(now: datetime, days: int, years: int) -> Purged:
    """Purge mail never tied to a forum, and the installation's own audit events."""
    return Purged(
        inbound=_purge_inbound(InboundMessage.forum_id.is_(None),
                               now - timedelta(days=days), now),
        audit_events=_delete_audit(AuditEvent.forum_id.is_(None), _years_before(now, years)),
    )


def _purge_inbound(which, cutoff: datetime, now: datetime) -> int:
    """Drop the bytes and bodies of decided inbound mail received before CUTOFF."""
    result = db.session.execute(
        update(InboundMessage)
        .where(which, InboundMessage.received_dt < cutoff, InboundMessage.purged_dt.is_(None),
               InboundMessage.state.notin_(OPEN_INBOUND))
        .values(raw=None, html=None, text_body=None, purged_dt=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _purge_outbound(forum_id: int, cutoff: datetime, now: datetime) -> int:
    """Drop the bytes of mail sent (or given up) before CUTOFF."""
    result = db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.forum_id == forum_id, OutboundMessage.created_dt < cutoff,
               OutboundMessage.purged_dt.is_(None), OutboundMessage.state.in_(DONE_OUTBOUND))
        .values(raw=None, purged_dt=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _delete_audit(which, cutoff: datetime) -> int:
    """Delete the audit events recorded before CUTOFF."""
    result = db.session.execute(
        delete(AuditEvent).where(which, AuditEvent.created_dt < cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _years_before(now: datetime, years: int) -> datetime:
    """Return the same moment YEARS earlier (29 February gives 28 February)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)
