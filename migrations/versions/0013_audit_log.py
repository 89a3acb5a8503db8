"""audit log of admin actions

Revision ID: 0013
Revises: 0012
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TS = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(
    mysql.DATETIME(fsp=6), 'mysql')
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
TABLE = dict(mysql_charset='utf8mb4', mysql_collate='utf8mb4_unicode_ci', mysql_engine='InnoDB')


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'audit_log',
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('actor_type', sa.String(length=16), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=100), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('target_type', sa.String(length=32), nullable=False),
        sa.Column('target_id', sa.String(length=64), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('ip', sa.String(length=45), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
        sqlite_autoincrement=True, **TABLE)
    op.create_index(op.f('ix_audit_log_created_at'), 'audit_log', ['created_at'])
    op.create_index(op.f('ix_audit_log_actor_id_created_at'), 'audit_log',
                    ['actor_id', 'created_at'])
    op.create_index(op.f('ix_audit_log_target_type_target_id'), 'audit_log',
                    ['target_type', 'target_id'])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_audit_log_target_type_target_id'), table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_actor_id_created_at'), table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_created_at'), table_name='audit_log')
    op.drop_table('audit_log')
