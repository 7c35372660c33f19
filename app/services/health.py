"""How the installation is doing: the database, Redis and each mailbox, for `GET /healthz`."""

from __future__ import annotations

import time
from datetime import datetime

import redis
from flask import current_app
from sqlalchemy import select, text

from app.extensions import db
from app.models import Forum, MailAccount, utcnow

#: A health check answers fast or says what is slow: never wait on a server for long.
TIMEOUT_SECONDS = 2


def report() -> dict:
    """Return the state of every part, and whether the app can serve (database and Redis)."""
    parts = {"database": _timed(_database), "redis": _timed(_redis)}
    mailboxes = _mailboxes() if parts["database"]["ok"] else []
    return {"ok": all(part["ok"] for part in parts.values()), **parts, "mailboxes": mailboxes}


def _timed(check) -> dict:
    """Run CHECK; return whether it passed, how long it took, and the error's type if not."""
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # noqa: BLE001 - any failure is the answer, never a 500
        db.session.rollback()
        return {"ok": False, "error": type(error).__name__,
                "ms": _ms_since(started)}
    return {"ok": True, "ms": _ms_since(started)}


def _ms_since(started: float) -> float:
    """Return the milliseconds since STARTED, rounded for reading."""
    return round((time.perf_counter() - started) * 1000, 1)


def _database() -> None:
    """Ask the database a question."""
    db.session.execute(text("SELECT 1"))


def _redis() -> None:
    """Ping Redis on a connection of its own, with a timeout (the queue's has none)."""
    client = redis.Redis.from_url(current_app.config["RQ_CONNECTION"],
                                  socket_timeout=TIMEOUT_SECONDS,
                                  socket_connect_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()


def _mailboxes() -> list[dict]:
    """Return each forum's mailbox: enabled, seconds since its last contact, failing."""
    now = utcnow()
    rows = db.session.execute(
        select(Forum.slug, MailAccount.is_enabled, MailAccount.last_login_dt,
               MailAccount.last_seen_dt, MailAccount.failing_since_dt)
        .join(MailAccount, MailAccount.forum_id == Forum.id)
        .order_by(Forum.slug)
    )
    return [
        {"forum": slug, "enabled": enabled,
         "last_contact_seconds": _age(now, login_dt, seen_dt),
         "failing_seconds": _age(now, failing_dt)}
        for slug, enabled, login_dt, seen_dt, failing_dt in rows
    ]


def _age(now: datetime, *moments: datetime | None) -> int | None:
    """Return the whole seconds since the latest of MOMENTS, or None when there is none."""
    known = [moment for moment in moments if moment is not None]
    return int((now - max(known)).total_seconds()) if known else None
