"""each forum keeps mail bytes and audit events for periods of its own (GDPR retention)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inbound_retention_days', sa.Integer(),
                                      server_default='90', nullable=False))
        batch_op.add_column(sa.Column('outbound_retention_days', sa.Integer(),
                                      server_default='90', nullable=False))
        batch_op.add_column(sa.Column('audit_retention_years', sa.Integer(),
                                      server_default='5', nullable=False))
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_dt', app.models.base.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_dt', app.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.drop_column('purged_dt')
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_column('purged_dt')
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.drop_column('audit_retention_years')
        batch_op.drop_column('outbound_retention_days')
        batch_op.drop_column('inbound_retention_days')
