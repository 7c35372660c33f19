"""Full-text search of the archive: a meeting matches when every word occurs in its texts.

One document per meeting (its title, approved agenda items, minutes and attendance), kept
in the database's own full-text index: PostgreSQL's tsvector with the Danish configuration
(stemming: "budgettet" finds "budget") behind a GIN index, SQLite's FTS5. Words match in any
order, each as a word prefix, and æ, ø, å without regard to case on both: the text and the
words are lower-cased here, by Python's Unicode rules, not by the database's locale.

The index is kept in step by a flush hook: any flush that changes a meeting's title, an
agenda item, the minutes or their sections rewrites that meeting's document in the same
transaction. The index lives outside the models' metadata (a virtual table on SQLite, a
tsvector column on PostgreSQL): models create it after the meetings table, migration 0011
on a migrated database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Integer, column, event, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

from app.models import AgendaItem, AgendaStatus, Meeting, Minutes, MinutesSection

#: Every table the index consists of starts with this (FTS5 adds shadow tables).
TABLE = "meeting_search"
#: More words than this in one search are ignored: no one types more, and each costs a term.
MAX_WORDS = 12
_WORD = re.compile(r"[^\W_]+")  # letters and digits: "_" and "%" separate words

CREATE = {
    "sqlite": [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
        "body, tokenize = 'unicode61 remove_diacritics 0')",
    ],
    "postgresql": [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (meeting_id INTEGER PRIMARY KEY "
        "REFERENCES meetings (id) ON DELETE CASCADE, document TSVECTOR NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_document ON {TABLE} USING GIN (document)",
    ],
}
DROP = f"DROP TABLE IF EXISTS {TABLE}"


def is_search_table(name: str) -> bool:
    """Tell whether the table NAME belongs to the index (for schema comparisons)."""
    return name == TABLE or name.startswith(f"{TABLE}_")


def words(q: str) -> list[str]:
    """Return the words of the search Q, lower-cased, at most MAX_WORDS."""
    return _WORD.findall((q or "").lower())[:MAX_WORDS]


def matching_ids(dialect: str, q: str):
    """Return a select of the ids of meetings whose document holds every word of Q."""
    found = words(q)
    if dialect == "postgresql":
        query = " & ".join(f"{word}:*" for word in found)
        sql = f"SELECT meeting_id AS id FROM {TABLE} WHERE document @@ to_tsquery('danish', :q)"
    else:
        query = " ".join(f'"{word}"*' for word in found)
        sql = f"SELECT rowid AS id FROM {TABLE} WHERE {TABLE} MATCH :q"
    return text(sql).bindparams(q=query).columns(column("id", Integer))


def document(conn: Connection, meeting_id: int) -> str | None:
    """Return the searchable text of the meeting MEETING_ID, lower-cased; None if it is gone."""
    title = conn.scalar(select(Meeting.title).where(Meeting.id == meeting_id))
    if title is None:
        return None
    parts = [title]
    items = select(AgendaItem.title, AgendaItem.body).where(
        AgendaItem.meeting_id == meeting_id, AgendaItem.status == AgendaStatus.approved)
    parts += [f"{row.title}\n{row.body or ''}" for row in conn.execute(items)]
    attendance = select(Minutes.attendance, Minutes.attendance_note).where(
        Minutes.meeting_id == meeting_id)
    parts += [f"{row.attendance or ''}\n{row.attendance_note or ''}"
              for row in conn.execute(attendance)]
    sections = select(MinutesSection.heading, MinutesSection.body).join(
        Minutes, Minutes.id == MinutesSection.minutes_id).where(Minutes.meeting_id == meeting_id)
    parts += [f"{row.heading}\n{row.body or ''}" for row in conn.execute(sections)]
    return "\n".join(parts).lower()


def refresh(conn: Connection, meeting_ids: Iterable[int]) -> None:
    """Rewrite the documents of MEETING_IDS in the index (dropping those of gone meetings)."""
    postgres = conn.dialect.name == "postgresql"
    for meeting_id in sorted(set(meeting_ids) - {None}):
        body = document(conn, meeting_id)
        if postgres:
            if body is None:
                conn.execute(text(f"DELETE FROM {TABLE} WHERE meeting_id = :id"),
                             {"id": meeting_id})
                continue
            conn.execute(text(
                f"INSERT INTO {TABLE} (meeting_id, document) "
                "VALUES (:id, to_tsvector('danish', :body)) ON CONFLICT (meeting_id) "
                "DO UPDATE SET document = excluded.document"), {"id": meeting_id, "body": body})
        else:
            conn.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :id"), {"id": meeting_id})
            if body is not None:
                conn.execute(text(f"INSERT INTO {TABLE} (rowid, body) VALUES (:id, :body)"),
                             {"id": meeting_id, "body": body})


def refresh_all(conn: Connection) -> None:
    """Rewrite the whole index (after a migration or a restore)."""
    refresh(conn, conn.scalars(select(Meeting.id)))


# --- keeping the index in step --------------------------------------------------------

_WATCHED = {
    Meeting: ("title",),
    AgendaItem: ("title", "body", "status", "meeting_id", "meeting"),
    Minutes: ("attendance", "meeting_id", "meeting"),
    MinutesSection: ("heading", "body", "minutes_id", "minutes"),
}


# get_history, not inspect(obj).attrs: attrs makes a state for every attribute of the
# object, and a worker's chunk flushes a few hundred agenda items and messages at once.

def _changed(obj, names: tuple[str, ...]) -> bool:
    """Tell whether any of the attributes NAMES of the dirty OBJ changed in this flush."""
    return any(get_history(obj, name).has_changes() for name in names)


def _ids(obj, name: str) -> set:
    """Return the old and new ids OBJ's foreign key NAME_id and relationship NAME point to."""
    keys = get_history(obj, f"{name}_id")
    # A relationship set before the flush fills the key only during it: read both.
    related = get_history(obj, name)
    return ({*keys.added, *keys.unchanged, *keys.deleted}
            | {o.id for o in (*related.added, *related.unchanged, *related.deleted)
               if o is not None})


