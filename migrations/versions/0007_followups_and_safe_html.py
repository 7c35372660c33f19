"""the outbox of follow-ups; inbound HTML sanitised at intake

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'followups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job', sa.String(length=64), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('created_dt', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('enqueued_dt', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_followups')),
    )
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followups_created_dt'), ['created_dt'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_enqueued_dt'), ['enqueued_dt'],
                              unique=False)
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('html_note', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_column('html_note')
        batch_op.drop_column('html')
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followups_enqueued_dt'))
        batch_op.drop_index(batch_op.f('ix_followups_created_dt'))
    op.drop_table('followups')
