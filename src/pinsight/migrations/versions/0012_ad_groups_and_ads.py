"""ad groups and ads

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 10:00:00

* ad_groups: the ad groups of campaigns, removed with their campaign or ad account.
* ads: the ads of ad groups, each promoting one pin, removed with their ad group.
  Nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ad_groups',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('campaign_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('start_time', sa.BigInteger(), nullable=True),
    sa.Column('end_time', sa.BigInteger(), nullable=True),
    sa.Column('attributes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], name=op.f('fk_ad_groups_ad_account_id_ad_accounts'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_ad_groups_campaign_id_campaigns'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ad_groups'))
    )
    op.create_index('ix_ad_groups_ad_account_id_id', 'ad_groups', ['ad_account_id', 'id'], unique=False)
    op.create_index('ix_ad_groups_campaign_id', 'ad_groups', ['campaign_id'], unique=False)
    op.create_table('ads',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('campaign_id', sa.BigInteger(), nullable=False),
    sa.Column('ad_group_id', sa.BigInteger(), nullable=False),
    sa.Column('pin_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('creative_type', sa.String(length=40), nullable=False),
    sa.Column('attributes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], name=op.f('fk_ads_ad_account_id_ad_accounts'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_ads_campaign_id_campaigns'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ad_group_id'], ['ad_groups.id'], name=op.f('fk_ads_ad_group_id_ad_groups'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ads'))
    )
    op.create_index('ix_ads_ad_account_id_id', 'ads', ['ad_account_id', 'id'], unique=False)
    op.create_index('ix_ads_ad_group_id', 'ads', ['ad_group_id'], unique=False)
    op.create_index('ix_ads_campaign_id', 'ads', ['campaign_id'], unique=False)
    op.create_index('ix_ads_pin_id', 'ads', ['pin_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ads_pin_id', table_name='ads')
    op.drop_index('ix_ads_campaign_id', table_name='ads')
    op.drop_index('ix_ads_ad_group_id', table_name='ads')
    op.drop_index('ix_ads_ad_account_id_id', table_name='ads')
    op.drop_table('ads')
    op.drop_index('ix_ad_groups_campaign_id', table_name='ad_groups')
    op.drop_index('ix_ad_groups_ad_account_id_id', table_name='ad_groups')
    op.drop_table('ad_groups')
