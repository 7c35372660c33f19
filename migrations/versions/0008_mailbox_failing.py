"""mail accounts remember since when they fail, and whether the secretary was told

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failing_since_dt',
                                      app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failure_notified_dt',
                                      app.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('mail_accounts', schema=None) as batch_op:
        batch_op.drop_column('failure_notified_dt')
        batch_op.drop_column('failing_since_dt')
