"""metric rollups: account daily totals and per-pin running totals

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:40:00

Creates the two derived tables and fills them from the daily rows already stored, so
an existing database answers the same after the upgrade.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The stored metric columns as of this revision (later revisions add their own).
METRIC_COLUMNS = (
    'impression', 'save', 'pin_click', 'outbound_click', 'closeup', 'profile_visit', 'user_follow',
    'total_comments', 'total_reactions', 'video_start', 'video_mrc_view', 'video_10s_view',
    'quartile_95_percent_view', 'video_v50_watch_time',
)

PIN_FORMAT_SQL = """CASE
    WHEN d.traffic = 'ORGANIC' AND p.creative_type IN ('VIDEO', 'MAX_VIDEO') THEN 'ORGANIC_VIDEO'
    WHEN d.traffic = 'ORGANIC' AND p.creative_type IN ('SHOPPING', 'SHOP_THE_PIN', 'COLLECTION') THEN 'ORGANIC_PRODUCT'
    WHEN d.traffic = 'ORGANIC' THEN 'ORGANIC_IMAGE'
    WHEN p.creative_type IN ('VIDEO', 'MAX_VIDEO') THEN 'ADS_VIDEO'
    WHEN p.creative_type IN ('SHOPPING', 'SHOP_THE_PIN', 'COLLECTION') THEN 'ADS_PRODUCT'
    WHEN p.creative_type IN ('IDEA') THEN 'ADS_IDEA'
    ELSE 'ADS_STANDARD' END"""
SOURCE_SQL = "CASE WHEN p.parent_pin_id IS NULL THEN 'YOUR_PINS' ELSE 'OTHER_PINS' END"


def _metric_columns():
    return [sa.Column(name, sa.BigInteger(), nullable=False) for name in METRIC_COLUMNS]


def upgrade() -> None:
    op.create_table('account_daily_metrics',
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('app_type', sa.String(length=8), nullable=False),
    sa.Column('traffic', sa.String(length=8), nullable=False),
    sa.Column('pin_format', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    *_metric_columns(),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_account_daily_metrics_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', 'day', 'app_type', 'traffic', 'pin_format', 'source', name=op.f('pk_account_daily_metrics')),
    sqlite_with_rowid=False
    )
    op.create_table('pin_cumulative_metrics',
    sa.Column('pin_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    *_metric_columns(),
    sa.ForeignKeyConstraint(['pin_id'], ['pins.id'], name=op.f('fk_pin_cumulative_metrics_pin_id_pins'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pin_id', 'day', name=op.f('pk_pin_cumulative_metrics')),
    sqlite_with_rowid=False
    )
    columns = ', '.join(METRIC_COLUMNS)
    sums = ', '.join(f'SUM(d.{name})' for name in METRIC_COLUMNS)
    op.execute(
        f"INSERT INTO account_daily_metrics (owner_id, day, app_type, traffic, pin_format, source, {columns}) "
        f"SELECT d.owner_id, d.day, d.app_type, d.traffic, {PIN_FORMAT_SQL}, {SOURCE_SQL}, {sums} "
        "FROM pin_daily_metrics d JOIN pins p ON p.id = d.pin_id "
        f"GROUP BY d.owner_id, d.day, d.app_type, d.traffic, {PIN_FORMAT_SQL}, {SOURCE_SQL}"
    )
    per_day = ', '.join(f'SUM(d.{name}) AS {name}' for name in METRIC_COLUMNS)
    running = ', '.join(f'SUM(t.{name}) OVER (PARTITION BY t.pin_id ORDER BY t.day)' for name in METRIC_COLUMNS)
    op.execute(
        f"INSERT INTO pin_cumulative_metrics (pin_id, day, {columns}) "
        f"SELECT t.pin_id, t.day, {running} "
        f"FROM (SELECT d.pin_id AS pin_id, d.day AS day, {per_day} FROM pin_daily_metrics d GROUP BY d.pin_id, d.day) t"
    )


def downgrade() -> None:
    op.drop_table('pin_cumulative_metrics')
    op.drop_table('account_daily_metrics')
