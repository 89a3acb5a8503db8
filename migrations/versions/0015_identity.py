"""identity: a widget's identity secret and enforcement, a session's verified visitor

Revision ID: 0015
Revises: 0014
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

TS = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(
    mysql.DATETIME(fsp=6), 'mysql')

# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Added in place (no batch copy): SQLite's tables keep their AUTOINCREMENT.
    op.add_column('widget_configs', sa.Column('identity_secret', sa.String(length=255), nullable=True))
    op.add_column('widget_configs', sa.Column('identity_secret_previous', sa.String(length=255),
                                              nullable=True))
    op.add_column('widget_configs', sa.Column('identity_previous_until', TS, nullable=True))
    op.add_column('widget_configs', sa.Column('enforce_identity', sa.Boolean(), server_default='0',
                                              nullable=False))
    op.add_column('widget_configs', sa.Column('require_identity', sa.Boolean(), server_default='0',
                                              nullable=False))
    op.add_column('sessions', sa.Column('visitor_verified', sa.Boolean(), server_default='0',
                                        nullable=False))
    op.add_column('sessions', sa.Column('visitor_user_id', sa.String(length=255), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('sessions') as batch:
        batch.drop_column('visitor_user_id')
        batch.drop_column('visitor_verified')
    with op.batch_alter_table('widget_configs') as batch:
        for name in ('require_identity', 'enforce_identity', 'identity_previous_until',
                     'identity_secret_previous', 'identity_secret'):
            batch.drop_column(name)
