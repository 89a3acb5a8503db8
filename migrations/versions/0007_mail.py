"""email: the outbox, more visitor tokens per session, seen and mailed seqs, notification
choices, a widget's language

Revision ID: 0007
Revises: 0006
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TS = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(
    mysql.DATETIME(fsp=6), 'mysql')
BIGID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
ARGS = dict(mysql_charset='utf8mb4', mysql_collate='utf8mb4_unicode_ci', mysql_engine='InnoDB',
            sqlite_autoincrement=True)


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('notify_prefs', sa.JSON(), nullable=True))
    with op.batch_alter_table('widget_configs') as batch:
        batch.add_column(sa.Column('language', sa.String(length=16), nullable=False,
                                   server_default='en'))
    with op.batch_alter_table('sessions') as batch:
        batch.add_column(sa.Column('visitor_seen_seq', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('mailed_seq', sa.Integer(), nullable=False,
                                   server_default='0'))
    op.create_table(
        'session_tokens',
        sa.Column('id', BIGID, autoincrement=True, nullable=False),
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_session_tokens_session_id_sessions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_session_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_session_tokens_token_hash')),
        **ARGS)
    op.create_index(op.f('ix_session_tokens_session_id'), 'session_tokens', ['session_id'])
    op.create_table(
        'outbox',
        sa.Column('id', BIGID, autoincrement=True, nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=191), nullable=False),
        sa.Column('session_id', sa.String(length=36), nullable=True),
        sa.Column('widget_id', sa.Integer(), nullable=True),
        sa.Column('recipient', sa.String(length=255), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('due_at', TS, nullable=False),
        sa.Column('lease_owner', sa.String(length=64), nullable=True),
        sa.Column('lease_until', TS, nullable=True),
        sa.Column('last_error', sa.String(length=1000), nullable=True),
        sa.Column('message_id', sa.String(length=255), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('sent_at', TS, nullable=True),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_outbox_session_id_sessions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['widget_id'], ['widget_configs.id'],
                                name=op.f('fk_outbox_widget_id_widget_configs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
        sa.UniqueConstraint('key', name=op.f('uq_outbox_key')),
        **ARGS)
    op.create_index(op.f('ix_outbox_status_due_at'), 'outbox', ['status', 'due_at'])
    op.create_index(op.f('ix_outbox_session_id'), 'outbox', ['session_id'])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('outbox')
    op.drop_table('session_tokens')
    with op.batch_alter_table('sessions') as batch:
        batch.drop_column('mailed_seq')
        batch.drop_column('visitor_seen_seq')
    with op.batch_alter_table('widget_configs') as batch:
        batch.drop_column('language')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('notify_prefs')
