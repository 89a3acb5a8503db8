"""visitor context: time zone, language, referrer, pages viewed, custom attributes

Revision ID: 0014
Revises: 0013
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TS = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(
    mysql.DATETIME(fsp=6), 'mysql')
TABLE = dict(mysql_charset='utf8mb4', mysql_collate='utf8mb4_unicode_ci', mysql_engine='InnoDB')


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'session_context',
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=True),
        sa.Column('language', sa.String(length=35), nullable=True),
        sa.Column('referrer', sa.String(length=500), nullable=True),
        sa.Column('pages', sa.JSON(), nullable=False),
        sa.Column('attributes', sa.JSON(), nullable=False),
        sa.Column('updated_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'],
                                name=op.f('fk_session_context_session_id_sessions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('session_id', name=op.f('pk_session_context')),
        **TABLE)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('session_context')
