"""overview API: repins, the event log's time and amount, API keys, change log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 19:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

METRIC_TABLES = ('pin_daily_metrics', 'account_daily_metrics', 'pin_cumulative_metrics')


def upgrade() -> None:
    for table in METRIC_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('repin', sa.BigInteger(), nullable=False, server_default='0'))
    with op.batch_alter_table('ingested_events') as batch_op:
        batch_op.add_column(sa.Column('occurred_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('metric', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('amount', sa.BigInteger(), nullable=True))
        batch_op.create_index('ix_ingested_events_owner_id_occurred_at', ['owner_id', 'occurred_at'], unique=False)
    op.create_table('api_keys',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_keys_key_hash'))
    )
    op.create_index('ix_api_keys_user_id', 'api_keys', ['user_id'], unique=False)
    op.create_table('metric_changes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_metric_changes_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_changes'))
    )
    op.create_index('ix_metric_changes_owner_id_id', 'metric_changes', ['owner_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_metric_changes_owner_id_id', table_name='metric_changes')
    op.drop_table('metric_changes')
    op.drop_index('ix_api_keys_user_id', table_name='api_keys')
    op.drop_table('api_keys')
    with op.batch_alter_table('ingested_events') as batch_op:
        batch_op.drop_index('ix_ingested_events_owner_id_occurred_at')
        batch_op.drop_column('amount')
        batch_op.drop_column('metric')
        batch_op.drop_column('occurred_at')
    for table in METRIC_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('repin')
