"""ids are never reused; tokens carry a per-user key

Revision ID: 0005
Revises: 0004

SQLite reuses the highest deleted rowid unless a table is declared AUTOINCREMENT, and that
can only be declared by making the table again (batch mode copies the rows, ids included;
sqlite_sequence starts from the highest copied id). MariaDB needs nothing: InnoDB's
AUTO_INCREMENT counter never goes back, and survives restarts since 10.2.4.

users.token_key: a random key per user that every token carries; existing users get one.
"""
import secrets
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Every table with an integer autoincrement id.
ID_TABLES = ('users', 'login_failures', 'widget_configs', 'messages', 'kb_entries',
             'canned_responses')


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_key', sa.String(length=32), nullable=True))
    conn = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('token_key', sa.String))
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        conn.execute(sa.update(users).where(users.c.id == user_id)
                     .values(token_key=secrets.token_hex(16)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('token_key', existing_type=sa.String(length=32), nullable=False)
    if _sqlite():
        for name in ID_TABLES:
            with op.batch_alter_table(name, recreate='always',
                                      table_kwargs={'sqlite_autoincrement': True}):
                pass


def downgrade() -> None:
    """Downgrade schema."""
    if _sqlite():
        for name in ID_TABLES:
            with op.batch_alter_table(name, recreate='always',
                                      table_kwargs={'sqlite_autoincrement': False}):
                pass
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('token_key')
