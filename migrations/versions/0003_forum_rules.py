"""the forum's own rules: meeting pattern, seat vacancies, seat request decisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_patterns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('month_in_quarter', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=True),
    sa.Column('summer', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_plan_patterns_forum_id_forums'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_patterns')),
    sa.UniqueConstraint('forum_id', name=op.f('uq_plan_patterns_forum_id'))
    )
    op.create_table('seat_vacancies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seat_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('noticed_on', sa.Date(), nullable=True),
    sa.Column('filled_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['seat_id'], ['seats.id'], name=op.f('fk_seat_vacancies_seat_id_seats'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_vacancies')),
    sa.UniqueConstraint('seat_id', 'starts_on', name=op.f('uq_seat_vacancies_seat_id_starts_on'))
    )
    with op.batch_alter_table('seat_vacancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seat_vacancies_seat_id'), ['seat_id'], unique=False)

    op.create_table('seat_request_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('seat_id', sa.Integer(), nullable=True),
    sa.Column('mandate_id', sa.Integer(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_dt', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_seat_request_decisions_agenda_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mandate_id'], ['mandates.id'], name=op.f('fk_seat_request_decisions_mandate_id_mandates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['seat_id'], ['seats.id'], name=op.f('fk_seat_request_decisions_seat_id_seats'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_request_decisions')),
    sa.UniqueConstraint('agenda_item_id', name=op.f('uq_seat_request_decisions_agenda_item_id'))
    )


def downgrade():
    op.drop_table('seat_request_decisions')
    with op.batch_alter_table('seat_vacancies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seat_vacancies_seat_id'))

    op.drop_table('seat_vacancies')
    op.drop_table('plan_patterns')
