"""visitor tracking: a widget's visitor_tracking setting (the live list of visitors)

Revision ID: 0017
Revises: 0016
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Added in place (no batch copy): SQLite's tables keep their AUTOINCREMENT.
    op.add_column('widget_configs', sa.Column('visitor_tracking', sa.Boolean(), server_default='0',
                                              nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('widget_configs') as batch:
        batch.drop_column('visitor_tracking')
