"""ingested event ids

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:49:16.715392
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ingested_events',
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.String(length=128), nullable=False),
    sa.Column('pin_id', sa.BigInteger(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_ingested_events_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', 'id', name=op.f('pk_ingested_events')),
    sqlite_with_rowid=False
    )


def downgrade() -> None:
    op.drop_table('ingested_events')
