"""retention: a widget's retention period, a session's erasure time

Revision ID: 0016
Revises: 0015
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

TS = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(
    mysql.DATETIME(fsp=6), 'mysql')

# revision identifiers, used by Alembic.
revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Added in place (no batch copy): SQLite's tables keep their AUTOINCREMENT.
    op.add_column('widget_configs', sa.Column('retention_days', sa.Integer(), nullable=True))
    op.add_column('sessions', sa.Column('erased_at', TS, nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('sessions') as batch:
        batch.drop_column('erased_at')
    with op.batch_alter_table('widget_configs') as batch:
        batch.drop_column('retention_days')
