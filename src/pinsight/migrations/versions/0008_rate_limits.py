"""rate limit counters (UNLOGGED on PostgreSQL)

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-24 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
# To be re-pointed at '0007' (refresh token rotation) when both are merged.
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The counters are disposable: PostgreSQL need not write them to its WAL.
    unlogged = ['UNLOGGED'] if op.get_bind().dialect.name == 'postgresql' else []
    op.create_table('rate_limit_counters',
    sa.Column('bucket', sa.String(length=200), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('bucket', name=op.f('pk_rate_limit_counters')),
    prefixes=unlogged,
    )
    op.create_index('ix_rate_limit_counters_expires_at', 'rate_limit_counters', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_rate_limit_counters_expires_at', table_name='rate_limit_counters')
    op.drop_table('rate_limit_counters')
