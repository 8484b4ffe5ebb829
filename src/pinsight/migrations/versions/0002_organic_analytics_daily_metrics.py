"""organic analytics daily metrics

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:31:29.504503
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pin_daily_metrics',
    sa.Column('pin_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('app_type', sa.String(length=8), nullable=False),
    sa.Column('traffic', sa.String(length=8), nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('impression', sa.BigInteger(), nullable=False),
    sa.Column('save', sa.BigInteger(), nullable=False),
    sa.Column('pin_click', sa.BigInteger(), nullable=False),
    sa.Column('outbound_click', sa.BigInteger(), nullable=False),
    sa.Column('closeup', sa.BigInteger(), nullable=False),
    sa.Column('profile_visit', sa.BigInteger(), nullable=False),
    sa.Column('user_follow', sa.BigInteger(), nullable=False),
    sa.Column('total_comments', sa.BigInteger(), nullable=False),
    sa.Column('total_reactions', sa.BigInteger(), nullable=False),
    sa.Column('video_start', sa.BigInteger(), nullable=False),
    sa.Column('video_mrc_view', sa.BigInteger(), nullable=False),
    sa.Column('video_10s_view', sa.BigInteger(), nullable=False),
    sa.Column('quartile_95_percent_view', sa.BigInteger(), nullable=False),
    sa.Column('video_v50_watch_time', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_pin_daily_metrics_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pin_id'], ['pins.id'], name=op.f('fk_pin_daily_metrics_pin_id_pins'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pin_id', 'day', 'app_type', 'traffic', name=op.f('pk_pin_daily_metrics'))
    )
    with op.batch_alter_table('pin_daily_metrics', schema=None) as batch_op:
        batch_op.create_index('ix_pin_daily_metrics_owner_id_day', ['owner_id', 'day'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pin_daily_metrics', schema=None) as batch_op:
        batch_op.drop_index('ix_pin_daily_metrics_owner_id_day')

    op.drop_table('pin_daily_metrics')
