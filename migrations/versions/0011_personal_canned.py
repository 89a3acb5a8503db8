"""personal canned responses: a saved reply owned by one agent (owner_id)

Revision ID: 0011
Revises: 0010
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('canned_responses',
                              table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_canned_responses_owner_id'), ['owner_id'], unique=False)
        batch.create_foreign_key(batch.f('fk_canned_responses_owner_id_users'), 'users',
                                 ['owner_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('canned_responses',
                              table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.drop_constraint(batch.f('fk_canned_responses_owner_id_users'), type_='foreignkey')
        batch.drop_index(batch.f('ix_canned_responses_owner_id'))
        batch.drop_column('owner_id')
