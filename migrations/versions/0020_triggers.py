"""triggers: a widget's proactive messages (widget_triggers) and their daily counts

Revision ID: 0020
Revises: 0019
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

TS = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mariadb').with_variant(
    mysql.DATETIME(fsp=6), 'mysql')
TABLE = dict(mysql_charset='utf8mb4', mysql_collate='utf8mb4_unicode_ci', mysql_engine='InnoDB')

# revision identifiers, used by Alembic.
revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'widget_triggers',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('widget_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('open_widget', sa.Boolean(), server_default='0', nullable=False),
        sa.Column('enabled', sa.Boolean(), server_default='1', nullable=False),
        sa.Column('url_match', sa.String(length=16), nullable=True),
        sa.Column('url_pattern', sa.String(length=500), nullable=True),
        sa.Column('delay_s', sa.Integer(), nullable=True),
        sa.Column('scroll_pct', sa.Integer(), nullable=True),
        sa.Column('returning_visitor', sa.Boolean(), server_default='0', nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['widget_id'], ['widget_configs.id'],
                                name=op.f('fk_widget_triggers_widget_id_widget_configs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_widget_triggers')),
        sa.UniqueConstraint('widget_id', 'name', name=op.f('uq_widget_triggers_widget_id_name')),
        sqlite_autoincrement=True, **TABLE)
    op.create_table(
        'trigger_counts',
        sa.Column('trigger_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('shown', sa.Integer(), server_default='0', nullable=False),
        sa.Column('opened', sa.Integer(), server_default='0', nullable=False),
        sa.Column('answered', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['trigger_id'], ['widget_triggers.id'],
                                name=op.f('fk_trigger_counts_trigger_id_widget_triggers'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('trigger_id', 'day', name=op.f('pk_trigger_counts')),
        **TABLE)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('trigger_counts')
    op.drop_table('widget_triggers')
