"""visitors: a visitor record per widget owning conversations and device tokens; at most one
open conversation per visitor (a unique index on a generated column)

Existing conversations get a visitor each, but those of one verified user of a widget share
one (their history follows them); when such a user had several open conversations, the older
ones keep a visitor of their own, so the unique index can be built. Each conversation's first
visitor token becomes its visitor's device token.

Revision ID: 0018
Revises: 0017
"""
import uuid
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

TS = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(
    mysql.DATETIME(fsp=6), 'mysql')
BIGID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
TABLE = dict(mysql_charset='utf8mb4', mysql_collate='utf8mb4_unicode_ci', mysql_engine='InnoDB')
OPEN_SQL = "CASE WHEN status IN ('active', 'waiting', 'assigned') THEN visitor_id END"

# revision identifiers, used by Alembic.
revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'visitors',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('widget_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.String(length=255), nullable=True),
        sa.Column('name', sa.String(length=100), nullable=True),
        sa.Column('email', sa.String(length=255), nullable=True),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('last_seen_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['widget_id'], ['widget_configs.id'],
                                name=op.f('fk_visitors_widget_id_widget_configs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visitors')),
        sa.UniqueConstraint('widget_id', 'user_id', name=op.f('uq_visitors_widget_id_user_id')),
        **TABLE)
    op.create_index(op.f('ix_visitors_email'), 'visitors', ['email'])
    op.create_table(
        'visitor_tokens',
        sa.Column('id', BIGID, autoincrement=True, nullable=False),
        sa.Column('visitor_id', sa.String(length=36), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['visitor_id'], ['visitors.id'],
                                name=op.f('fk_visitor_tokens_visitor_id_visitors'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visitor_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_visitor_tokens_token_hash')),
        sqlite_autoincrement=True, **TABLE)
    op.create_index(op.f('ix_visitor_tokens_visitor_id'), 'visitor_tokens', ['visitor_id'])
    with op.batch_alter_table('sessions') as batch:
        batch.add_column(sa.Column('visitor_id', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('open_visitor_id', sa.String(length=36),
                                   sa.Computed(OPEN_SQL, persisted=False)))
        batch.create_foreign_key(op.f('fk_sessions_visitor_id_visitors'), 'visitors',
                                 ['visitor_id'], ['id'], ondelete='SET NULL')
    _backfill()
    op.create_index(op.f('ix_sessions_visitor_id_created_at'), 'sessions',
                    ['visitor_id', 'created_at'])
    op.create_index(op.f('ix_sessions_open_visitor_id'), 'sessions', ['open_visitor_id'],
                    unique=True)


def _backfill() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, widget_id, visitor_token_hash, visitor_name, visitor_email,"
        " visitor_verified, visitor_user_id, status, created_at, last_activity_at"
        " FROM sessions ORDER BY created_at DESC")).mappings().all()
    verified: dict[tuple[int, str], str] = {}  # (widget, user id) -> visitor id
    has_open: set[str] = set()
    for row in rows:  # newest first: a verified user's newest open conversation keeps them
        key = (row['widget_id'], row['visitor_user_id'])
        is_open = row['status'] in ('active', 'waiting', 'assigned')
        visitor = verified.get(key) if row['visitor_verified'] and row['visitor_user_id'] else None
        if visitor is not None and is_open and visitor in has_open:
            visitor = None  # a second open conversation of the user: a visitor of its own
            key = None
        if visitor is None:
            visitor = str(uuid.uuid4())
            conn.execute(sa.text(
                "INSERT INTO visitors (id, widget_id, user_id, name, email, created_at,"
                " last_seen_at) VALUES (:id, :w, :u, :n, :e, :c, :s)"),
                {"id": visitor, "w": row['widget_id'],
                 "u": row['visitor_user_id'] if key and row['visitor_verified'] else None,
                 "n": row['visitor_name'], "e": row['visitor_email'], "c": row['created_at'],
                 "s": row['last_activity_at']})
            if key and row['visitor_verified'] and row['visitor_user_id']:
                verified[key] = visitor
        if is_open:
            has_open.add(visitor)
        conn.execute(sa.text("UPDATE sessions SET visitor_id = :v WHERE id = :id"),
                     {"v": visitor, "id": row['id']})
        conn.execute(sa.text(
            "INSERT INTO visitor_tokens (visitor_id, token_hash, created_at)"
            " VALUES (:v, :h, :c)"),
            {"v": visitor, "h": row['visitor_token_hash'], "c": row['created_at']})


def downgrade() -> None:
    """Downgrade schema."""
    # The generated column goes first, without a batch copy: SQLite cannot INSERT into a
    # generated column, which a batch copy of the table does (a later migration that batches
    # `sessions` on SQLite must drop and re-add open_visitor_id around it too).
    op.drop_index(op.f('ix_sessions_open_visitor_id'), table_name='sessions')
    op.drop_column('sessions', 'open_visitor_id')
    with op.batch_alter_table('sessions') as batch:
        batch.drop_constraint(op.f('fk_sessions_visitor_id_visitors'), type_='foreignkey')
    op.drop_index(op.f('ix_sessions_visitor_id_created_at'), table_name='sessions')
    with op.batch_alter_table('sessions') as batch:
        batch.drop_column('visitor_id')
    op.drop_table('visitor_tokens')  # with its indexes
    op.drop_index(op.f('ix_visitors_email'), table_name='visitors')
    op.drop_table('visitors')
