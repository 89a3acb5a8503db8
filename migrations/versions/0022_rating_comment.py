"""rating_comment: the visitor's optional comment with a rating; a widget's hide_when_offline

Revision ID: 0022
Revises: 0021
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '0022'
down_revision: Union[str, Sequence[str], None] = '0021'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Added in place (no batch copy): SQLite's tables keep their AUTOINCREMENT.
    op.add_column('sessions', sa.Column('rating_comment', sa.String(length=500), nullable=True))
    op.add_column('widget_configs', sa.Column('hide_when_offline', sa.Boolean(), server_default='0',
                                              nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    # Without a batch copy (SQLite drops a plain column in place): a copy would have to drop
    # and re-add the generated open_visitor_id around it (0018).
    op.drop_column('sessions', 'rating_comment')
    with op.batch_alter_table('widget_configs') as batch:
        batch.drop_column('hide_when_offline')
