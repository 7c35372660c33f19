"""archive search: one full-text document per meeting (PostgreSQL tsvector, SQLite FTS5)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 06:40:00.000000

The index lives outside the models' metadata (app/services/search.py keeps it in step);
this creates it on a migrated database and fills it from the meetings already there.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# As app/services/search.py has them at this revision: the migration must not change later.
CREATE = {
    "sqlite": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS meeting_search USING fts5("
        "body, tokenize = 'unicode61 remove_diacritics 0')",
    ],
    "postgresql": [
        "CREATE TABLE IF NOT EXISTS meeting_search (meeting_id INTEGER PRIMARY KEY "
        "REFERENCES meetings (id) ON DELETE CASCADE, document TSVECTOR NOT NULL)",
        "CREATE INDEX IF NOT EXISTS ix_meeting_search_document ON meeting_search "
        "USING GIN (document)",
    ],
}


def _document(conn, meeting_id: int, title: str) -> str:
    """Return the searchable text of one meeting, lower-cased (as the app writes it)."""
    parts = [title]
    parts += [f"{t}\n{b or ''}" for t, b in conn.execute(sa.text(
        "SELECT title, body FROM agenda_items WHERE meeting_id = :id AND status = 'approved'"),
        {"id": meeting_id})]
    parts += [f"{a or ''}\n{n or ''}" for a, n in conn.execute(sa.text(
        "SELECT attendance, attendance_note FROM minutes WHERE meeting_id = :id"),
        {"id": meeting_id})]
    parts += [f"{h}\n{b or ''}" for h, b in conn.execute(sa.text(
        "SELECT s.heading, s.body FROM minutes_sections s JOIN minutes m ON m.id = s.minutes_id "
        "WHERE m.meeting_id = :id"), {"id": meeting_id})]
    return "\n".join(parts).lower()


def upgrade():
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    for statement in CREATE.get(conn.dialect.name, []):
        op.execute(statement)
    for meeting_id, title in conn.execute(sa.text("SELECT id, title FROM meetings")).all():
        body = _document(conn, meeting_id, title)
        if postgres:
            conn.execute(sa.text("INSERT INTO meeting_search (meeting_id, document) "
                                 "VALUES (:id, to_tsvector('danish', :body))"),
                         {"id": meeting_id, "body": body})
        else:
            conn.execute(sa.text("INSERT INTO meeting_search (rowid, body) VALUES (:id, :body)"),
                         {"id": meeting_id, "body": body})


def downgrade():
    op.execute("DROP TABLE IF EXISTS meeting_search")
