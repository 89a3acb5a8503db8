"""labels on conversations, and agents' saved views

Revision ID: 0010
Revises: 0009
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TS = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(
    mysql.DATETIME(fsp=6), 'mysql')
TABLE = dict(mysql_charset='utf8mb4', mysql_collate='utf8mb4_unicode_ci', mysql_engine='InnoDB')


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'labels',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('name_key', sa.String(length=40), nullable=False),
        sa.Column('color', sa.String(length=16), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_labels')),
        sa.UniqueConstraint('name_key', name=op.f('uq_labels_name_key')),
        sqlite_autoincrement=True, **TABLE)
    op.create_table(
        'session_labels',
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('label_id', sa.Integer(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_session_labels_session_id_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['label_id'], ['labels.id'],
                                name=op.f('fk_session_labels_label_id_labels'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('session_id', 'label_id', name=op.f('pk_session_labels')),
        **TABLE)
    op.create_index(op.f('ix_session_labels_label_id_session_id'), 'session_labels',
                    ['label_id', 'session_id'])
    op.create_table(
        'saved_views',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_saved_views_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_views')),
        sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_views_user_id_name')),
        sqlite_autoincrement=True, **TABLE)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('saved_views')
    op.drop_table('session_labels')
    op.drop_table('labels')
