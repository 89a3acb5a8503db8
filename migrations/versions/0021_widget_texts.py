"""widget texts: a widget's text_overrides, the admin's texts per language (docs/widget.md)

Revision ID: 0021
Revises: 0020
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '0021'
down_revision: Union[str, Sequence[str], None] = '0020'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Added in place (no batch copy): SQLite's tables keep their AUTOINCREMENT. NULL: no
    # overrides (the widget's defaults).
    op.add_column('widget_configs', sa.Column('text_overrides', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('widget_configs') as batch:
        batch.drop_column('text_overrides')
