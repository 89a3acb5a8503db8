"""attachments: uploaded files and a widget's switch for visitor uploads

Revision ID: 0008
Revises: 0007
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TS = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(
    mysql.DATETIME(fsp=6), 'mysql')
BIGID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('widget_configs') as batch:
        batch.add_column(sa.Column('visitor_uploads', sa.Boolean(), nullable=False,
                                   server_default='1'))
    op.create_table(
        'uploads',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('widget_id', sa.Integer(), nullable=False),
        sa.Column('uploader_type', sa.String(length=8), nullable=False),
        sa.Column('uploader_id', sa.Integer(), nullable=True),
        sa.Column('message_id', BIGID, nullable=True),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=True),
        sa.Column('height', sa.Integer(), nullable=True),
        sa.Column('storage_key', sa.String(length=255), nullable=False),
        sa.Column('thumb_key', sa.String(length=255), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_uploads_session_id_sessions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['widget_id'], ['widget_configs.id'],
                                name=op.f('fk_uploads_widget_id_widget_configs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'],
                                name=op.f('fk_uploads_message_id_messages'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_uploads')),
        mysql_charset='utf8mb4', mysql_collate='utf8mb4_unicode_ci', mysql_engine='InnoDB')
    op.create_index(op.f('ix_uploads_session_id'), 'uploads', ['session_id'])
    op.create_index(op.f('ix_uploads_message_id'), 'uploads', ['message_id'])
    op.create_index(op.f('ix_uploads_created_at'), 'uploads', ['created_at'])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('uploads')
    with op.batch_alter_table('widget_configs') as batch:
        batch.drop_column('visitor_uploads')
