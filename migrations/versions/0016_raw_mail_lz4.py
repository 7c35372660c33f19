"""raw mail compressed with LZ4 on PostgreSQL

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TABLES = ("inbound_messages", "outbound_messages")

# A server built without LZ4 keeps pglz (the models do the same on create).
SET = """DO $$ BEGIN
    ALTER TABLE {table} ALTER COLUMN raw SET COMPRESSION {method};
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$"""


def _compress(method):
    """Compress the raw mail written from now on with METHOD; SQLite has no such choice."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(SET.format(table=table, method=method))


def upgrade():
    _compress("lz4")


def downgrade():
    _compress("default")
