"""Store fetched mail in a few statements: the same bytes once, a repeated Message-ID ignored."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import InboundMessage, InboundState

# Rows go in through Core, not the unit of work: a worker stores a few hundred messages
# at once and needs only their ids. The ORM would also send every unset column as NULL,
# and on PostgreSQL one INSERT of a chunk's rows and thousands of parameters cost psycopg
# more to convert than the rows cost the database (store 85 -> 15 ms a chunk of 200).
_TABLE = InboundMessage.__table__


def receive_all(raws: Sequence[bytes], uids: Sequence[int | None] | None = None, *,
                mailbox: str | None = None, uidvalidity: int | None = None,
                forum_id: int | None = None) -> list[tuple[int, bool]]:
    """Store RAWS, in order; return each one's row id and whether it was stored now.

    The same bytes are stored once: again, in this chunk or later, they give the
    first one's row (not stored now). A Message-ID stored before, or earlier in
    RAWS, is the same message by another route (To and Cc both ours): stored, but
    ignored as a duplicate of the earliest, so it is never applied twice.
    FORUM_ID is the forum whose own mailbox RAWS came from.
    """
    uids = list(uids) if uids is not None else [None] * len(raws)
    digests = [hashlib.sha256(raw).hexdigest() for raw in raws]
    ids = _ids_by(_TABLE.c.sha256, set(digests))
    rows: dict[str, dict] = {}  # digest -> the row to store, in order
    stored_at: dict[str, int] = {}  # digest -> the place in RAWS whose row it is
    twins: dict[str, str] = {}  # digest -> digest of the earlier row in RAWS it repeats
    first: dict[str, str] = {}  # Message-ID -> digest of its first row in RAWS
    for n, (raw, uid, digest) in enumerate(zip(raws, uids, digests, strict=True)):
        if digest in ids or digest in rows:
            continue
        row = rows[digest] = _row(raw, digest, uid, mailbox, uidvalidity, forum_id)
        stored_at[digest] = n
        if row["message_id"] is not None:
            twins_of = first.setdefault(row["message_id"], digest)
            if twins_of != digest:
                twins[digest] = twins_of
    earliest = _ids_by(_TABLE.c.message_id, {r["message_id"] for r in rows.values()} - {None})
    for row in rows.values():
        if row["message_id"] in earliest:
            _ignore(row, earliest[row["message_id"]])
    # A row repeating one of this chunk needs that one's id: stored after it.
    _insert([row for digest, row in rows.items() if digest not in twins])
    ids.update(_ids_by(_TABLE.c.sha256, rows.keys() - twins.keys()))
    for digest, earlier in twins.items():
        if rows[digest]["state"] is InboundState.received:
            _ignore(rows[digest], ids[earlier])
    _insert([rows[digest] for digest in twins])
    ids.update(_ids_by(_TABLE.c.sha256, twins.keys()))
    return [(ids[digest], stored_at.get(digest) == n) for n, digest in enumerate(digests)]


def _row(raw: bytes, digest: str, uid: int | None, mailbox: str | None,
         uidvalidity: int | None, forum_id: int | None) -> dict:
    """Return the values of a new row for RAW, "received"."""
    headers = read_headers(raw)
    return {"sha256": digest, "raw": raw, "size": len(raw), "mailbox": mailbox,
            "imap_uid": uid, "imap_uidvalidity": uidvalidity,
            "message_id": _message_id(headers), "forum_id": forum_id,
            "sender": short(headers.get("From"), 254),
            "subject": short(headers.get("Subject"), 2000),
            "state": InboundState.received, "reason": None}


def _ignore(row: dict, twin_id: int) -> None:
    """Make ROW a duplicate of the message TWIN_ID: kept, never applied."""
    row["state"], row["reason"] = InboundState.ignored, f"duplicate of message #{twin_id}"


def _insert(rows: list[dict]) -> None:
    """Insert ROWS in one executemany (on PostgreSQL one pipeline, its SQL prepared)."""
    if rows:
        db.session.execute(insert(_TABLE), rows)


def _ids_by(column, values: Collection) -> dict:
    """Return the id of the earliest row for each of VALUES of COLUMN that is stored."""
    if not values:
        return {}
    stmt = (select(column, func.min(_TABLE.c.id)).where(column.in_(list(values)))
            .group_by(column))
    return dict(db.session.execute(stmt).all())


def _message_id(headers: dict[str, str]) -> str | None:
    """Return the Message-ID among HEADERS, without angle brackets, or None."""
    return (headers.get("Message-ID") or "").strip().strip("<>")[:998] or None


def read_headers(raw: bytes) -> dict[str, str]:
    """Return a few headers of RAW as plain strings, whatever their state."""
    try:
        parsed = BytesHeaderParser(policy=compat32).parsebytes(raw[:65536])
        return {k: str(parsed.get(k, "")) for k in ("Message-ID", "From", "Subject")}
    except Exception:  # noqa: BLE001 - unreadable headers: the pipeline will say why
        return {}


def short(value: str | None, limit: int) -> str | None:
    """Return VALUE cut to LIMIT characters, or None."""
    return value[:limit] if value else None
