"""profile: a user's avatar

Revision ID: 0012
Revises: 0011
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Added in place (no batch copy): SQLite's table keeps its AUTOINCREMENT.
    op.add_column('users', sa.Column('avatar_id', sa.String(length=32), nullable=True))
    op.create_index(op.f('ix_users_avatar_id'), 'users', ['avatar_id'], unique=True)
    # The demo admin was seeded as "Ada (admin)", which visitors saw as the agent's name: the
    # name a visitor sees carries no role. Only that seeded, unchanged name is renamed.
    op.execute(sa.text("UPDATE users SET display_name = 'Ada' WHERE email = 'admin@parley.local' "
                       "AND display_name = 'Ada (admin)'"))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_users_avatar_id'), table_name='users')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('avatar_id')