def _touched(session: Session) -> tuple[set[int], set[int]]:
    """Return the meeting ids and minutes ids whose texts this flush changes."""
    meeting_ids: set[int] = set()
    minutes_ids: set[int] = set()
    changed = [*session.new, *session.deleted]
    changed += [o for o in session.dirty if type(o) in _WATCHED and _changed(o, _WATCHED[type(o)])]
    for obj in changed:
        if isinstance(obj, Meeting):
            meeting_ids.add(obj.id)
        elif isinstance(obj, AgendaItem | Minutes):
            meeting_ids |= _ids(obj, "meeting")
        elif isinstance(obj, MinutesSection):
            minutes_ids |= _ids(obj, "minutes")
    return meeting_ids - {None}, minutes_ids - {None}


@event.listens_for(Session, "after_flush")
def _keep_in_step(session: Session, _context) -> None:
    """Rewrite the documents of the meetings whose texts this flush changed."""
    meeting_ids, minutes_ids = _touched(session)
    if not (meeting_ids or minutes_ids):
        return
    conn = session.connection()
    if minutes_ids:
        meeting_ids |= set(conn.scalars(select(Minutes.meeting_id).where(
            Minutes.id.in_(minutes_ids))))
    refresh(conn, meeting_ids)


def _create(target, connection: Connection, **_kw) -> None:
    """Create the index beside the meetings table (create_all, as the tests do)."""
    for statement in CREATE.get(connection.dialect.name, []):
        connection.execute(text(statement))


event.listen(Meeting.__table__, "after_create", _create)
event.listen(Meeting.__table__, "before_drop",
             lambda target, connection, **kw: connection.execute(text(DROP)))
