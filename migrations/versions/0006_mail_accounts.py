"""each forum's own mailbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('forum_id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('provider', sa.String(length=32), nullable=False),
        sa.Column('username', sa.String(length=254), nullable=True),
        sa.Column('imap_host', sa.String(length=255), nullable=False),
        sa.Column('imap_port', sa.Integer(), nullable=False),
        sa.Column('imap_tls', sa.String(length=16), nullable=False),
        sa.Column('smtp_host', sa.String(length=255), nullable=False),
        sa.Column('smtp_port', sa.Integer(), nullable=False),
        sa.Column('smtp_tls', sa.String(length=16), nullable=False),
        sa.Column('folders', sa.JSON(), nullable=False),
        sa.Column('processed_folder', sa.String(length=255), nullable=False),
        sa.Column('tenant', sa.String(length=255), nullable=True),
        sa.Column('client_id', sa.String(length=255), nullable=True),
        sa.Column('authserv_ids', sa.JSON(), nullable=False),
        sa.Column('secrets', sa.LargeBinary(), nullable=True),
        sa.Column('refresh_token', sa.LargeBinary(), nullable=True),
        sa.Column('secret_expires_on', sa.Date(), nullable=True),
        sa.Column('is_enabled', sa.Boolean(), nullable=False),
        sa.Column('last_login_dt', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_seen_dt', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_error_dt', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_check', sa.JSON(), nullable=True),
        sa.Column('last_check_dt', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_dt', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_dt', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['forum_id'], ['forums.id'],
                                name=op.f('fk_mail_accounts_forum_id_forums'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_accounts')),
        sa.UniqueConstraint('forum_id', name=op.f('uq_mail_accounts_forum_id')),
    )


def downgrade():
    op.drop_table('mail_accounts')
