"""Record who did what."""

from __future__ import annotations

from app.extensions import db
from app.models import AuditEvent


def record(forum_id: int | None, actor: str, action: str, target, **details) -> AuditEvent:
    """Add an audit event for ACTION by ACTOR on TARGET (a model instance)."""
    event = AuditEvent(
        forum_id=forum_id,
        actor=actor,
        action=action,
        target_type=type(target).__name__,
        target_id=getattr(target, "id", None),
        details={k: _plain(v) for k, v in details.items()} or None,
    )
    db.session.add(event)
    return event


def _plain(value):
    """Return VALUE as something JSON can hold."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
