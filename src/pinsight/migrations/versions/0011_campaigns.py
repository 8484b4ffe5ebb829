"""campaigns of ad accounts

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00

* campaigns: the campaigns created through POST /v5/ad_accounts/{ad_account_id}/campaigns,
  one row each, removed with their ad account. Nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('objective_type', sa.String(length=32), nullable=False),
    sa.Column('daily_spend_cap', sa.BigInteger(), nullable=True),
    sa.Column('lifetime_spend_cap', sa.BigInteger(), nullable=True),
    sa.Column('start_time', sa.BigInteger(), nullable=True),
    sa.Column('end_time', sa.BigInteger(), nullable=True),
    sa.Column('tracking_urls', sa.Text(), nullable=True),
    sa.Column('is_flexible_daily_budgets', sa.Boolean(), nullable=True),
    sa.Column('default_ad_group_budget_in_micro_currency', sa.BigInteger(), nullable=True),
    sa.Column('is_campaign_budget_optimization', sa.Boolean(), nullable=True),
    sa.Column('is_automated_campaign', sa.Boolean(), nullable=True),
    sa.Column('order_line_id', sa.String(length=19), nullable=True),
    sa.Column('bid_options', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], name=op.f('fk_campaigns_ad_account_id_ad_accounts'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    op.create_index('ix_campaigns_ad_account_id_id', 'campaigns', ['ad_account_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_campaigns_ad_account_id_id', table_name='campaigns')
    op.drop_table('campaigns')
