"""targeting analytics read paths: a covering account index on the conversion rollup, and
profile ids as SQLite's rowid

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 22:00:00

* ix_ad_conversion_daily_account keeps every column the ad-account targeting report reads,
  so an account's conversions of one zone, report time and attribution type over a range
  of days are one run of the index.
* ad_action_profiles.id is INTEGER on SQLite (the rowid): a join by id searches the table
  once instead of an index and then the table.
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

KEY = ('ad_account_id', 'zone', 'report_time', 'attribution_type', 'day')
COVERED = ('kind', 'reach_days', 'click_reach_days', 'engagement_reach_days', 'event_name', 'action_source',
           'profile_id', 'conversions', 'value_micro', 'quantity')


def _profile_id_type(new_type) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table('ad_action_profiles', recreate='always') as batch_op:
        batch_op.alter_column('id', existing_type=sa.BigInteger() if new_type is sa.Integer else sa.Integer(),
                              type_=new_type(), existing_nullable=False, autoincrement=False)


def upgrade() -> None:
    op.drop_index('ix_ad_conversion_daily_account', table_name='ad_conversion_daily')
    op.create_index('ix_ad_conversion_daily_account', 'ad_conversion_daily', [*KEY, *COVERED])
    _profile_id_type(sa.Integer)


def downgrade() -> None:
    _profile_id_type(sa.BigInteger)
    op.drop_index('ix_ad_conversion_daily_account', table_name='ad_conversion_daily')
    op.create_index('ix_ad_conversion_daily_account', 'ad_conversion_daily', list(KEY))
