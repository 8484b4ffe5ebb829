"""ad actions and conversions

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 01:42:35

* ad_actions: ingested ad actions; ad_delivery_daily: their daily rollup per ad and zone;
  ad_household_members: who is in which household, as the actions say.
* ad_conversions and ad_conversion_keys: Conversions API events and who made them;
  ad_conversion_touches: each conversion's latest candidate action per kind;
  ad_conversion_daily: the attributed conversions' daily rollup.
  All new and empty: nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ad_conversions',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('event_id', sa.String(length=256), nullable=False),
    sa.Column('event_name', sa.String(length=32), nullable=False),
    sa.Column('action_source', sa.String(length=16), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('click_id', sa.String(length=256), nullable=True),
    sa.Column('value_micro', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('num_items', sa.BigInteger(), nullable=True),
    sa.Column('order_id', sa.String(length=1024), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], name=op.f('fk_ad_conversions_ad_account_id_ad_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ad_conversions')),
    sa.UniqueConstraint('ad_account_id', 'event_id', name='uq_ad_conversions_event_id')
    )
    with op.batch_alter_table('ad_conversions', schema=None) as batch_op:
        batch_op.create_index('ix_ad_conversions_click_id', ['ad_account_id', 'click_id'], unique=False)

    op.create_table('ad_conversion_keys',
    sa.Column('conversion_id', sa.BigInteger(), nullable=False),
    sa.Column('person_key', sa.String(length=80), nullable=False),
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['conversion_id'], ['ad_conversions.id'], name=op.f('fk_ad_conversion_keys_conversion_id_ad_conversions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('conversion_id', 'person_key', name=op.f('pk_ad_conversion_keys'))
    )
    with op.batch_alter_table('ad_conversion_keys', schema=None) as batch_op:
        batch_op.create_index('ix_ad_conversion_keys_person', ['ad_account_id', 'person_key'], unique=False)

    op.create_table('ad_conversion_touches',
    sa.Column('conversion_id', sa.BigInteger(), nullable=False),
    sa.Column('attribution_type', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('action_id', sa.String(length=128), nullable=False),
    sa.Column('ad_id', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('reach_days', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['conversion_id'], ['ad_conversions.id'], name=op.f('fk_ad_conversion_touches_conversion_id_ad_conversions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('conversion_id', 'attribution_type', 'kind', name=op.f('pk_ad_conversion_touches'))
    )
    op.create_table('ad_actions',
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.String(length=128), nullable=False),
    sa.Column('ad_id', sa.BigInteger(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('person_key', sa.String(length=80), nullable=False),
    sa.Column('household_id', sa.String(length=128), nullable=True),
    sa.Column('spend_micro_dollar', sa.BigInteger(), nullable=True),
    sa.Column('app_type', sa.String(length=20), nullable=True),
    sa.Column('dimensions', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'], name=op.f('fk_ad_actions_ad_account_id_ad_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ad_id'], ['ads.id'], name=op.f('fk_ad_actions_ad_id_ads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ad_account_id', 'id', name=op.f('pk_ad_actions'))
    )
    op.create_table('ad_household_members',
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('household_id', sa.String(length=128), nullable=False),
    sa.Column('person_key', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['ad_account_id'], ['ad_accounts.id'],
                            name=op.f('fk_ad_household_members_ad_account_id_ad_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ad_account_id', 'household_id', 'person_key', name=op.f('pk_ad_household_members'))
    )
    op.create_index('ix_ad_household_members_person', 'ad_household_members', ['ad_account_id', 'person_key'],
                    unique=False)
    with op.batch_alter_table('ad_actions', schema=None) as batch_op:
        batch_op.create_index('ix_ad_actions_ad_id_occurred_at', ['ad_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_ad_actions_person', ['ad_account_id', 'person_key', 'occurred_at'], unique=False)

    op.create_table('ad_conversion_daily',
    sa.Column('ad_id', sa.BigInteger(), nullable=False),
    sa.Column('zone', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('report_time', sa.String(length=20), nullable=False),
    sa.Column('attribution_type', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reach_days', sa.SmallInteger(), nullable=False),
    sa.Column('click_reach_days', sa.SmallInteger(), nullable=False),
    sa.Column('engagement_reach_days', sa.SmallInteger(), nullable=False),
    sa.Column('event_name', sa.String(length=32), nullable=False),
    sa.Column('action_source', sa.String(length=16), nullable=False),
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('campaign_id', sa.BigInteger(), nullable=False),
    sa.Column('ad_group_id', sa.BigInteger(), nullable=False),
    sa.Column('conversions', sa.BigInteger(), nullable=False),
    sa.Column('value_micro', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['ad_id'], ['ads.id'], name=op.f('fk_ad_conversion_daily_ad_id_ads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ad_id', 'zone', 'day', 'report_time', 'attribution_type', 'kind', 'reach_days', 'click_reach_days', 'engagement_reach_days', 'event_name', 'action_source', name=op.f('pk_ad_conversion_daily'))
    )
    with op.batch_alter_table('ad_conversion_daily', schema=None) as batch_op:
        batch_op.create_index('ix_ad_conversion_daily_account', ['ad_account_id', 'zone', 'report_time', 'attribution_type', 'day'], unique=False)

    op.create_table('ad_delivery_daily',
    sa.Column('ad_id', sa.BigInteger(), nullable=False),
    sa.Column('zone', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('ad_account_id', sa.BigInteger(), nullable=False),
    sa.Column('campaign_id', sa.BigInteger(), nullable=False),
    sa.Column('ad_group_id', sa.BigInteger(), nullable=False),
    sa.Column('impression', sa.BigInteger(), nullable=False),
    sa.Column('click', sa.BigInteger(), nullable=False),
    sa.Column('outbound_click', sa.BigInteger(), nullable=False),
    sa.Column('save', sa.BigInteger(), nullable=False),
    sa.Column('closeup', sa.BigInteger(), nullable=False),
    sa.Column('video_start', sa.BigInteger(), nullable=False),
    sa.Column('video_p25', sa.BigInteger(), nullable=False),
    sa.Column('video_p50', sa.BigInteger(), nullable=False),
    sa.Column('video_p75', sa.BigInteger(), nullable=False),
    sa.Column('video_p95', sa.BigInteger(), nullable=False),
    sa.Column('video_p100', sa.BigInteger(), nullable=False),
    sa.Column('video_mrc_view', sa.BigInteger(), nullable=False),
    sa.Column('video_3s_view', sa.BigInteger(), nullable=False),
    sa.Column('spend_micro_dollar', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['ad_id'], ['ads.id'], name=op.f('fk_ad_delivery_daily_ad_id_ads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ad_id', 'zone', 'day', name=op.f('pk_ad_delivery_daily'))
    )
    with op.batch_alter_table('ad_delivery_daily', schema=None) as batch_op:
        batch_op.create_index('ix_ad_delivery_daily_account', ['ad_account_id', 'zone', 'day'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_ad_household_members_person', table_name='ad_household_members')
    op.drop_table('ad_household_members')
    with op.batch_alter_table('ad_delivery_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_ad_delivery_daily_account')

    op.drop_table('ad_delivery_daily')
    with op.batch_alter_table('ad_conversion_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_ad_conversion_daily_account')

    op.drop_table('ad_conversion_daily')
    with op.batch_alter_table('ad_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_ad_actions_person')
        batch_op.drop_index('ix_ad_actions_ad_id_occurred_at')

    op.drop_table('ad_actions')
    op.drop_table('ad_conversion_touches')
    with op.batch_alter_table('ad_conversion_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_ad_conversion_keys_person')

    op.drop_table('ad_conversion_keys')
    with op.batch_alter_table('ad_conversions', schema=None) as batch_op:
        batch_op.drop_index('ix_ad_conversions_click_id')

    op.drop_table('ad_conversions')
