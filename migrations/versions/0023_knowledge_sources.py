"""knowledge_sources: kb_sources (pages, sites, documents) and kb_entries' source, URL,
content hash, draft status and the conversation a draft came from

Revision ID: 0023
Revises: 0022
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

TS = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(
    mysql.DATETIME(fsp=6), 'mysql')
TABLE = dict(mysql_charset='utf8mb4', mysql_collate='utf8mb4_unicode_ci', mysql_engine='InnoDB')

# revision identifiers, used by Alembic.
revision: str = '0023'
down_revision: Union[str, Sequence[str], None] = '0022'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'kb_sources',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('widget_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=True),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('file_key', sa.String(length=255), nullable=True),
        sa.Column('max_pages', sa.Integer(), nullable=False),
        sa.Column('sync_hours', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('done', sa.Integer(), server_default='0', nullable=False),
        sa.Column('total', sa.Integer(), server_default='0', nullable=False),
        sa.Column('error_code', sa.String(length=64), nullable=True),
        sa.Column('error', sa.String(length=1000), nullable=True),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('lease_until', TS, nullable=True),
        sa.Column('synced_at', TS, nullable=True),
        sa.Column('next_sync_at', TS, nullable=True),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['widget_id'], ['widget_configs.id'],
                                name=op.f('fk_kb_sources_widget_id_widget_configs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_sources')),
        sqlite_autoincrement=True, **TABLE)
    op.create_index(op.f('ix_kb_sources_widget_id'), 'kb_sources', ['widget_id'])
    op.create_index(op.f('ix_kb_sources_next_sync_at'), 'kb_sources', ['next_sync_at'])
    # A batch (a copy on SQLite) that keeps the table's AUTOINCREMENT.
    with op.batch_alter_table('kb_entries', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.add_column(sa.Column('source_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('url', sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('status', sa.String(length=16), server_default='published',
                                   nullable=False))
        batch.add_column(sa.Column('origin_session_id', sa.String(length=36), nullable=True))
        batch.create_foreign_key(op.f('fk_kb_entries_source_id_kb_sources'), 'kb_sources',
                                 ['source_id'], ['id'], ondelete='CASCADE')
        batch.create_foreign_key(op.f('fk_kb_entries_origin_session_id_sessions'), 'sessions',
                                 ['origin_session_id'], ['id'], ondelete='SET NULL')
        batch.create_index(batch.f('ix_kb_entries_source_id'), ['source_id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('kb_entries', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.drop_constraint(op.f('fk_kb_entries_origin_session_id_sessions'),
                              type_='foreignkey')
        batch.drop_constraint(op.f('fk_kb_entries_source_id_kb_sources'), type_='foreignkey')
        batch.drop_index(batch.f('ix_kb_entries_source_id'))
        batch.drop_column('origin_session_id')
        batch.drop_column('status')
        batch.drop_column('content_hash')
        batch.drop_column('url')
        batch.drop_column('source_id')
    op.drop_table('kb_sources')  # and its indexes
