"""minutes: free sections and items added on the day, attendance marked by hand

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 05:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_note', sa.Text(), server_default='',
                                      nullable=False))
    with op.batch_alter_table('minutes_sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('item', 'added', 'free',
                                                      name='sectionkind', native_enum=False,
                                                      create_constraint=False, length=32),
                                      server_default='item', nullable=False))
    op.create_table(
        'minutes_presences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('minutes_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('present', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'],
                                name=op.f('fk_minutes_presences_minutes_id_minutes'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_minutes_presences_person_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_presences')),
        sa.UniqueConstraint('minutes_id', 'person_id',
                            name=op.f('uq_minutes_presences_minutes_id_person_id')),
    )
    with op.batch_alter_table('minutes_presences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_presences_minutes_id'), ['minutes_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('minutes_presences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_presences_minutes_id'))
    op.drop_table('minutes_presences')
    with op.batch_alter_table('minutes_sections', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_column('attendance_note')
